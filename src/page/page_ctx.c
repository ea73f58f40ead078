#include "page/page_ctx.h"

const fetch_result_t *page_fetched(const page_ctx_t *p)
{
    return p->ops->fetched(p);
}

const char *page_url(const page_ctx_t *p)
{
    return p->ops->url(p);
}

const char *page_final_url(const page_ctx_t *p)
{
    return p->ops->final_url(p);
}

const crawl_opts_t *page_opts(const page_ctx_t *p)
{
    return p->ops->opts(p);
}

bool page_may_discover(const page_ctx_t *p)
{
    return p->ops->may_discover(p);
}

bool page_link_in_scope(const page_ctx_t *p, const char *url)
{
    return p->ops->link_in_scope(p, url);
}

void page_discover(page_ctx_t *p, json_t *links)
{
    p->ops->discover(p, links);
}

void page_succeed(page_ctx_t *p, char *doc)
{
    p->ops->succeed(p, doc);
}

void page_fail(page_ctx_t *p, cinder_err e, const char *detail)
{
    p->ops->fail(p, e, detail);
}

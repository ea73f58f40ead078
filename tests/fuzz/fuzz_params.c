/* Fuzz target: request-body validation (JSON → scrape options) for v0, v1 and v2. */
#include <stdint.h>
#include <stdlib.h>

#include "api/params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t err;
    json_t *body = json_loadb((const char *)data, size, 0, &err);
    if (!body)
        return 0;
    for (int version = 0; version <= 2 && json_is_object(body); version++) {
        params_report_t rep;
        params_report_init(&rep);
        scrape_opts_t o;
        scrape_opts_init(&o, version);
        char *url = params_url(json_object_get(body, "url"), "url", version == 1, &rep);
        bool links;
        if (version == 0)
            params_v0_page_options(json_object_get(body, "pageOptions"), &o, &links, &rep);
        else
            params_scrape(body, version, NULL, &o, &rep);
        json_decref(params_error_body(&rep));
        free(url);
        scrape_opts_cleanup(&o);
        params_report_cleanup(&rep);
    }
    json_decref(body);
    return 0;
}

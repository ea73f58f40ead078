#include "api/router.h"

#include <stdbool.h>
#include <string.h>

/* Matches one pattern against path; on success stores the parameters in m. */
static bool match_pattern(const char *pat, const char *path, route_match_t *m)
{
    size_t used = 0;
    m->nparams = 0;
    while (*pat && *path) {
        if (*pat == ':') {
            const char *end = strchr(path, '/');
            size_t n = end ? (size_t)(end - path) : strlen(path);
            if (!n || m->nparams == ROUTER_MAX_PARAMS || used + n + 1 > sizeof m->params_buf)
                return false;
            memcpy(m->params_buf + used, path, n);
            m->params_buf[used + n] = '\0';
            m->params[m->nparams++] = m->params_buf + used;
            used += n + 1;
            path += n;
            pat = strchr(pat, '/');
            if (!pat)
                pat = "";
            continue;
        }
        if (*pat != *path)
            return false;
        pat++;
        path++;
    }
    if (*path == '/' && path[1] == '\0')
        path++; /* tolerate one trailing slash */
    return *pat == '\0' && *path == '\0';
}

void router_match(const api_table_t *tables, size_t n, const char *method, const char *path,
                  route_match_t *m)
{
    memset(m, 0, sizeof *m);
    bool mismatch = false;
    for (size_t t = 0; t < n; t++) {
        for (const api_route_t *r = tables[t].routes; r->method; r++) {
            route_match_t tmp;
            if (!match_pattern(r->pattern, path, &tmp))
                continue;
            if (strcmp(r->method, method) != 0) {
                if (!mismatch) {
                    m->dialect = tables[t].dialect;
                    m->error = tables[t].error;
                }
                mismatch = true;
                continue;
            }
            *m = tmp;
            for (int i = 0; i < m->nparams; i++)
                m->params[i] = m->params_buf + (tmp.params[i] - tmp.params_buf);
            m->handler = r->handler;
            m->dialect = tables[t].dialect;
            m->error = tables[t].error;
            return;
        }
    }
    m->method_mismatch = mismatch;
}

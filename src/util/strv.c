#include "util/strv.h"

#include <stdlib.h>

#include "util/mem.h"

void strv_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

char **strv_copy(char *const *v, size_t n)
{
    if (!n)
        return NULL;
    char **out = xcalloc(n, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = xstrdup(v[i]);
    return out;
}

json_t *strv_to_json(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

char **strv_from_json(json_t *a, size_t *n)
{
    *n = 0;
    if (!json_array_size(a))
        return NULL;
    char **v = xcalloc(json_array_size(a), sizeof *v);
    for (size_t i = 0; i < json_array_size(a); i++)
        if (json_is_string(json_array_get(a, i)))
            v[(*n)++] = xstrdup(json_string_value(json_array_get(a, i)));
    return v;
}

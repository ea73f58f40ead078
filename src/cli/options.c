#include "cli/options.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool parse_number(const char *s, double *v, const char **rest)
{
    char *end = NULL;
    errno = 0;
    *v = strtod(s, &end);
    if (end == s || errno || *v < 0)
        return false;
    *rest = end;
    return true;
}

cinder_err opts_parse_size(const char *s, size_t *out)
{
    static const struct {
        const char *suffix;
        double mul;
    } units[] = {{"", 1},           {"b", 1},       {"k", 1024},        {"kb", 1e3},
                 {"kib", 1024},     {"m", 1048576}, {"mb", 1e6},        {"mib", 1048576},
                 {"g", 1073741824}, {"gb", 1e9},    {"gib", 1073741824}};
    double v;
    const char *rest;
    if (!parse_number(s, &v, &rest))
        return CINDER_E_INVALID;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcasecmp(rest, units[i].suffix) == 0) {
            *out = (size_t)(v * units[i].mul);
            return CINDER_OK;
        }
    }
    return CINDER_E_INVALID;
}

cinder_err opts_parse_duration(const char *s, long long *out_ms)
{
    static const struct {
        const char *suffix;
        double ms;
    } units[] = {{"", 1000}, {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};
    double v;
    const char *rest;
    if (!parse_number(s, &v, &rest))
        return CINDER_E_INVALID;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(rest, units[i].suffix) == 0) {
            *out_ms = (long long)(v * units[i].ms);
            return CINDER_OK;
        }
    }
    return CINDER_E_INVALID;
}

static bool truthy(const char *s)
{
    return !strcmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes") ||
           !strcasecmp(s, "on");
}

static cinder_err set_value(const opt_def_t *d, void *cfg, const char *val, const char *origin)
{
    char *field = (char *)cfg + d->offset;
    cinder_err rc = CINDER_OK;
    char *end = NULL;
    switch (d->type) {
    case OPT_STR:
        *(const char **)field = val;
        break;
    case OPT_FLAG:
        *(bool *)field = truthy(val);
        break;
    case OPT_INT:
        errno = 0;
        *(long *)field = strtol(val, &end, 10);
        if (errno || end == val || *end)
            rc = CINDER_E_INVALID;
        break;
    case OPT_SIZE:
        rc = opts_parse_size(val, (size_t *)field);
        break;
    case OPT_DURATION:
        rc = opts_parse_duration(val, (long long *)field);
        break;
    case OPT_LIST: {
        const char **list = (const char **)field;
        int n = 0;
        while (n < OPT_LIST_MAX - 1 && list[n])
            n++;
        if (n == OPT_LIST_MAX - 1)
            rc = CINDER_E_INVALID;
        else
            list[n] = val;
        break;
    }
    }
    if (rc)
        fprintf(stderr, "cinder: invalid value '%s' for %s%s\n", val, origin, d->name);
    return rc;
}

static const opt_def_t *find_long(const opt_def_t *defs, const char *name, size_t n)
{
    for (const opt_def_t *d = defs; d->name; d++)
        if (strlen(d->name) == n && strncmp(d->name, name, n) == 0)
            return d;
    return NULL;
}

static const opt_def_t *find_short(const opt_def_t *defs, char c)
{
    for (const opt_def_t *d = defs; d->name; d++)
        if (d->short_name == c)
            return d;
    return NULL;
}

static cinder_err apply_defaults_and_env(const opt_def_t *defs, void *cfg)
{
    for (const opt_def_t *d = defs; d->name; d++) {
        if (d->def && set_value(d, cfg, d->def, "default of --"))
            return CINDER_E_INVALID;
        const char *env = d->env ? getenv(d->env) : NULL;
        if (env && *env && set_value(d, cfg, env, d->env))
            return CINDER_E_INVALID;
    }
    return CINDER_OK;
}

/* Handles argv[*i] as an option; advances *i past its value. */
static cinder_err take_option(const opt_def_t *defs, void *cfg, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    const opt_def_t *d;
    const char *val = NULL;
    if (a[1] == '-') {
        const char *eq = strchr(a + 2, '=');
        d = find_long(defs, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
        val = eq ? eq + 1 : NULL;
    } else {
        d = a[2] ? NULL : find_short(defs, a[1]);
    }
    if (!d) {
        fprintf(stderr, "cinder %s: unknown option %s (see --help)\n", argv[0], a);
        return CINDER_E_INVALID;
    }
    if (d->type == OPT_FLAG)
        return set_value(d, cfg, val ? val : "1", "--");
    if (!val && *i + 1 >= argc) {
        fprintf(stderr, "cinder %s: option --%s needs a value\n", argv[0], d->name);
        return CINDER_E_INVALID;
    }
    return set_value(d, cfg, val ? val : argv[++*i], "--");
}

cinder_err opts_parse(const opt_def_t *defs, void *cfg, int argc, char **argv, const char *usage,
                      const char **pos, int max_pos, int *npos)
{
    *npos = 0;
    if (apply_defaults_and_env(defs, cfg))
        return CINDER_E_INVALID;
    bool only_pos = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
            opts_help(stdout, usage, defs);
            return CINDER_E_DECLINED;
        }
        if (!only_pos && !strcmp(a, "--")) {
            only_pos = true;
        } else if (!only_pos && a[0] == '-' && a[1]) {
            if (take_option(defs, cfg, argc, argv, &i))
                return CINDER_E_INVALID;
        } else if (*npos < max_pos) {
            pos[(*npos)++] = a;
        } else {
            fprintf(stderr, "cinder %s: unexpected argument %s (see --help)\n", argv[0], a);
            return CINDER_E_INVALID;
        }
    }
    return CINDER_OK;
}

void opts_help(FILE *out, const char *usage, const opt_def_t *defs)
{
    fprintf(out, "%s\n\nOptions:\n", usage);
    for (const opt_def_t *d = defs; d->name; d++) {
        char left[64];
        snprintf(left, sizeof left, "%s%c%s--%s%s%s", d->short_name ? "-" : "",
                 d->short_name ? d->short_name : ' ', d->short_name ? ", " : "  ", d->name,
                 d->metavar ? " " : "", d->metavar ? d->metavar : "");
        fprintf(out, "  %-28s %s", left + (d->short_name ? 0 : 1), d->help);
        if (d->def && d->type != OPT_FLAG)
            fprintf(out, " (default: %s)", d->def);
        if (d->env)
            fprintf(out, " [env %s]", d->env);
        fputc('\n', out);
    }
    fprintf(out, "  %-28s %s\n", "-h, --help", "show this help");
}

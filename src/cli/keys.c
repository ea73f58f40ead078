/*
 * cinder keys: API keys and team credits, on the same data directory as the server (also while
 * it runs: the server re-reads keys within seconds).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/auth.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "store/store_accounts.h"
#include "util/clock.h"

typedef struct {
    const char *data;
    const char *team;
    const char *credits; /* create: the new team's balance */
    const char *rate;    /* create: "N/min" or "N" */
    const char *add, *set;
    bool unlimited;
} keys_cfg_t;

#define F(x) offsetof(keys_cfg_t, x)
static const opt_def_t keys_opts[] = {
    {"data", 'd', "CINDER_DATA", OPT_STR, F(data), "./data", "DIR",
     "data directory (SQLite store) of the server"},
    {"team", 't', NULL, OPT_STR, F(team), NULL, "NAME", "team (create, credits)"},
    {"credits", 0, NULL, OPT_STR, F(credits), NULL, "N",
     "create: the credit balance of a new team (default: unlimited)"},
    {"rate", 0, NULL, OPT_STR, F(rate), NULL, "N/min",
     "create: requests per minute allowed to the key (default: unlimited)"},
    {"add", 0, NULL, OPT_STR, F(add), NULL, "N", "credits: add N credits (N may be negative)"},
    {"set", 0, NULL, OPT_STR, F(set), NULL, "N", "credits: make the balance N"},
    {"unlimited", 0, NULL, OPT_FLAG, F(unlimited), NULL, NULL, "credits: make it unlimited"},
    {NULL, 0, NULL, 0, 0, NULL, NULL, NULL},
};
#undef F

static const char usage[] =
    "usage: cinder keys create --team NAME [--credits N] [--rate N/min] [--data DIR]\n"
    "       cinder keys list [--data DIR]\n"
    "       cinder keys revoke PREFIX [--data DIR]\n"
    "       cinder keys credits --team NAME (--add N | --set N | --unlimited) [--data DIR]\n\n"
    "Manages API keys. `create` prints the new key as the only line on standard output; the\n"
    "store keeps only its SHA-256. While no key exists the server runs open.";

static bool parse_i64(const char *s, int64_t min, int64_t *out)
{
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || end == s || *end || v < min)
        return false;
    *out = v;
    return true;
}

static bool parse_rate(const char *s, int *out)
{
    if (!s) {
        *out = 0;
        return true;
    }
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end == s || v < 1 || v > 1000000 || (*end && strcmp(end, "/min") != 0))
        return false;
    *out = (int)v;
    return true;
}

static bool valid_team(const char *t)
{
    size_t n = t ? strlen(t) : 0;
    if (n == 0 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++)
        if (t[i] <= ' ' || t[i] == 0x7f)
            return false;
    return true;
}

static int create(store_t *st, const keys_cfg_t *cfg)
{
    int64_t credits = -1;
    int rate = 0;
    if (!valid_team(cfg->team) || (cfg->credits && !parse_i64(cfg->credits, 0, &credits)) ||
        !parse_rate(cfg->rate, &rate)) {
        fprintf(stderr, "cinder keys create: --team NAME (1-63 visible characters) is required; "
                        "--credits takes N >= 0 and --rate N/min with N >= 1\n");
        return 2;
    }
    store_team_t team;
    if (cfg->credits && store_team_get(st, cfg->team, &team) == CINDER_OK) {
        fprintf(stderr,
                "cinder keys create: team %s exists (balance %" PRId64
                "); change its credits with `cinder keys credits`\n",
                cfg->team, team.credits);
        return 2;
    }
    char key[64];
    store_key_t rec;
    if (auth_key_make(key, sizeof key, &rec) != CINDER_OK) {
        fprintf(stderr, "cinder keys create: no randomness available\n");
        return 1;
    }
    snprintf(rec.team, sizeof rec.team, "%s", cfg->team);
    rec.rate_per_min = rate;
    if (store_key_add(st, &rec, credits) != CINDER_OK) {
        fprintf(stderr, "cinder keys create: the key could not be stored\n");
        return 1;
    }
    printf("%s\n", key);
    return 0;
}

static void print_key(const store_key_t *k, store_t *st)
{
    char when[40];
    clock_iso8601(k->created_ms, when, sizeof when);
    store_team_t t;
    char bal[32] = "?";
    if (store_team_get(st, k->team, &t) == CINDER_OK) {
        if (t.credits < 0)
            snprintf(bal, sizeof bal, "unlimited");
        else
            snprintf(bal, sizeof bal, "%" PRId64, t.credits);
    }
    char rate[24] = "unlimited";
    if (k->rate_per_min > 0)
        snprintf(rate, sizeof rate, "%d/min", k->rate_per_min);
    printf("%-12s %-20s %-10s %-12s %-24s %s\n", k->prefix, k->team, rate, bal, when,
           k->revoked_ms ? "revoked" : "active");
}

static int list(store_t *st)
{
    store_key_t *keys = NULL;
    size_t n = 0;
    if (store_keys_list(st, &keys, &n) != CINDER_OK) {
        fprintf(stderr, "cinder keys list: the store could not be read\n");
        return 1;
    }
    printf("%-12s %-20s %-10s %-12s %-24s %s\n", "PREFIX", "TEAM", "RATE", "CREDITS", "CREATED",
           "STATE");
    for (size_t i = 0; i < n; i++)
        print_key(&keys[i], st);
    free(keys);
    return 0;
}

static int revoke(store_t *st, const char *prefix)
{
    cinder_err rc = prefix ? store_key_revoke(st, prefix, clock_wall_ms()) : CINDER_E_INVALID;
    if (rc == CINDER_OK) {
        fprintf(stderr, "revoked %s\n", prefix);
        return 0;
    }
    fprintf(stderr, "cinder keys revoke: %s\n",
            rc == CINDER_E_NOT_FOUND ? "no active key has that prefix (see cinder keys list)"
            : rc == CINDER_E_INVALID ? "give the key's prefix (see cinder keys list)"
                                     : "the store could not be written");
    return rc == CINDER_E_STORE ? 1 : 2;
}

static int credits(store_t *st, const keys_cfg_t *cfg)
{
    int64_t v = 0;
    int given = (cfg->add != NULL) + (cfg->set != NULL) + cfg->unlimited;
    bool ok = valid_team(cfg->team) && given == 1 &&
              (cfg->unlimited ||
               parse_i64(cfg->add ? cfg->add : cfg->set, cfg->add ? INT64_MIN / 2 : 0, &v));
    if (!ok) {
        fprintf(stderr, "cinder keys credits: --team NAME and one of --add N, --set N (N >= 0) "
                        "or --unlimited\n");
        return 2;
    }
    cinder_err rc =
        store_team_credits(st, cfg->team, cfg->unlimited ? -1 : v, !cfg->add, clock_wall_ms());
    store_team_t t;
    if (rc == CINDER_OK && store_team_get(st, cfg->team, &t) == CINDER_OK) {
        if (t.credits < 0)
            printf("%s: unlimited\n", t.name);
        else
            printf("%s: %" PRId64 "\n", t.name, t.credits);
        return 0;
    }
    fprintf(stderr, "cinder keys credits: %s\n",
            rc == CINDER_E_NOT_FOUND ? "no such team (teams are created with cinder keys create)"
            : rc == CINDER_E_INVALID ? "the team's balance is unlimited (use --set N) or would "
                                       "fall below zero"
                                     : "the store could not be written");
    return rc == CINDER_E_STORE ? 1 : 2;
}

int cmd_keys(int argc, char **argv)
{
    keys_cfg_t cfg = {0};
    const char *pos[2] = {NULL, NULL};
    int npos = 0;
    cinder_err rc = opts_parse(keys_opts, &cfg, argc, argv, usage, pos, 2, &npos);
    if (rc)
        return rc == CINDER_E_DECLINED ? 0 : 2;
    const char *sub = npos > 0 ? pos[0] : "";
    bool known = !strcmp(sub, "create") || !strcmp(sub, "list") || !strcmp(sub, "revoke") ||
                 !strcmp(sub, "credits");
    if (!known) {
        opts_help(stderr, usage, keys_opts);
        return 2;
    }
    store_t *st = NULL;
    if (store_open(cfg.data, &st) != CINDER_OK) {
        fprintf(stderr, "cinder keys: cannot open the store in %s\n", cfg.data);
        return 1;
    }
    int status = !strcmp(sub, "create")   ? create(st, &cfg)
                 : !strcmp(sub, "list")   ? list(st)
                 : !strcmp(sub, "revoke") ? revoke(st, npos > 1 ? pos[1] : NULL)
                                          : credits(st, &cfg);
    store_close(st);
    return status;
}

#include "test.h"

#include <stdbool.h>
#include <stdlib.h>

#include "cli/options.h"

typedef struct {
    const char *host;
    long port;
    bool flag;
    size_t size;
    long long ttl;
    const char *list[OPT_LIST_MAX];
} cfg_t;

#define F(x) offsetof(cfg_t, x)
static const opt_def_t defs[] = {
    {"host", 0, "CINDER_TEST_HOST", OPT_STR, F(host), "127.0.0.1", "ADDR", "host"},
    {"port", 'p', NULL, OPT_INT, F(port), "3002", "N", "port"},
    {"flag", 0, "CINDER_TEST_FLAG", OPT_FLAG, F(flag), NULL, NULL, "flag"},
    {"size", 0, NULL, OPT_SIZE, F(size), "20MiB", "SIZE", "size"},
    {"ttl", 0, NULL, OPT_DURATION, F(ttl), "24h", "D", "ttl"},
    {"header", 'H', NULL, OPT_LIST, F(list), NULL, "H", "list"},
    {NULL, 0, NULL, 0, 0, NULL, NULL, NULL},
};

TEST(options_defaults_env_and_argv)
{
    setenv("CINDER_TEST_HOST", "0.0.0.0", 1);
    setenv("CINDER_TEST_FLAG", "1", 1);
    char *argv[] = {"serve", "-p",   "8080",     "--size=1MB", "--ttl", "90m",
                    "-H",    "a: b", "--header", "c: d",       "pos",   NULL};
    cfg_t c = {0};
    const char *pos[2];
    int npos = 0;
    CHECK_INT(opts_parse(defs, &c, 11, argv, "usage", pos, 2, &npos), CINDER_OK);
    CHECK_STR(c.host, "0.0.0.0");
    CHECK_INT(c.port, 8080);
    CHECK(c.flag);
    CHECK_INT(c.size, 1000000);
    CHECK_INT(c.ttl, 90LL * 60 * 1000);
    CHECK_STR(c.list[0], "a: b");
    CHECK_STR(c.list[1], "c: d");
    CHECK(c.list[2] == NULL);
    CHECK_INT(npos, 1);
    CHECK_STR(pos[0], "pos");
    unsetenv("CINDER_TEST_HOST");
    unsetenv("CINDER_TEST_FLAG");
}

TEST(options_errors)
{
    cfg_t c = {0};
    const char *pos[1];
    int npos;
    char *bad_int[] = {"serve", "--port", "80x", NULL};
    CHECK_INT(opts_parse(defs, &c, 3, bad_int, "u", pos, 0, &npos), CINDER_E_INVALID);
    char *unknown[] = {"serve", "--nope", NULL};
    CHECK_INT(opts_parse(defs, &c, 2, unknown, "u", pos, 0, &npos), CINDER_E_INVALID);
    char *missing[] = {"serve", "--port", NULL};
    CHECK_INT(opts_parse(defs, &c, 2, missing, "u", pos, 0, &npos), CINDER_E_INVALID);
    size_t s;
    long long d;
    CHECK_INT(opts_parse_size("3GiB", &s), CINDER_OK);
    CHECK_INT(s, 3ULL << 30);
    CHECK_INT(opts_parse_size("12 apples", &s), CINDER_E_INVALID);
    CHECK_INT(opts_parse_duration("250ms", &d), CINDER_OK);
    CHECK_INT(d, 250);
    CHECK_INT(opts_parse_duration("2", &d), CINDER_OK);
    CHECK_INT(d, 2000);
    CHECK_INT(opts_parse_duration("-1h", &d), CINDER_E_INVALID);
}

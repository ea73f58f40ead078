#include "test.h"

#include "api/router.h"
#include "dialect/dialects.h"

TEST(router_literal_param_and_method)
{
    route_match_t m;
    router_match(dialect_tables, dialect_n_tables, "POST", "/v1/scrape", &m);
    CHECK(m.handler != NULL);
    router_match(dialect_tables, dialect_n_tables, "GET",
                 "/v1/scrape/123e4567-e89b-42d3-a456-426614174000", &m);
    REQUIRE(m.handler != NULL);
    CHECK_INT(m.nparams, 1);
    CHECK_STR(m.params[0], "123e4567-e89b-42d3-a456-426614174000");
    router_match(dialect_tables, dialect_n_tables, "GET", "/v1/scrape", &m);
    CHECK(m.handler == NULL);
    CHECK(m.method_mismatch);
    router_match(dialect_tables, dialect_n_tables, "GET", "/health/", &m);
    CHECK(m.handler != NULL);
    router_match(dialect_tables, dialect_n_tables, "GET", "/v1/scrape/a/b", &m);
    CHECK(m.handler == NULL && !m.method_mismatch);
    router_match(dialect_tables, dialect_n_tables, "GET", "/v1/scrape/", &m);
    CHECK(m.handler == NULL);
}

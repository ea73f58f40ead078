/* json_out: the same text as json_dumps(v, JSON_COMPACT) for every kind of value. */
#include "test.h"

#include <stdlib.h>
#include <string.h>

#include "util/json_out.h"

/* Checks that json_out_compact writes what jansson writes for v (freed here). */
static void same_as_jansson(json_t *v)
{
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    size_t len = 0;
    char *got = json_out_compact(v, &len);
    REQUIRE(want && got);
    CHECK_STR(got, want);
    CHECK_INT(len, strlen(want));
    free(want);
    free(got);
    json_decref(v);
}

TEST(strings_escape_as_jansson_does)
{
    same_as_jansson(json_string("plain"));
    same_as_jansson(json_string(""));
    same_as_jansson(json_string("quote \" backslash \\ slash / tab\t nl\n cr\r ff\f bs\b"));
    same_as_jansson(json_string("\x01\x02\x1f control and \x7f del"));
    same_as_jansson(
        json_string("UTF-8: caf\xc3\xa9, \xe2\x80\xa8 line sep, \xf0\x9f\x98\x80 emoji"));
    same_as_jansson(json_stringn("nul\0inside", 10));
}

/* Checks the text of real d: want exactly, and it reads back as d. */
static void real_is(double d, const char *want)
{
    json_t *v = json_real(d);
    char *got = json_out_compact(v, NULL);
    REQUIRE(got);
    CHECK_STR(got, want);
    CHECK(strtod(got, NULL) == d);
    free(got);
    json_decref(v);
}

TEST(numbers_print_shortest_and_as_jansson_does)
{
    real_is(0.099, "0.099"); /* jansson: 0.099000000000000005 */
    real_is(0.1, "0.1");
    real_is(0.0, "0.0");
    real_is(-0.0, "-0.0");
    real_is(1.0, "1.0");
    real_is(2.5, "2.5");
    real_is(1e20, "1e20");
    real_is(1e21, "1e21");
    real_is(1.5e-7, "1.5e-7");
    real_is(123456789.125, "123456789.125");
    real_is(-2.5e300, "-2.5e300");
    real_is(1.0 / 3.0, "0.3333333333333333");
    real_is(3.0e-310, "3e-310");
    same_as_jansson(json_integer(0));
    same_as_jansson(json_integer(-9223372036854775807LL - 1));
    same_as_jansson(json_integer(9223372036854775807LL));
}

TEST(objects_keep_insertion_order_and_nest)
{
    json_t *doc = json_pack("{s:s, s:{s:[i,f,b,n,s]}, s:[], s:{}, s:b}", "markdown",
                            "# Title\n\nText with \"quotes\".", "metadata", "list", 1, 2.5, 1,
                            "x\ty", "empty", "obj", "last", 0);
    REQUIRE(doc);
    json_object_set_new(doc, "a-later-key", json_string("after"));
    json_object_set_new(doc, "\"odd\\key\"", json_null());
    same_as_jansson(doc);
}

TEST(too_deep_a_value_gives_null)
{
    json_t *root = json_array(), *cur = root;
    for (int i = 0; i < JSON_OUT_MAX_DEPTH + 5; i++) {
        json_t *next = json_array();
        json_array_append_new(cur, next);
        cur = next;
    }
    CHECK(json_out_compact(root, NULL) == NULL);
    CHECK(json_out_compact(NULL, NULL) == NULL);
    json_decref(root);
}

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

TEST(numbers_print_as_jansson_does)
{
    const double reals[] = {0.0,  -0.0,   1.0,           0.1,      0.099,    1e20,
                            1e21, 1.5e-7, 123456789.125, -2.5e300, 3.0e-310, 1e100};
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
        same_as_jansson(json_real(reals[i]));
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

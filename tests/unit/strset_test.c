#include "test.h"

#include <stdio.h>

#include "util/strset.h"

TEST(strset_add_reports_new)
{
    strset_t *s = strset_new(0);
    CHECK(strset_add(s, "a"));
    CHECK(strset_add(s, "b"));
    CHECK(!strset_add(s, "a"));
    CHECK(strset_add(s, ""));
    CHECK(!strset_add(s, ""));
    CHECK_INT(strset_count(s), 3);
    CHECK(strset_contains(s, "b", 1));
    CHECK(!strset_contains(s, "c", 1));
    CHECK(!strset_contains(s, "ab", 2));
    strset_free(s);
    strset_free(NULL);
}

TEST(strset_keys_are_copied_and_length_counted)
{
    strset_t *s = strset_new(4);
    char key[8] = "xyz";
    CHECK(strset_add(s, key));
    key[0] = 'q';
    CHECK(strset_contains(s, "xyz", 3));
    CHECK(!strset_contains(s, "qyz", 3));
    CHECK(strset_addn(s, "a\0b", 3));
    CHECK(strset_addn(s, "a\0c", 3));
    CHECK(!strset_addn(s, "a\0b", 3));
    CHECK(strset_add(s, "a")); /* "a" differs from "a\0b" */
    CHECK_INT(strset_count(s), 4);
    strset_free(s);
}

TEST(strset_grows_past_many_keys)
{
    strset_t *s = strset_new(0);
    char key[32];
    for (int i = 0; i < 100000; i++) {
        snprintf(key, sizeof key, "https://example.com/%d", i);
        CHECK(strset_add(s, key));
    }
    CHECK_INT(strset_count(s), 100000);
    int dup = 0;
    for (int i = 0; i < 100000; i += 7) {
        snprintf(key, sizeof key, "https://example.com/%d", i);
        dup += !strset_add(s, key);
    }
    CHECK_INT(dup, (100000 + 6) / 7);
    CHECK(!strset_contains(s, "https://example.com/100000", 26));
    strset_free(s);
}

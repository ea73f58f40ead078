/* known: keys are remembered exactly, a colliding key replaces the one in its slot, and no key
 * is ever reported that was not added. */
#include "test.h"

#include <stdio.h>

#include "crawl/known.h"

TEST(keys_added_are_known_and_others_are_not)
{
    known_t *k = known_new(64);
    CHECK(!known_has(k, "http://a/x"));
    known_add(k, "http://a/x");
    known_add(k, "http://a/x"); /* twice: one slot */
    CHECK(known_has(k, "http://a/x"));
    CHECK(!known_has(k, "http://a/y"));
    CHECK(!known_has(k, "http://a/"));
    CHECK(!known_has(NULL, "http://a/x"));
    known_add(NULL, "ignored");
    known_free(k);
    known_free(NULL);
}

TEST(a_full_set_forgets_but_never_invents)
{
    known_t *k = known_new(16);
    char key[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "k%d", i);
        known_add(k, key);
    }
    int kept = 0;
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "k%d", i);
        kept += known_has(k, key);
    }
    CHECK(kept > 0 && kept <= 16); /* at most one key per slot */
    for (int i = 1000; i < 2000; i++) {
        snprintf(key, sizeof key, "k%d", i);
        CHECK(!known_has(k, key));
    }
    known_free(k);
}

/* Tests of the API key checker: open mode and its rule, hashing, unknown/revoked keys, and the
 * per-key token bucket. */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "api/auth.h"
#include "store/store_accounts.h"
#include "util/clock.h"

typedef struct {
    char dir[64];
    store_t *st;
} fixture_t;

static bool setup(fixture_t *f)
{
    snprintf(f->dir, sizeof f->dir, "/tmp/cinder-auth-XXXXXX");
    return mkdtemp(f->dir) && store_open(f->dir, &f->st) == CINDER_OK;
}

static void teardown(fixture_t *f)
{
    store_close(f->st);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    CHECK_INT(system(cmd), 0);
}

static void add_key(fixture_t *f, const char *team, int rate, char key[64])
{
    store_key_t k;
    CHECK_INT(auth_key_make(key, 64, &k), CINDER_OK);
    snprintf(k.team, sizeof k.team, "%s", team);
    k.rate_per_min = rate;
    CHECK_INT(store_key_add(f->st, &k, -1), CINDER_OK);
}

TEST(open_mode_only_while_no_key_exists_and_when_allowed)
{
    fixture_t f;
    REQUIRE(setup(&f));
    auth_t *open = NULL, *closed = NULL;
    REQUIRE(auth_new(f.st, true, &open) == CINDER_OK);
    REQUIRE(auth_new(f.st, false, &closed) == CINDER_OK);
    auth_result_t r;
    auth_check(open, NULL, &r);
    CHECK_INT(r.err, CINDER_OK);
    CHECK_STR(r.team, "");
    auth_check(open, "anything", &r);
    CHECK_INT(r.err, CINDER_OK);
    auth_check(closed, "anything", &r);
    CHECK_INT(r.err, CINDER_E_UNAUTHORIZED);
    char key[64];
    add_key(&f, "acme", 0, key);
    auth_t *fresh = NULL;
    REQUIRE(auth_new(f.st, true, &fresh) == CINDER_OK);
    auth_check(fresh, NULL, &r);
    CHECK_INT(r.err, CINDER_E_UNAUTHORIZED);
    auth_check(fresh, "fc-0000", &r);
    CHECK_INT(r.err, CINDER_E_KEY_INVALID);
    auth_check(fresh, key, &r);
    CHECK_INT(r.err, CINDER_OK);
    CHECK_STR(r.team, "acme");
    auth_free(open);
    auth_free(closed);
    auth_free(fresh);
    teardown(&f);
}

TEST(keys_are_random_and_stored_as_their_sha256)
{
    char a[64], b[64];
    store_key_t ka, kb;
    REQUIRE(auth_key_make(a, sizeof a, &ka) == CINDER_OK);
    REQUIRE(auth_key_make(b, sizeof b, &kb) == CINDER_OK);
    CHECK_INT(strlen(a), 43);
    CHECK(strcmp(a, b) != 0);
    CHECK(strstr(ka.hash, a + 3) == NULL);
    char h[65];
    auth_key_hash("abc", h);
    CHECK_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK_INT(auth_key_make(a, 20, &ka), CINDER_E_INVALID);
}

TEST(revoked_keys_are_refused_and_the_bucket_limits_requests)
{
    fixture_t f;
    REQUIRE(setup(&f));
    char key[64], fast[64];
    add_key(&f, "acme", 2, key);
    add_key(&f, "acme", 0, fast);
    auth_t *a = NULL;
    REQUIRE(auth_new(f.st, true, &a) == CINDER_OK);
    auth_result_t r;
    auth_check(a, key, &r);
    CHECK_INT(r.err, CINDER_OK);
    auth_check(a, key, &r);
    CHECK_INT(r.err, CINDER_OK);
    auth_check(a, key, &r);
    CHECK_INT(r.err, CINDER_E_RATE_LIMITED);
    CHECK(r.retry_after_s >= 1 && r.retry_after_s <= 30);
    for (int i = 0; i < 50; i++) {
        auth_check(a, fast, &r);
        CHECK_INT(r.err, CINDER_OK);
    }
    char prefix[16];
    snprintf(prefix, sizeof prefix, "%.11s", fast);
    CHECK_INT(store_key_revoke(f.st, prefix, clock_wall_ms()), CINDER_OK);
    auth_free(a);
    REQUIRE(auth_new(f.st, true, &a) == CINDER_OK); /* a fresh cache sees the revocation at once */
    auth_check(a, fast, &r);
    CHECK_INT(r.err, CINDER_E_KEY_INVALID);
    auth_free(a);
    teardown(&f);
}

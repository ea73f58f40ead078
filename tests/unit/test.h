/*
 * A tiny unit-test framework. Each tests/unit/<module>_test.c is its own
 * binary (linked with test.c, which holds main). TEST(name) registers a test;
 * CHECK* record failures and carry on; REQUIRE* stop the test.
 */
#ifndef CINDER_TEST_H
#define CINDER_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef void (*test_fn)(void);

void test_register(const char *name, test_fn fn);
void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool test_failed_now(void);
/* Reads a whole file (test data); caller frees. Aborts the test binary on error. */
char *test_read_file(const char *path, size_t *len);
/* Directory of this test's data: tests/unit (tests run from the repository root). */
#define TEST_DATA_DIR "tests/unit"

/* Time limits in the tests are set for the ASan build; under ThreadSanitizer instrumented code
 * runs several times slower, so limits on wall time are multiplied by this. */
#if defined(__SANITIZE_THREAD__)
#define TEST_TIME_SCALE 4.0
#else
#define TEST_TIME_SCALE 1.0
#endif

#define TEST(name)                                                                                 \
    static void test_##name(void);                                                                 \
    __attribute__((constructor)) static void test_reg_##name(void)                                 \
    {                                                                                              \
        test_register(#name, test_##name);                                                         \
    }                                                                                              \
    static void test_##name(void)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);                                     \
    } while (0)

#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            test_fail(__FILE__, __LINE__, "REQUIRE(%s)", #cond);                                   \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_)                                                                              \
            test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, a_, b_);               \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (!a_ || !b_ || strcmp(a_, b_) != 0)                                                     \
            test_fail(__FILE__, __LINE__, "%s == %s:\n--- got ---\n%s\n--- want ---\n%s", #a, #b,  \
                      a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                     \
    } while (0)

#define CHECK_CONTAINS(hay, needle)                                                                \
    do {                                                                                           \
        const char *h_ = (hay), *n_ = (needle);                                                    \
        if (!h_ || !strstr(h_, n_))                                                                \
            test_fail(__FILE__, __LINE__, "%s should contain \"%s\":\n%s", #hay, n_,               \
                      h_ ? h_ : "(null)");                                                         \
    } while (0)

#define CHECK_NOT_CONTAINS(hay, needle)                                                            \
    do {                                                                                           \
        const char *h_ = (hay), *n_ = (needle);                                                    \
        if (h_ && strstr(h_, n_))                                                                  \
            test_fail(__FILE__, __LINE__, "%s should not contain \"%s\":\n%s", #hay, n_, h_);      \
    } while (0)

#endif

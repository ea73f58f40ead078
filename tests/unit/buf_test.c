#include "test.h"

#include <stdlib.h>

#include "util/arena.h"
#include "util/buf.h"

TEST(buf_append_and_cap)
{
    buf_t b;
    buf_init(&b, 8);
    CHECK_INT(buf_puts(&b, "abcd"), CINDER_OK);
    CHECK_INT(buf_puts(&b, "efgh"), CINDER_OK);
    CHECK_INT(buf_putc(&b, 'x'), CINDER_E_TOO_LARGE);
    CHECK_INT(b.len, 8);
    CHECK_STR(buf_str(&b), "abcdefgh");
    buf_cleanup(&b);
}

TEST(buf_printf_long)
{
    buf_t b;
    buf_init(&b, 0);
    char big[1000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_INT(buf_printf(&b, "<%s>%d", big, 42), CINDER_OK);
    CHECK_INT(b.len, 1003);
    CHECK(b.data[0] == '<' && b.data[1000] == '>' && b.data[1002] == '2');
    char *s = buf_steal(&b);
    CHECK_INT(b.len, 0);
    free(s);
    buf_cleanup(&b);
}

TEST(arena_many_and_large)
{
    arena_t *a = arena_new(64);
    char *big = arena_alloc(a, 1000);
    memset(big, 1, 1000);
    for (int i = 0; i < 100; i++) {
        char *s = arena_strdup(a, "hello");
        CHECK_STR(s, "hello");
    }
    CHECK(arena_used(a) >= 1000);
    arena_free(a);
    arena_free(NULL);
}

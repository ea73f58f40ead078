/* utf8: accepts what jansson accepts and refuses what it refuses. */
#include "test.h"

#include <jansson.h>
#include <string.h>

#include "util/utf8.h"

/* Checks utf8_valid against jansson's own check (json_stringn refuses invalid UTF-8). */
static void same_as_jansson(const char *s, size_t len)
{
    json_t *j = json_stringn(s, len);
    CHECK_INT(utf8_valid(s, len), j != NULL);
    json_decref(j);
}

TEST(valid_and_invalid_sequences_agree_with_jansson)
{
    static const char *const cases[] = {
        "",
        "plain ASCII text that is longer than eight bytes",
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
        "\xc3",             /* truncated */
        "\xc0\xaf",         /* overlong '/' */
        "\xe0\x80\xaf",     /* overlong */
        "\xed\xa0\x80",     /* surrogate */
        "\xf4\x90\x80\x80", /* above U+10FFFF */
        "\xf5\x80\x80\x80", /* bad lead */
        "\x80 continuation first",
        "abcdefg\xe2\x82",      /* truncated after an ASCII run */
        "abcdefgh\xef\xbf\xbf", /* U+FFFF */
        "\xf0\x90\x80\x80 U+10000",
        "\xf4\x8f\xbf\xbf U+10FFFF",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        same_as_jansson(cases[i], strlen(cases[i]));
    same_as_jansson("nul\0inside is fine", 18);
}

TEST(every_two_byte_string_agrees_with_jansson)
{
    char s[2];
    for (int a = 0; a < 256; a++)
        for (int b = 0; b < 256; b += 7) {
            s[0] = (char)a;
            s[1] = (char)b;
            same_as_jansson(s, 2);
        }
}

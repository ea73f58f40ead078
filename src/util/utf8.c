/* utf8: UTF-8 validation (util/utf8.h). */
#include "util/utf8.h"

#include <stdint.h>
#include <string.h>

/* Length of the valid sequence at s[0..n) whose lead byte is c (>= 0x80), or 0. */
static size_t sequence(const unsigned char *s, size_t n, unsigned char c)
{
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (c < 0xC2 || c > 0xF4 || len > n)
        return 0; /* a continuation byte, an overlong 2-byte lead, or beyond U+10FFFF */
    uint32_t cp = c & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0; /* overlong, or beyond U+10FFFF */
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0; /* a surrogate */
    return len;
}

bool utf8_valid(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        if (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!(w & 0x8080808080808080ull)) {
                i += 8; /* eight ASCII bytes */
                continue;
            }
        }
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = sequence(s + i, len - i, s[i]);
        if (!k)
            return false;
        i += k;
    }
    return true;
}

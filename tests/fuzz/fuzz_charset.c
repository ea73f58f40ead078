/* Fuzz target: charset decoding; the output must always be valid UTF-8 without NUL bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html/charset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const types[] = {NULL,
                                        "text/html",
                                        "text/html; charset=shift_jis",
                                        "text/html; charset=utf-16",
                                        "text/plain; charset=koi8-r",
                                        "text/html; charset=\"gb2312\"",
                                        "text/html; charset=bogus",
                                        "text/html; charset=iso-8859-1"};
    uint8_t sel = size ? data[0] : 0;
    buf_t out;
    buf_init(&out, 1u << 24);
    if (charset_to_utf8((const char *)data + (size ? 1 : 0), size ? size - 1 : 0, types[sel & 7],
                        &out, NULL) == CINDER_OK) {
        if (!charset_is_utf8(buf_str(&out), out.len) || memchr(buf_str(&out), 0, out.len))
            abort();
    }
    buf_cleanup(&out);
    return 0;
}

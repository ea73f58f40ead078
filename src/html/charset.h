/*
 * charset: decoding fetched bodies to UTF-8 (glibc iconv for the legacy
 * multi-byte encodings, native code for UTF-8 and windows-1252).
 *
 * Encoding labels follow the WHATWG Encoding Standard (latin1, iso-8859-1 and
 * ascii mean windows-1252; shift_jis is decoded as CP932; gbk and gb2312 as
 * GB18030; euc-kr as CP949; big5 as Big5-HKSCS). Canonical names returned to
 * callers are static strings such as "UTF-8", "windows-1252", "Shift_JIS".
 */
#ifndef CINDER_HTML_CHARSET_H
#define CINDER_HTML_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/error.h"

/* Decodes body (len bytes) to UTF-8, appending to out. The encoding comes from,
 * in order: a byte order mark (UTF-8, UTF-16LE, UTF-16BE; the BOM is not
 * copied), the charset parameter of content_type (may be NULL), a <meta charset>
 * or <meta http-equiv=Content-Type content="...charset=..."> in the first 4096
 * bytes (only when content_type is NULL or an HTML type), else UTF-8 when the
 * bytes are valid UTF-8 (a cut-off final sequence allowed), else windows-1252.
 * Invalid sequences and NUL bytes become U+FFFD; decoding never fails on bad
 * input. If charset_out is not NULL it receives the canonical name used.
 * Fails only with out's cap (CINDER_E_TOO_LARGE); out may then hold a prefix. */
CINDER_MUST_CHECK cinder_err charset_to_utf8(const char *body, size_t len, const char *content_type,
                                             buf_t *out, const char **charset_out);

/* Appends s (len bytes, meant to be UTF-8) to out with every invalid sequence
 * and every NUL byte replaced by U+FFFD. Fails only with out's cap. */
CINDER_MUST_CHECK cinder_err charset_utf8_sanitize(const char *s, size_t len, buf_t *out);

/* True when s (len bytes) is well-formed UTF-8 (no overlongs, surrogates or
 * code points above U+10FFFF; NUL bytes allowed). */
bool charset_is_utf8(const char *s, size_t len);

/* The canonical name for an encoding label ("latin1" -> "windows-1252"), or
 * NULL when the label is unknown. Static storage. */
const char *charset_canonical(const char *label, size_t len);

#endif

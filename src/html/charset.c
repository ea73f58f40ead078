/*
 * Decoding to UTF-8.
 *
 * UTF-8 input is copied in runs: an 8-bytes-at-a-time scan skips ASCII, a
 * strict sequence check handles the rest, and only invalid sequences or NUL
 * bytes break a run (each maximal invalid subpart becomes one U+FFFD, as in the
 * WHATWG decoder). windows-1252 is decoded natively (glibc's CP1252 rejects the
 * five bytes WHATWG maps to C1 controls). Everything else goes through iconv,
 * skipping one code unit with a U+FFFD on each invalid sequence.
 */
#include "html/charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>

#define PRESCAN_BYTES 4096
#define LABEL_MAX     64

static const char REPLACEMENT[] = "\xEF\xBF\xBD";

typedef struct {
    const char *name;   /* canonical name reported to callers */
    const char *iconv;  /* iconv source name; NULL: decoded natively */
    size_t unit;        /* bytes skipped after an invalid sequence */
    const char *labels; /* WHATWG labels, lower case, space-separated */
} encoding_t;

enum { ENC_UTF8, ENC_1252, ENC_UTF16LE, ENC_UTF16BE };

static const encoding_t encodings[] = {
    [ENC_UTF8] = {"UTF-8", NULL, 1,
                  "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8"},
    [ENC_1252] = {"windows-1252", NULL, 1,
                  "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 "
                  "iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii "
                  "windows-1252 x-cp1252"},
    [ENC_UTF16LE] = {"UTF-16LE", "UTF-16LE", 2,
                     "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le"},
    [ENC_UTF16BE] = {"UTF-16BE", "UTF-16BE", 2, "unicodefffe utf-16be"},
    {"Shift_JIS", "CP932", 1,
     "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis"},
    {"EUC-JP", "EUC-JP", 1, "cseucpkdfmtjapanese euc-jp x-euc-jp"},
    {"ISO-2022-JP", "ISO-2022-JP", 1, "csiso2022jp iso-2022-jp"},
    {"GB18030", "GB18030", 1,
     "chinese csgb2312 csiso58gb231280 gb18030 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk"},
    {"Big5", "BIG5-HKSCS", 1, "big5 big5-hkscs cn-big5 csbig5 x-x-big5"},
    {"EUC-KR", "CP949", 1,
     "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 "
     "ksc_5601 windows-949"},
    {"KOI8-R", "KOI8-R", 1, "cskoi8r koi koi8 koi8-r koi8_r"},
    {"KOI8-U", "KOI8-U", 1, "koi8-ru koi8-u"},
    {"IBM866", "IBM866", 1, "866 cp866 csibm866 ibm866"},
    {"macintosh", "MACINTOSH", 1, "csmacintosh mac macintosh x-mac-roman"},
    {"x-mac-cyrillic", "MAC-CYRILLIC", 1, "x-mac-cyrillic x-mac-ukrainian"},
    {"windows-874", "CP874", 1, "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874"},
    {"windows-1250", "CP1250", 1, "cp1250 windows-1250 x-cp1250"},
    {"windows-1251", "CP1251", 1, "cp1251 windows-1251 x-cp1251"},
    {"windows-1253", "CP1253", 1, "cp1253 windows-1253 x-cp1253"},
    {"windows-1254", "CP1254", 1,
     "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 l5 "
     "latin5 windows-1254 x-cp1254"},
    {"windows-1255", "CP1255", 1, "cp1255 windows-1255 x-cp1255"},
    {"windows-1256", "CP1256", 1, "cp1256 windows-1256 x-cp1256"},
    {"windows-1257", "CP1257", 1, "cp1257 windows-1257 x-cp1257"},
    {"windows-1258", "CP1258", 1, "cp1258 windows-1258 x-cp1258"},
    {"ISO-8859-2", "ISO-8859-2", 1,
     "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2"},
    {"ISO-8859-3", "ISO-8859-3", 1,
     "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3"},
    {"ISO-8859-4", "ISO-8859-4", 1,
     "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4"},
    {"ISO-8859-5", "ISO-8859-5", 1,
     "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5 "
     "iso_8859-5:1988"},
    {"ISO-8859-6", "ISO-8859-6", 1,
     "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6 iso-8859-6-e "
     "iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987"},
    {"ISO-8859-7", "ISO-8859-7", 1,
     "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7 iso88597 "
     "iso_8859-7 iso_8859-7:1987 sun_eu_greek"},
    {"ISO-8859-8", "ISO-8859-8", 1,
     "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8 iso88598 "
     "iso_8859-8 iso_8859-8:1988 visual"},
    {"ISO-8859-8-I", "ISO-8859-8", 1, "csiso88598i iso-8859-8-i logical"},
    {"ISO-8859-10", "ISO-8859-10", 1,
     "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6"},
    {"ISO-8859-13", "ISO-8859-13", 1, "iso-8859-13 iso8859-13 iso885913"},
    {"ISO-8859-14", "ISO-8859-14", 1, "iso-8859-14 iso8859-14 iso885914"},
    {"ISO-8859-15", "ISO-8859-15", 1,
     "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9"},
    {"ISO-8859-16", "ISO-8859-16", 1, "iso-8859-16"},
};

#define N_ENCODINGS (sizeof encodings / sizeof encodings[0])

/* windows-1252 bytes 0x80..0x9F (the rest of the upper half is Latin-1). */
static const uint16_t cp1252_c1[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static bool equal_ci(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return false;
    return true;
}

/* True when the space-separated list holds the lower-case label s (n bytes). */
static bool list_has(const char *list, const char *s, size_t n)
{
    while (*list) {
        size_t tok = strcspn(list, " ");
        if (tok == n && equal_ci(list, s, n))
            return true;
        list += tok;
        list += *list == ' ';
    }
    return false;
}

static const encoding_t *lookup(const char *label, size_t len)
{
    while (len && is_space((unsigned char)*label)) {
        label++;
        len--;
    }
    while (len && is_space((unsigned char)label[len - 1]))
        len--;
    if (!len || len > LABEL_MAX)
        return NULL;
    for (size_t i = 0; i < N_ENCODINGS; i++)
        if (list_has(encodings[i].labels, label, len))
            return &encodings[i];
    return NULL;
}

const char *charset_canonical(const char *label, size_t len)
{
    const encoding_t *e = lookup(label, len);
    return e ? e->name : NULL;
}

/* ---- UTF-8 ---- */

/* Length of the leading run of bytes that are ASCII and not NUL. */
static size_t ascii_run(const unsigned char *p, size_t n)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        uint64_t a, b;
        memcpy(&a, p + i, 8);
        memcpy(&b, p + i + 8, 8);
        uint64_t zero = ((a - ones) & ~a) | ((b - ones) & ~b);
        if (((a | b) | zero) & highs)
            break;
    }
    while (i < n && p[i] && p[i] < 0x80)
        i++;
    return i;
}

/* Length of the well-formed sequence at p (n > 0 bytes left), or 0 with *bad set
 * to the length of the maximal invalid subpart to replace. */
static size_t utf8_seq(const unsigned char *p, size_t n, size_t *bad)
{
    unsigned c = p[0], lo = 0x80, hi = 0xBF;
    size_t need;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        *bad = 1;
        return 0;
    }
    for (size_t k = 1; k <= need; k++) {
        if (k >= n || p[k] < lo || p[k] > hi) {
            *bad = k;
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

/* Length of the well-formed prefix of p (NUL bytes count as well-formed). */
static size_t utf8_valid_prefix(const unsigned char *p, size_t n)
{
    size_t i = 0, bad;
    while (i < n) {
        i += ascii_run(p + i, n - i);
        if (i >= n)
            break;
        size_t k = p[i] ? utf8_seq(p + i, n - i, &bad) : 1;
        if (!k)
            break;
        i += k;
    }
    return i;
}

bool charset_is_utf8(const char *s, size_t len)
{
    return utf8_valid_prefix((const unsigned char *)s, len) == len;
}

/* Bytes of a multi-byte sequence cut off at the end of p (0 if none). */
static size_t cut_tail(const unsigned char *p, size_t n)
{
    for (size_t k = 1; k <= 3 && k <= n; k++) {
        unsigned c = p[n - k];
        if ((c & 0xC0) == 0x80)
            continue;
        size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        return need > k ? k : 0;
    }
    return 0;
}

/* Valid UTF-8 except possibly for a sequence cut off by a size cap. */
static bool looks_utf8(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    return charset_is_utf8(s, len - cut_tail(p, len));
}

cinder_err charset_utf8_sanitize(const char *s, size_t len, buf_t *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t start = 0, i = 0;
    cinder_err rc = CINDER_OK;
    while (i < len && !rc) {
        i += ascii_run(p + i, len - i);
        if (i >= len)
            break;
        size_t bad = 1;
        size_t k = p[i] ? utf8_seq(p + i, len - i, &bad) : 0;
        if (k) {
            i += k;
            continue;
        }
        rc = buf_append(out, s + start, i - start);
        if (!rc)
            rc = buf_append(out, REPLACEMENT, 3);
        i += bad;
        start = i;
    }
    if (!rc)
        rc = buf_append(out, s + start, len - start);
    return rc;
}

/* ---- windows-1252 ---- */

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

static uint32_t cp1252(unsigned char c)
{
    if (c == 0)
        return 0xFFFD;
    if (c >= 0x80 && c < 0xA0)
        return cp1252_c1[c - 0x80];
    return c;
}

static cinder_err decode_1252(const char *s, size_t len, buf_t *out)
{
    const unsigned char *p = (const unsigned char *)s;
    char tmp[4096];
    size_t i = 0;
    cinder_err rc = CINDER_OK;
    while (i < len && !rc) {
        size_t run = ascii_run(p + i, len - i);
        rc = buf_append(out, s + i, run);
        i += run;
        size_t t = 0;
        while (i < len && t + 3 <= sizeof tmp && (p[i] >= 0x80 || !p[i]))
            t += put_utf8(tmp + t, cp1252(p[i++]));
        if (!rc)
            rc = buf_append(out, tmp, t);
    }
    return rc;
}

/* ---- iconv ---- */

/* Appends n bytes of decoder output, NUL bytes replaced by U+FFFD. */
static cinder_err append_no_nul(buf_t *out, const char *p, size_t n)
{
    cinder_err rc = CINDER_OK;
    while (n && !rc) {
        const char *z = memchr(p, '\0', n);
        size_t run = z ? (size_t)(z - p) : n;
        rc = buf_append(out, p, run);
        if (!rc && z)
            rc = buf_append(out, REPLACEMENT, 3);
        run += z != NULL;
        p += run;
        n -= run;
    }
    return rc;
}

/* Runs the converter over s; on an invalid or cut-off sequence emits U+FFFD and
 * skips one code unit (or the cut-off rest). */
static cinder_err iconv_run(iconv_t cd, const encoding_t *e, const char *s, size_t len, buf_t *out)
{
    char obuf[16384];
    char *in = (char *)s;
    size_t left = len;
    cinder_err rc = CINDER_OK;
    while (left && !rc) {
        char *o = obuf;
        size_t room = sizeof obuf;
        size_t r = iconv(cd, &in, &left, &o, &room);
        int err = errno;
        rc = append_no_nul(out, obuf, (size_t)(o - obuf));
        if (r != (size_t)-1 || err == E2BIG || rc)
            continue;
        size_t skip = err == EINVAL ? left : (e->unit < left ? e->unit : left);
        in += skip;
        left -= skip;
        rc = buf_append(out, REPLACEMENT, 3);
    }
    if (!rc) {
        /* stateful decoders (windows-1255/1258) hold back a base character */
        char *o = obuf;
        size_t room = sizeof obuf;
        iconv(cd, NULL, NULL, &o, &room);
        rc = append_no_nul(out, obuf, (size_t)(o - obuf));
    }
    return rc;
}

/* ---- choosing the encoding ---- */

static const encoding_t *bom_sniff(const char *s, size_t len, size_t *skip)
{
    const unsigned char *p = (const unsigned char *)s;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        *skip = 3;
        return &encodings[ENC_UTF8];
    }
    if (len >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
        *skip = 2;
        return &encodings[ENC_UTF16LE];
    }
    if (len >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
        *skip = 2;
        return &encodings[ENC_UTF16BE];
    }
    return NULL;
}

/* Finds the value of "charset=..." in s (a Content-Type value or a meta content
 * attribute), quoted or not. */
static bool find_charset_param(const char *s, size_t len, const char **val, size_t *vlen)
{
    size_t i = 0;
    while (i + 7 <= len) {
        if (!equal_ci(s + i, "charset", 7)) {
            i++;
            continue;
        }
        i += 7;
        while (i < len && is_space((unsigned char)s[i]))
            i++;
        if (i >= len || s[i] != '=')
            continue;
        i++;
        while (i < len && is_space((unsigned char)s[i]))
            i++;
        if (i < len && (s[i] == '"' || s[i] == '\'')) {
            const char *end = memchr(s + i + 1, s[i], len - i - 1);
            if (!end)
                return false;
            *val = s + i + 1;
            *vlen = (size_t)(end - *val);
            return true;
        }
        size_t j = i;
        while (j < len && !is_space((unsigned char)s[j]) && s[j] != ';' && s[j] != ',')
            j++;
        *val = s + i;
        *vlen = j - i;
        return j > i;
    }
    return false;
}

static const encoding_t *header_encoding(const char *content_type)
{
    const char *v;
    size_t n;
    if (!content_type || !find_charset_param(content_type, strlen(content_type), &v, &n))
        return NULL;
    return lookup(v, n);
}

static bool is_html_type(const char *content_type)
{
    return !content_type || strcasestr(content_type, "html") != NULL;
}

/* ---- the <meta> prescan (WHATWG "prescan a byte stream", simplified) ---- */

typedef struct {
    const char *p;
    size_t i, n;
} scan_t;

typedef struct {
    const char *name, *value;
    size_t name_len, value_len;
} attr_t;

static bool scan_at(const scan_t *sc, const char *lit)
{
    size_t n = strlen(lit);
    return sc->i + n <= sc->n && equal_ci(sc->p + sc->i, lit, n);
}

static void scan_past(scan_t *sc, const char *lit)
{
    size_t n = strlen(lit);
    const char *hit = memmem(sc->p + sc->i, sc->n - sc->i, lit, n);
    sc->i = hit ? (size_t)(hit - sc->p) + n : sc->n;
}

static void skip_spaces_slashes(scan_t *sc)
{
    while (sc->i < sc->n && (is_space((unsigned char)sc->p[sc->i]) || sc->p[sc->i] == '/'))
        sc->i++;
}

static void skip_spaces(scan_t *sc)
{
    while (sc->i < sc->n && is_space((unsigned char)sc->p[sc->i]))
        sc->i++;
}

static void scan_value(scan_t *sc, attr_t *a)
{
    char q = sc->p[sc->i];
    if (q == '"' || q == '\'') {
        size_t start = ++sc->i;
        while (sc->i < sc->n && sc->p[sc->i] != q)
            sc->i++;
        a->value = sc->p + start;
        a->value_len = sc->i - start;
        sc->i += sc->i < sc->n;
        return;
    }
    size_t start = sc->i;
    while (sc->i < sc->n && !is_space((unsigned char)sc->p[sc->i]) && sc->p[sc->i] != '>')
        sc->i++;
    a->value = sc->p + start;
    a->value_len = sc->i - start;
}

/* Reads the next attribute of a tag; false at '>' (left unconsumed) or the end. */
static bool scan_attr(scan_t *sc, attr_t *a)
{
    skip_spaces_slashes(sc);
    if (sc->i >= sc->n || sc->p[sc->i] == '>')
        return false;
    size_t start = sc->i++;
    while (sc->i < sc->n && sc->p[sc->i] != '=' && sc->p[sc->i] != '>' && sc->p[sc->i] != '/' &&
           !is_space((unsigned char)sc->p[sc->i]))
        sc->i++;
    a->name = sc->p + start;
    a->name_len = sc->i - start;
    a->value = "";
    a->value_len = 0;
    skip_spaces(sc);
    if (sc->i >= sc->n || sc->p[sc->i] != '=')
        return true;
    sc->i++;
    skip_spaces(sc);
    if (sc->i < sc->n)
        scan_value(sc, a);
    return true;
}

static bool attr_is(const attr_t *a, const char *name)
{
    size_t n = strlen(name);
    return a->name_len == n && equal_ci(a->name, name, n);
}

/* The encoding a <meta> declares (its attributes start at sc->i), or NULL. A tag
 * cut off by the end of the prescan window declares nothing. */
static const encoding_t *scan_meta(scan_t *sc)
{
    const encoding_t *from_charset = NULL, *from_content = NULL;
    bool pragma = false, seen_charset = false, seen_content = false;
    attr_t a;
    while (scan_attr(sc, &a)) {
        if (attr_is(&a, "http-equiv")) {
            pragma |= a.value_len == 12 && equal_ci(a.value, "content-type", 12);
        } else if (attr_is(&a, "charset") && !seen_charset) {
            seen_charset = true;
            from_charset = lookup(a.value, a.value_len);
        } else if (attr_is(&a, "content") && !seen_content) {
            const char *v;
            size_t n;
            seen_content = true;
            if (find_charset_param(a.value, a.value_len, &v, &n))
                from_content = lookup(v, n);
        }
    }
    if (sc->i >= sc->n)
        return NULL;
    const encoding_t *e = seen_charset ? from_charset : pragma ? from_content : NULL;
    if (e == &encodings[ENC_UTF16LE] || e == &encodings[ENC_UTF16BE])
        e = &encodings[ENC_UTF8];
    return e;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Skips a start or end tag with its attributes (so quoted values are not scanned). */
static void scan_skip_tag(scan_t *sc)
{
    attr_t a;
    while (sc->i < sc->n && !is_space((unsigned char)sc->p[sc->i]) && sc->p[sc->i] != '>')
        sc->i++;
    while (scan_attr(sc, &a))
        ;
}

/* One markup construct at sc->i (which is '<'); returns a declared encoding or NULL. */
static const encoding_t *scan_markup(scan_t *sc)
{
    const char *p = sc->p;
    size_t i = sc->i;
    if (scan_at(sc, "<!--")) {
        sc->i += 4;
        scan_past(sc, "-->");
    } else if (scan_at(sc, "<meta") && i + 5 < sc->n &&
               (is_space((unsigned char)p[i + 5]) || p[i + 5] == '/')) {
        sc->i += 5;
        return scan_meta(sc);
    } else if (i + 1 < sc->n &&
               (is_alpha(p[i + 1]) || (p[i + 1] == '/' && i + 2 < sc->n && is_alpha(p[i + 2])))) {
        sc->i += 1;
        scan_skip_tag(sc);
    } else if (i + 1 < sc->n && (p[i + 1] == '!' || p[i + 1] == '/' || p[i + 1] == '?')) {
        scan_past(sc, ">");
    } else {
        sc->i++;
    }
    return NULL;
}

static const encoding_t *prescan(const char *s, size_t len)
{
    scan_t sc = {s, 0, len < PRESCAN_BYTES ? len : PRESCAN_BYTES};
    while (sc.i < sc.n) {
        const char *lt = memchr(sc.p + sc.i, '<', sc.n - sc.i);
        if (!lt)
            break;
        sc.i = (size_t)(lt - sc.p);
        const encoding_t *e = scan_markup(&sc);
        if (e)
            return e;
    }
    return NULL;
}

static const encoding_t *sniff(const char *s, size_t len)
{
    return looks_utf8(s, len) ? &encodings[ENC_UTF8] : &encodings[ENC_1252];
}

/* Decodes with e; CINDER_E_DECLINED when iconv has no converter for it. */
static cinder_err decode_as(const encoding_t *e, const char *s, size_t len, buf_t *out)
{
    if (e == &encodings[ENC_UTF8])
        return charset_utf8_sanitize(s, len, out);
    if (e == &encodings[ENC_1252])
        return decode_1252(s, len, out);
    iconv_t cd = iconv_open("UTF-8", e->iconv);
    if (cd == (iconv_t)-1)
        return CINDER_E_DECLINED;
    cinder_err rc = iconv_run(cd, e, s, len, out);
    iconv_close(cd);
    return rc;
}

cinder_err charset_to_utf8(const char *body, size_t len, const char *content_type, buf_t *out,
                           const char **charset_out)
{
    size_t skip = 0;
    if (!body) {
        body = "";
        len = 0;
    }
    const encoding_t *e = bom_sniff(body, len, &skip);
    if (!e)
        e = header_encoding(content_type);
    if (!e && is_html_type(content_type)) {
        e = prescan(body, len);
        /* A <meta> is often stale (templates copied between sites): when the bytes are valid
         * UTF-8 with non-ASCII text in them, they are UTF-8 whatever the meta says. */
        if (e && e != &encodings[ENC_UTF8] && ascii_run((const unsigned char *)body, len) < len &&
            looks_utf8(body, len))
            e = &encodings[ENC_UTF8];
    }
    if (!e)
        e = sniff(body, len);
    cinder_err rc = decode_as(e, body + skip, len - skip, out);
    if (rc == CINDER_E_DECLINED) {
        e = sniff(body + skip, len - skip);
        rc = decode_as(e, body + skip, len - skip, out);
    }
    if (charset_out)
        *charset_out = e->name;
    return rc;
}

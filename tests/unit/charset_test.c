#include "test.h"

#include <stdio.h>
#include <stdlib.h>

#include "html/charset.h"

#define FFFD "\xEF\xBF\xBD"

/* Decodes len bytes and returns a copy of the text (caller frees); *cs gets the charset. */
static char *decode(const char *body, size_t len, const char *ctype, const char **cs)
{
    buf_t out;
    buf_init(&out, 0);
    cinder_err rc = charset_to_utf8(body, len, ctype, &out, cs);
    CHECK_INT(rc, CINDER_OK);
    return buf_steal(&out);
}

#define DECODE_LIT(lit, ctype, cs) decode((lit), sizeof(lit) - 1, (ctype), (cs))

TEST(charset_shift_jis_from_meta)
{
    /* 日本語のページ and 表 (whose trail byte is 0x5C) in Shift_JIS */
    static const char page[] = "<html><head><meta charset=\"Shift_JIS\"><title>"
                               "\x93\xfa\x96\x7b\x8c\xea\x82\xcc\x83\x79\x81\x5b\x83\x57"
                               "</title></head><body>\x95\x5c</body></html>";
    const char *cs = NULL;
    char *s = DECODE_LIT(page, "text/html", &cs);
    CHECK_STR(cs, "Shift_JIS");
    CHECK_CONTAINS(s, "<title>日本語のページ</title>");
    CHECK_CONTAINS(s, "<body>表</body>");
    free(s);
}

TEST(charset_windows_1252_from_meta_http_equiv)
{
    static const char page[] = "<meta http-equiv=\"Content-Type\" content=\"text/html; "
                               "charset=windows-1252\"><p>\x80 caf\xe9 \x93quoted\x94 \x85</p>";
    const char *cs = NULL;
    char *s = DECODE_LIT(page, NULL, &cs);
    CHECK_STR(cs, "windows-1252");
    CHECK_CONTAINS(s, "<p>€ café “quoted” …</p>");
    free(s);
}

TEST(charset_meta_http_equiv_needs_pragma)
{
    /* a content attribute without http-equiv=content-type declares nothing */
    static const char page[] = "<meta name=x content=\"charset=koi8-r\"><p>\xe9</p>";
    const char *cs = NULL;
    char *s = DECODE_LIT(page, "text/html", &cs);
    CHECK_STR(cs, "windows-1252");
    CHECK_CONTAINS(s, "<p>é</p>");
    free(s);
}

TEST(charset_from_http_header_only)
{
    static const char page[] = "<p>\x80\xe9</p>";
    const char *cs = NULL;
    char *s = DECODE_LIT(page, "text/html; charset=ISO-8859-1", &cs);
    CHECK_STR(cs, "windows-1252"); /* the WHATWG label mapping: \x80 is the euro sign */
    CHECK_STR(s, "<p>€é</p>");
    free(s);
    s = DECODE_LIT("\xf0\xd2\xc9\xd7\xc5\xd4", "text/plain;charset=\"KOI8-R\"", &cs);
    CHECK_STR(cs, "KOI8-R");
    CHECK_STR(s, "Привет");
    free(s);
    s = DECODE_LIT("\xd6\xd0\xce\xc4", "text/html; Charset = gb2312", &cs);
    CHECK_STR(cs, "GB18030");
    CHECK_STR(s, "中文");
    free(s);
}

TEST(charset_header_overrides_meta)
{
    static const char page[] = "<meta charset=utf-8><p>caf\xe9</p>";
    const char *cs = NULL;
    char *s = DECODE_LIT(page, "text/html; charset=windows-1252", &cs);
    CHECK_STR(cs, "windows-1252");
    CHECK_CONTAINS(s, "café");
    free(s);
    /* an unknown header label is ignored and the meta is used */
    static const char sjis[] = "<meta charset=sjis>\x93\xfa";
    s = DECODE_LIT(sjis, "text/html; charset=no-such-thing", &cs);
    CHECK_STR(cs, "Shift_JIS");
    CHECK_CONTAINS(s, "日");
    free(s);
}

TEST(charset_bom_overrides_everything)
{
    static const char page[] = "\xEF\xBB\xBF<meta charset=windows-1252><p>é</p>";
    const char *cs = NULL;
    char *s = DECODE_LIT(page, "text/html; charset=iso-8859-1", &cs);
    CHECK_STR(cs, "UTF-8");
    CHECK_STR(s, "<meta charset=windows-1252><p>é</p>"); /* BOM not copied */
    free(s);
}

TEST(charset_utf16_with_bom)
{
    /* "h\u00e9llo \u20ac" in UTF-16LE, then UTF-16BE */
    static const char le[] = "\xFF\xFE"
                             "h\0\xe9\0l\0l\0o\0 \0\xac\x20";
    static const char be[] = "\xFE\xFF"
                             "\0h\0\xe9\0l\0l\0o\0 \x20\xac";
    const char *cs = NULL;
    char *s = DECODE_LIT(le, "text/html; charset=utf-8", &cs);
    CHECK_STR(cs, "UTF-16LE");
    CHECK_STR(s, "héllo €");
    free(s);
    s = DECODE_LIT(be, NULL, &cs);
    CHECK_STR(cs, "UTF-16BE");
    CHECK_STR(s, "héllo €");
    free(s);
    /* a lone surrogate and an odd trailing byte */
    static const char bad[] = "\xFF\xFE"
                              "a\0\x00\xD8"
                              "b\0c";
    s = DECODE_LIT(bad, NULL, &cs);
    CHECK_STR(s, "a" FFFD "b" FFFD);
    free(s);
}

TEST(charset_meta_utf16_means_utf8)
{
    static const char page[] = "<meta charset=utf-16><p>é</p>";
    const char *cs = NULL;
    char *s = DECODE_LIT(page, NULL, &cs);
    CHECK_STR(cs, "UTF-8");
    CHECK_CONTAINS(s, "<p>é</p>");
    free(s);
}

TEST(charset_invalid_utf8_replaced)
{
    static const char in[] = "a\xC3(b\xE2\x82"
                             "c\xF0\x9F\x98\x80"
                             "d\xFF"
                             "e\xED\xA0\x80"
                             "f\xC0\xAF"
                             "g\xF4\x90\x80\x80"
                             "h";
    const char *cs = NULL;
    char *s = DECODE_LIT(in, "text/html; charset=utf-8", &cs);
    CHECK_STR(cs, "UTF-8");
    CHECK_STR(s, "a" FFFD "(b" FFFD "c😀d" FFFD "e" FFFD FFFD FFFD "f" FFFD FFFD
                 "g" FFFD FFFD FFFD FFFD "h");
    free(s);
    /* sanitising a truncated sequence at the very end */
    buf_t b;
    buf_init(&b, 0);
    CHECK_INT(charset_utf8_sanitize("x\xE6\x97", 3, &b), CINDER_OK);
    CHECK_STR(buf_str(&b), "x" FFFD);
    buf_cleanup(&b);
}

TEST(charset_nul_bytes_replaced)
{
    const char *cs = NULL;
    char *s = decode("a\0b", 3, "text/plain; charset=utf-8", &cs);
    CHECK_STR(s, "a" FFFD "b");
    free(s);
    s = decode("a\0\xe9", 3, "text/plain; charset=windows-1252", &cs);
    CHECK_STR(s, "a" FFFD "é");
    free(s);
    s = decode("\x93\xfa\0", 3, "text/plain; charset=shift_jis", &cs);
    CHECK_STR(s, "日" FFFD);
    free(s);
    s = decode("\xFF\xFE"
               "a\0\0\0",
               6, NULL, &cs);
    CHECK_STR(s, "a" FFFD);
    free(s);
    /* NUL in the middle of a long ASCII run (the word-at-a-time scan) */
    char in[64];
    memset(in, 'x', sizeof in);
    in[37] = '\0';
    s = decode(in, sizeof in, "text/plain", &cs);
    CHECK_INT(strlen(s), 64 + 2);
    CHECK(memcmp(s + 37, FFFD, 3) == 0);
    free(s);
}

TEST(charset_sniffing_without_declaration)
{
    const char *cs = NULL;
    char *s = DECODE_LIT("<p>日本</p>", NULL, &cs);
    CHECK_STR(cs, "UTF-8");
    CHECK_STR(s, "<p>日本</p>");
    free(s);
    s = DECODE_LIT("<p>caf\xe9</p>", NULL, &cs);
    CHECK_STR(cs, "windows-1252");
    CHECK_STR(s, "<p>café</p>");
    free(s);
    /* UTF-8 cut in the middle of a character (body size cap) is still UTF-8 */
    s = DECODE_LIT("caf\xc3\xa9 \xe6\x97", NULL, &cs);
    CHECK_STR(cs, "UTF-8");
    CHECK_STR(s, "café " FFFD);
    free(s);
    s = decode("", 0, NULL, &cs);
    CHECK_STR(cs, "UTF-8");
    CHECK_STR(s, "");
    free(s);
}

TEST(charset_prescan_is_bounded)
{
    size_t pad = 4100;
    static const char tail[] = "<meta charset=\"shift_jis\"><p>\x93\xfa\x96\x7b</p>";
    size_t len = pad + sizeof tail - 1;
    char *page = malloc(len);
    memset(page, ' ', pad);
    memcpy(page + pad, tail, sizeof tail - 1);
    const char *cs = NULL;
    char *s = decode(page, len, "text/html", &cs);
    CHECK_STR(cs, "windows-1252");
    free(s);
    /* the same meta inside the window is honoured */
    s = decode(page + 200, len - 200, "text/html", &cs);
    CHECK_STR(cs, "Shift_JIS");
    CHECK_CONTAINS(s, "<p>日本</p>");
    free(s);
    /* a meta cut by the end of the window is ignored */
    s = decode(page + pad - 4090, len - (pad - 4090), "text/html", &cs);
    CHECK_STR(cs, "windows-1252");
    free(s);
    free(page);
}

TEST(charset_prescan_skips_comments_attributes_and_non_html)
{
    static const char page[] = "<!-- <meta charset=koi8-r> --><div title='<meta charset=koi8-r>'>"
                               "<META CHARSET='ISO-8859-2'></div>\xb1";
    const char *cs = NULL;
    char *s = DECODE_LIT(page, NULL, &cs);
    CHECK_STR(cs, "ISO-8859-2");
    CHECK_CONTAINS(s, "ą");
    free(s);
    static const char txt[] = "<meta charset=shift_jis>\xe9 ";
    s = DECODE_LIT(txt, "text/plain", &cs);
    CHECK_STR(cs, "windows-1252");
    free(s);
    s = DECODE_LIT(txt, "application/xhtml+xml", &cs);
    CHECK_STR(cs, "Shift_JIS");
    free(s);
}

TEST(charset_invalid_legacy_sequences)
{
    const char *cs = NULL;
    /* 0xA0 is unassigned in Shift_JIS; a lead byte at the very end is cut off */
    char *s = DECODE_LIT("a\xA0"
                         "b\x93",
                         "text/html; charset=shift_jis", &cs);
    CHECK_STR(s, "a" FFFD "b" FFFD);
    free(s);
    /* an invalid trail byte does not swallow the ASCII after it */
    s = DECODE_LIT("\x93<p>", "text/html; charset=shift_jis", &cs);
    CHECK_STR(s, FFFD "<p>");
    free(s);
}

TEST(charset_output_cap)
{
    buf_t out;
    buf_init(&out, 8);
    CHECK_INT(charset_to_utf8("0123456789abcdef", 16, NULL, &out, NULL), CINDER_E_TOO_LARGE);
    buf_cleanup(&out);
    buf_init(&out, 8);
    CHECK_INT(charset_to_utf8("\xe9\xe9\xe9\xe9\xe9", 5, "text/html;charset=latin1", &out, NULL),
              CINDER_E_TOO_LARGE);
    buf_cleanup(&out);
    buf_init(&out, 8);
    CHECK_INT(charset_to_utf8("\x93\xfa\x93\xfa\x93\xfa", 6, "text/html;charset=sjis", &out, NULL),
              CINDER_E_TOO_LARGE);
    buf_cleanup(&out);
}

TEST(charset_is_utf8_strict)
{
    CHECK(charset_is_utf8("", 0));
    CHECK(charset_is_utf8("abc\0def", 7));
    CHECK(charset_is_utf8("é日😀", strlen("é日😀")));
    CHECK(charset_is_utf8("\xF4\x8F\xBF\xBF", 4));
    CHECK(!charset_is_utf8("\xC0\x80", 2));         /* overlong NUL */
    CHECK(!charset_is_utf8("\xE0\x80\xAF", 3));     /* overlong '/' */
    CHECK(!charset_is_utf8("\xED\xA0\x80", 3));     /* surrogate */
    CHECK(!charset_is_utf8("\xF4\x90\x80\x80", 4)); /* above U+10FFFF */
    CHECK(!charset_is_utf8("\xE6\x97", 2));         /* truncated */
    CHECK(!charset_is_utf8("0123456789abcdef\x80", 17));
}

TEST(charset_labels)
{
    CHECK_STR(charset_canonical("latin1", 6), "windows-1252");
    CHECK_STR(charset_canonical("US-ASCII", 8), "windows-1252");
    CHECK_STR(charset_canonical(" SJIS ", 6), "Shift_JIS");
    CHECK_STR(charset_canonical("x-sjis", 6), "Shift_JIS");
    CHECK_STR(charset_canonical("gbk", 3), "GB18030");
    CHECK_STR(charset_canonical("euc-kr", 6), "EUC-KR");
    CHECK_STR(charset_canonical("Big5", 4), "Big5");
    CHECK_STR(charset_canonical("iso-8859-9", 10), "windows-1254");
    CHECK_STR(charset_canonical("utf8", 4), "UTF-8");
    CHECK_STR(charset_canonical("utf-16", 6), "UTF-16LE");
    CHECK(charset_canonical("bogus", 5) == NULL);
    CHECK(charset_canonical("", 0) == NULL);
}

TEST(charset_every_encoding_opens)
{
    /* each iconv-backed encoding decodes plain ASCII (fails if glibc lacks a converter) */
    static const char *const labels[] = {
        "shift_jis",      "euc-jp",       "iso-2022-jp",  "gb18030",      "big5",
        "euc-kr",         "koi8-r",       "koi8-u",       "ibm866",       "macintosh",
        "x-mac-cyrillic", "windows-874",  "windows-1250", "windows-1251", "windows-1253",
        "windows-1254",   "windows-1255", "windows-1256", "windows-1257", "windows-1258",
        "iso-8859-2",     "iso-8859-3",   "iso-8859-4",   "iso-8859-5",   "iso-8859-6",
        "iso-8859-7",     "iso-8859-8",   "iso-8859-8-i", "iso-8859-10",  "iso-8859-13",
        "iso-8859-14",    "iso-8859-15",  "iso-8859-16",
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        char ctype[64];
        snprintf(ctype, sizeof ctype, "text/plain; charset=%s", labels[i]);
        const char *cs = NULL;
        char *s = decode("plain text", 10, ctype, &cs);
        CHECK_STR(cs, charset_canonical(labels[i], strlen(labels[i])));
        CHECK_STR(s, "plain text");
        free(s);
    }
}

TEST(charset_meta_contradicted_by_valid_utf8)
{
    /* declares gb2312 in <meta>, but the bytes are UTF-8 (中文 = e4 b8 ad e6 96 87) */
    const char page[] = "<meta charset=\"gb2312\"><p>\xe4\xb8\xad\xe6\x96\x87</p>";
    buf_t out;
    buf_init(&out, 0);
    const char *cs = NULL;
    CHECK_INT(charset_to_utf8(page, sizeof page - 1, "text/html", &out, &cs), CINDER_OK);
    CHECK_CONTAINS(buf_str(&out), "\xe4\xb8\xad\xe6\x96\x87");
    CHECK_STR(cs, "UTF-8");
    buf_reset(&out);
    /* the same bytes with the charset in the HTTP header are decoded as declared */
    CHECK_INT(charset_to_utf8(page, sizeof page - 1, "text/html; charset=gb2312", &out, &cs),
              CINDER_OK);
    CHECK_NOT_CONTAINS(buf_str(&out), "\xe4\xb8\xad\xe6\x96\x87");
    buf_cleanup(&out);
}

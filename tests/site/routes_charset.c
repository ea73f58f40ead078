/*
 * /charset/<name>: pages in legacy encodings, declared in different places. The
 * bytes were produced by Python's codecs from the UTF-8 text quoted in the README;
 * tests assert that the decoded markdown contains that text.
 */
#include <string.h>

#include "site.h"

/* Shift-JIS; the charset is only in the HTTP header */
static const char sjis_page[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"ja\"><head><title>\x93\xfa\x96{\x8c\xea\x82\xcc\x83y\x81[\x83W</titl"
    "e></head>\n"
    "<body><h1>\x93\xfa\x96{\x8c\xea\x82\xcc\x83y\x81[\x83W</h1>\n"
    "<p>\x82\xb1\x82\xea\x82\xcd\x83V\x83t\x83gJIS\x82\xcc\x83"
    "e\x83X\x83g\x82\xc5\x82"
    "\xb7\x81"
    "B\x95\xb6\x8e\x9a\x89\xbb\x82\xaf\x82\xb5\x82\xc8\x82\xa2\x82\xc5\x82\xad"
    "\x82\xbe\x82\xb3\x82\xa2\x81"
    "B</p>\n"
    "</body></html>\n";

/* Shift-JIS; the charset is only in <meta charset> */
static const char sjis_meta_page[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"ja\"><head><meta charset=\"shift_jis\"><title>\x93\xfa\x96{\x8c\xea\x82"
    "\xcc\x83y\x81[\x83W</title></head>\n"
    "<body><h1>\x93\xfa\x96{\x8c\xea\x82\xcc\x83y\x81[\x83W</h1>\n"
    "<p>\x82\xb1\x82\xea\x82\xcd\x83V\x83t\x83gJIS\x82\xcc\x83"
    "e\x83X\x83g\x82\xc5\x82"
    "\xb7\x81"
    "B\x95\xb6\x8e\x9a\x89\xbb\x82\xaf\x82\xb5\x82\xc8\x82\xa2\x82\xc5\x82\xad"
    "\x82\xbe\x82\xb3\x82\xa2\x81"
    "B</p>\n"
    "</body></html>\n";

/* windows-1252 bytes; the header says iso-8859-1 */
static const char win1252_page[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\"><head><title>Caf\xe9 prices</title></head>\n"
    "<body><h1>\x93"
    "Caf\xe9 \x80"
    "5\x94</h1>\n"
    "<p>Na\xefve \x91quotes\x92 \x96 dash \x85 ellipsis, d\xe9j\xe0 vu.</p>\n"
    "</body></html>\n";

/* windows-1252; the charset is only in <meta http-equiv> */
static const char win1252_meta_page[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\"><head><meta http-equiv=\"Content-Type\" content=\"text/html; ch"
    "arset=windows-1252\"><title>Caf\xe9 prices</title></head>\n"
    "<body><h1>\x93"
    "Caf\xe9 \x80"
    "5\x94</h1>\n"
    "<p>Na\xefve \x91quotes\x92 \x96 dash \x85 ellipsis, d\xe9j\xe0 vu.</p>\n"
    "</body></html>\n";

/* UTF-8 with a byte order mark, no charset declared */
static const char utf8_bom_page[] =
    "\xef\xbb\xbf<!DOCTYPE html>\n"
    "<html lang=\"en\"><head><title>\xc3\x9cn\xc3\xaf"
    "c\xc3\xb6"
    "d\xc3\xa9 BOM \xe2"
    "\x9c\x93</title></head>\n"
    "<body><h1>\xc3\x9cn\xc3\xaf"
    "c\xc3\xb6"
    "d\xc3\xa9 BOM \xe2\x9c\x93</h1>\n"
    "<p>This page starts with a UTF-8 byte order mark and declares no charset. \xe6\x97"
    "\xa5\xe6\x9c\xac\xe8\xaa\x9e</p>\n"
    "</body></html>\n";

/* UTF-16LE with a byte order mark, no charset declared */
static const char utf16_page[] = "\xff\xfe<\x00!\x00"
                                 "D\x00O\x00"
                                 "C\x00T\x00Y\x00P\x00"
                                 "E\x00 \x00h\x00t\x00m\x00"
                                 "l\x00>\x00\n"
                                 "\x00<\x00h\x00t\x00m\x00l\x00 \x00l\x00"
                                 "a\x00n\x00g\x00=\x00\"\x00"
                                 "e\x00s\x00"
                                 "\"\x00>\x00<\x00h\x00"
                                 "e\x00"
                                 "a\x00"
                                 "d\x00>\x00<\x00t\x00i\x00t\x00l\x00"
                                 "e\x00"
                                 ">\x00U\x00T\x00"
                                 "F\x00-\x00"
                                 "1\x00"
                                 "6\x00 \x00p\x00\xe1\x00g\x00i\x00n\x00"
                                 "a"
                                 "\x00 \x00\xe5"
                                 "e,g\x9e\x8a<\x00/\x00t\x00i\x00t\x00l\x00"
                                 "e\x00>\x00<\x00/\x00h"
                                 "\x00"
                                 "e\x00"
                                 "a\x00"
                                 "d\x00>\x00\n"
                                 "\x00<\x00"
                                 "b\x00o\x00"
                                 "d\x00y\x00>\x00<\x00h\x00"
                                 "1\x00>\x00U\x00T\x00"
                                 "F\x00"
                                 "-\x00"
                                 "1\x00"
                                 "6\x00 \x00p\x00\xe1\x00g\x00i\x00n\x00"
                                 "a\x00 \x00\xe5"
                                 "e,g\x9e"
                                 "\x8a<\x00/\x00h\x00"
                                 "1\x00>\x00\n"
                                 "\x00<\x00p\x00>\x00L\x00i\x00t\x00t\x00l\x00"
                                 "e\x00-\x00"
                                 "e\x00n\x00"
                                 "d\x00i\x00"
                                 "a\x00n\x00 \x00w\x00i\x00t\x00h\x00 \x00"
                                 "a\x00 \x00"
                                 "b\x00y\x00t\x00"
                                 "e\x00 \x00"
                                 "o\x00r\x00"
                                 "d\x00"
                                 "e\x00r\x00 \x00m\x00"
                                 "a\x00r\x00k\x00:\x00 \x00\x1c C\x00"
                                 "a"
                                 "\x00"
                                 "f\x00\xe9\x00 \x00\xac 5\x00\x1d .\x00<\x00/\x00p\x00>\x00\n"
                                 "\x00<\x00/\x00"
                                 "b\x00o\x00"
                                 "d\x00y\x00>\x00<\x00/\x00h\x00t\x00m\x00l\x00>\x00\n"
                                 "\x00";

static const struct {
    const char *name;
    const char *type;
    const char *body;
    size_t len;
} pages[] = {
    {"sjis", "text/html; charset=Shift_JIS", sjis_page, sizeof sjis_page - 1},
    {"sjis-meta", "text/html", sjis_meta_page, sizeof sjis_meta_page - 1},
    {"win1252", "text/html; charset=iso-8859-1", win1252_page, sizeof win1252_page - 1},
    {"win1252-meta", "text/html", win1252_meta_page, sizeof win1252_meta_page - 1},
    {"utf8-bom", "text/html", utf8_bom_page, sizeof utf8_bom_page - 1},
    {"utf16", "text/html", utf16_page, sizeof utf16_page - 1},
};

enum MHD_Result route_charset(site_request *rq)
{
    const char *name = rq->url + strlen("/charset/");
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        if (strcmp(name, pages[i].name) == 0)
            return site_send_static(rq, MHD_HTTP_OK, pages[i].type, pages[i].body, pages[i].len);
    }
    return route_not_found(rq);
}

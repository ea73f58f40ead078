/*
 * Streaming sitemap parser. Bytes flow through three stages:
 *
 *   body   holds the first byte until the second arrives, then picks raw or
 *          gzip by the magic bytes 1f 8b;
 *   gzip   inflates into a fixed 64 KiB window (concatenated members are
 *          followed; other trailing bytes after a complete member are ignored);
 *   content counts decompressed bytes against max_bytes, skips a UTF-8 BOM and
 *          leading whitespace, then sends everything to libxml2's push SAX
 *          parser (first byte '<' or a UTF-16 BOM) or to the line splitter.
 *
 * The SAX handlers keep a small fixed stack of element roles (by local name),
 * one <loc> buffer and one <lastmod> buffer. libxml2 keeps at most a few KiB
 * of unparsed input here, since text nodes are delivered incrementally; its
 * own cap on an unterminated token (XML_MAX_LOOKUP_LIMIT, 10 MB, no
 * XML_PARSE_HUGE) bounds the pathological cases. XML goes to libxml2 through a
 * 64 KiB stage that holds back a short tail (see xml_cut).
 */
#include "crawl/sitemap.h"

#include <libxml/parser.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "util/mem.h"

#define LOC_BUF     (SITEMAP_MAX_LOC + 64) /* room for surrounding whitespace */
#define MAX_LASTMOD 63
#define MAX_DEPTH   16          /* roles tracked; deeper elements are ignored */
#define ZOUT_SIZE   (64u << 10) /* inflate output window */
#define FEED_SLICE  (1u << 20)  /* keeps lengths within int for libxml2 and uInt for zlib */
#define XML_STAGE   (64u << 10) /* bytes staged for libxml2, see xml_cut */
#define XML_TAIL    4096        /* most bytes searched back for a cut */

enum gz_state { GZ_SNIFF, GZ_RAW, GZ_INFLATE, GZ_MEMBER_END, GZ_IGNORE };
enum mode { MODE_SNIFF, MODE_XML, MODE_TEXT, MODE_DEAD };
enum role { R_OTHER, R_URLSET, R_INDEX, R_URL, R_SITEMAP, R_LOC, R_LASTMOD };

struct sitemap_parser {
    sitemap_url_cb cb;
    void *ud;
    size_t max_bytes;
    size_t in_bytes; /* decompressed bytes seen */
    size_t urls;
    size_t skipped;
    cinder_err err; /* sticky */

    enum gz_state gz;
    bool have_first;
    unsigned char first;
    bool zs_init;
    z_stream zs;
    unsigned char *zout;

    enum mode mode;
    size_t sniffed; /* bytes of BOM/whitespace skipped before the content */
    size_t bom;     /* bytes of a leading UTF-8 BOM matched */
    xmlParserCtxtPtr xml;
    unsigned char *stage; /* XML_STAGE bytes not yet given to libxml2 */
    size_t staged;
    size_t depth;
    unsigned char roles[MAX_DEPTH];

    bool pending; /* p->loc holds a complete entry <loc> awaiting </url> or </sitemap> */
    sitemap_kind pending_kind;
    size_t pending_len;
    size_t loc_len;
    bool loc_over;
    size_t lastmod_len;
    bool lastmod_over;
    bool have_lastmod;
    char loc[LOC_BUF + 1];
    char lastmod[MAX_LASTMOD + 1];
};

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser();
}

/* ---- URL checks ---- */

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool has_prefix_ci(const char *s, size_t len, const char *pre)
{
    size_t n = strlen(pre);
    return len >= n && strncasecmp(s, pre, n) == 0;
}

static bool ends_with_ci(const char *s, size_t len, const char *suf)
{
    size_t n = strlen(suf);
    return len >= n && strncasecmp(s + len - n, suf, n) == 0;
}

/* Absolute http(s) URL with a host and no control characters. */
static bool is_http_url(const char *s, size_t len)
{
    size_t skip;
    if (has_prefix_ci(s, len, "https://"))
        skip = 8;
    else if (has_prefix_ci(s, len, "http://"))
        skip = 7;
    else
        return false;
    if (len == skip || strchr("/?#", s[skip]))
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true;
}

/* Whether the URL's path (query and fragment ignored) names a sitemap file. */
static bool names_sitemap_file(const char *url, size_t len)
{
    size_t end = 0;
    while (end < len && url[end] != '?' && url[end] != '#')
        end++;
    return ends_with_ci(url, end, ".xml") || ends_with_ci(url, end, ".xml.gz");
}

/* ---- reporting ---- */

static void stop(sitemap_parser_t *p, cinder_err err)
{
    if (p->err == CINDER_OK)
        p->err = err;
    if (p->xml)
        xmlStopParser(p->xml);
}

static void report(sitemap_parser_t *p, sitemap_kind kind, const char *url, size_t len,
                   const char *lastmod)
{
    if (p->err != CINDER_OK)
        return;
    if (p->urls >= SITEMAP_MAX_URLS) {
        stop(p, CINDER_E_TOO_LARGE);
        return;
    }
    p->urls++;
    if (!p->cb(p->ud, kind, url, len, lastmod))
        stop(p, CINDER_E_DECLINED);
}

/* Appends text to a capped buffer, dropping leading whitespace; sets *over when it does not fit. */
static void append_capped(char *dst, size_t cap, size_t *len, bool *over, const char *s, size_t n)
{
    if (*len == 0)
        while (n > 0 && is_space((unsigned char)*s)) {
            s++;
            n--;
        }
    if (*over || n == 0)
        return;
    if (n > cap - *len) {
        *over = true;
        return;
    }
    memcpy(dst + *len, s, n);
    *len += n;
}

static size_t trimmed_len(const char *s, size_t len)
{
    while (len > 0 && is_space((unsigned char)s[len - 1]))
        len--;
    return len;
}

/* Ends the collected <loc> or text line: returns its trimmed length, or 0 when skipped. */
static size_t take_loc(sitemap_parser_t *p)
{
    size_t n = trimmed_len(p->loc, p->loc_len);
    bool ok = !p->loc_over && n <= SITEMAP_MAX_LOC && is_http_url(p->loc, n);
    p->loc_len = 0;
    p->loc_over = false;
    if (!ok) {
        p->skipped++;
        return 0;
    }
    p->loc[n] = '\0';
    return n;
}

/* Reports the entry's pending <loc>, if any. */
static void flush_pending(sitemap_parser_t *p)
{
    if (!p->pending)
        return;
    p->pending = false;
    report(p, p->pending_kind, p->loc, p->pending_len, p->have_lastmod ? p->lastmod : NULL);
}

/* ---- XML (libxml2 SAX2 handlers) ---- */

static enum role role_at(const sitemap_parser_t *p, size_t depth)
{
    return depth >= 1 && depth <= MAX_DEPTH ? (enum role)p->roles[depth - 1] : R_OTHER;
}

static bool is_container(enum role r)
{
    return r == R_URLSET || r == R_INDEX || r == R_URL || r == R_SITEMAP;
}

static enum role classify(const char *name, enum role parent, size_t depth)
{
    if (!strcmp(name, "urlset"))
        return R_URLSET;
    if (!strcmp(name, "sitemapindex"))
        return R_INDEX;
    if (!strcmp(name, "url") && (depth == 0 || is_container(parent)))
        return R_URL;
    if (!strcmp(name, "sitemap") && (depth == 0 || is_container(parent)))
        return R_SITEMAP;
    if (!strcmp(name, "loc") && is_container(parent))
        return R_LOC;
    if (!strcmp(name, "lastmod") && (parent == R_URL || parent == R_SITEMAP))
        return R_LASTMOD;
    return R_OTHER;
}

static void begin_role(sitemap_parser_t *p, enum role r)
{
    switch (r) {
    case R_URL:
    case R_SITEMAP:
        flush_pending(p);
        p->have_lastmod = false;
        break;
    case R_LOC:
        flush_pending(p);
        p->loc_len = 0;
        p->loc_over = false;
        break;
    case R_LASTMOD:
        p->lastmod_len = 0;
        p->lastmod_over = false;
        break;
    default:
        break;
    }
}

static void end_loc(sitemap_parser_t *p, enum role parent)
{
    size_t n = take_loc(p);
    if (n == 0)
        return;
    sitemap_kind kind = SITEMAP_PAGE;
    if (parent == R_SITEMAP || parent == R_INDEX || names_sitemap_file(p->loc, n))
        kind = SITEMAP_CHILD;
    if (parent == R_URL || parent == R_SITEMAP) {
        p->pending = true;
        p->pending_kind = kind;
        p->pending_len = n;
    } else {
        report(p, kind, p->loc, n, NULL);
    }
}

static void end_lastmod(sitemap_parser_t *p)
{
    size_t n = trimmed_len(p->lastmod, p->lastmod_len);
    p->have_lastmod = !p->lastmod_over && n > 0;
    p->lastmod[n] = '\0';
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes)
{
    sitemap_parser_t *p = ctx;
    enum role r = R_OTHER;
    if (p->err == CINDER_OK) {
        r = classify((const char *)localname, role_at(p, p->depth), p->depth);
        begin_role(p, r);
    }
    if (p->depth < MAX_DEPTH)
        p->roles[p->depth] = (unsigned char)r;
    p->depth++;
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    sitemap_parser_t *p = ctx;
    if (p->depth == 0)
        return;
    enum role r = role_at(p, p->depth);
    enum role parent = role_at(p, p->depth - 1);
    p->depth--;
    if (p->err != CINDER_OK)
        return;
    if (r == R_LOC)
        end_loc(p, parent);
    else if (r == R_LASTMOD)
        end_lastmod(p);
    else if (r == R_URL || r == R_SITEMAP)
        flush_pending(p);
}

static void on_text(void *ctx, const xmlChar *ch, int len)
{
    sitemap_parser_t *p = ctx;
    if (p->err != CINDER_OK || len <= 0)
        return;
    enum role r = role_at(p, p->depth);
    if (r == R_LOC)
        append_capped(p->loc, LOC_BUF, &p->loc_len, &p->loc_over, (const char *)ch, (size_t)len);
    else if (r == R_LASTMOD)
        append_capped(p->lastmod, MAX_LASTMOD, &p->lastmod_len, &p->lastmod_over, (const char *)ch,
                      (size_t)len);
}

#if LIBXML_VERSION >= 21200
static void on_error(void *ctx, const xmlError *e)
#else
static void on_error(void *ctx, xmlErrorPtr e)
#endif
{
    (void)ctx;
    (void)e;
}

static bool xml_open(sitemap_parser_t *p)
{
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.ignorableWhitespace = on_text;
    sax.cdataBlock = on_text;
    sax.serror = on_error;
    p->xml = xmlCreatePushParserCtxt(&sax, p, NULL, 0, NULL);
    if (!p->xml)
        return false;
    p->stage = xmalloc(XML_STAGE);
    /* No XML_PARSE_NOENT, DTDLOAD or HUGE: no entity expansion, no DTD, no network. */
    xmlCtxtUseOptions(p->xml, XML_PARSE_NONET | XML_PARSE_RECOVER | XML_PARSE_NOERROR |
                                  XML_PARSE_NOWARNING);
    return true;
}

/* libxml2 gave up on the document: keep what was seen, ignore the rest of the input. */
static void xml_dead(sitemap_parser_t *p)
{
    p->mode = MODE_DEAD;
    flush_pending(p);
}

/* How many of the n staged bytes to give libxml2: up to the last three ASCII bytes in a row.
 * libxml2 2.9 stops the document at an invalid UTF-8 byte with fewer than four bytes after it in
 * its buffer, but reads the byte as Latin-1 and goes on otherwise, so where a chunk ended decided
 * which URLs came out. 0: hold them all; after XML_TAIL bytes without such a run, give them all. */
static size_t xml_cut(const unsigned char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = n; i > 0 && n - i < XML_TAIL; i--) {
        run = s[i - 1] < 0x80 ? run + 1 : 0;
        if (run == 3)
            return i + 2;
    }
    return n >= XML_TAIL ? n : 0;
}

/* Gives libxml2 the staged bytes up to xml_cut, keeps the rest staged. */
static void xml_push(sitemap_parser_t *p)
{
    size_t cut = xml_cut(p->stage, p->staged);
    if (cut == 0)
        return;
    xmlParseChunk(p->xml, (const char *)p->stage, (int)cut, 0);
    memmove(p->stage, p->stage + cut, p->staged - cut);
    p->staged -= cut;
    if (p->err == CINDER_OK && p->xml->instate == XML_PARSER_EOF)
        xml_dead(p);
}

static void xml_feed(sitemap_parser_t *p, const unsigned char *s, size_t n)
{
    if (!p->xml && !xml_open(p)) {
        stop(p, CINDER_E_NOMEM);
        return;
    }
    while (n > 0 && p->err == CINDER_OK && p->mode == MODE_XML) {
        size_t k = n < XML_STAGE - p->staged ? n : XML_STAGE - p->staged;
        memcpy(p->stage + p->staged, s, k);
        p->staged += k;
        s += k;
        n -= k;
        xml_push(p);
    }
}

static void xml_finish(sitemap_parser_t *p)
{
    xmlParseChunk(p->xml, (const char *)p->stage, (int)p->staged, 1);
    p->staged = 0;
    flush_pending(p);
}

/* ---- plain text ---- */

static void text_line_end(sitemap_parser_t *p)
{
    if (p->loc_len == 0 && !p->loc_over)
        return; /* blank line */
    size_t n = take_loc(p);
    if (n > 0)
        report(p, SITEMAP_PAGE, p->loc, n, NULL);
}

static void text_feed(sitemap_parser_t *p, const unsigned char *s, size_t n)
{
    while (n > 0 && p->err == CINDER_OK) {
        const unsigned char *nl = memchr(s, '\n', n);
        size_t seg = nl ? (size_t)(nl - s) : n;
        append_capped(p->loc, LOC_BUF, &p->loc_len, &p->loc_over, (const char *)s, seg);
        if (!nl)
            return;
        text_line_end(p);
        s += seg + 1;
        n -= seg + 1;
    }
}

/* ---- content stage ---- */

/* Skips a UTF-8 BOM and whitespace, then picks XML or text; returns the bytes consumed. */
static size_t sniff(sitemap_parser_t *p, const unsigned char *s, size_t n)
{
    static const unsigned char bom[3] = {0xef, 0xbb, 0xbf};
    for (size_t i = 0; i < n; i++) {
        if (p->bom == p->sniffed && p->bom < 3 && s[i] == bom[p->bom]) {
            p->bom++;
            p->sniffed++;
            continue;
        }
        if (is_space(s[i])) {
            p->sniffed++;
            continue;
        }
        p->mode = s[i] == '<' || s[i] == 0xfe || s[i] == 0xff ? MODE_XML : MODE_TEXT;
        return i;
    }
    return n;
}

static void content_feed(sitemap_parser_t *p, const unsigned char *s, size_t n)
{
    if (p->err != CINDER_OK || p->mode == MODE_DEAD)
        return;
    if (n > p->max_bytes - p->in_bytes) {
        stop(p, CINDER_E_TOO_LARGE);
        return;
    }
    p->in_bytes += n;
    if (p->mode == MODE_SNIFF) {
        size_t k = sniff(p, s, n);
        s += k;
        n -= k;
    }
    if (n == 0)
        return;
    if (p->mode == MODE_XML)
        xml_feed(p, s, n);
    else
        text_feed(p, s, n);
}

static void content_finish(sitemap_parser_t *p)
{
    if (p->err != CINDER_OK)
        return;
    if (p->mode == MODE_XML)
        xml_finish(p);
    else if (p->mode == MODE_TEXT)
        text_line_end(p);
    p->mode = MODE_DEAD;
}

/* ---- gzip stage ---- */

/* Runs inflate once into the output window; returns whether to call it again. */
static bool inflate_step(sitemap_parser_t *p)
{
    p->zs.next_out = p->zout;
    p->zs.avail_out = ZOUT_SIZE;
    int rc = inflate(&p->zs, Z_NO_FLUSH);
    size_t got = ZOUT_SIZE - p->zs.avail_out;
    if (got > 0)
        content_feed(p, p->zout, got);
    if (rc == Z_STREAM_END) {
        p->gz = GZ_MEMBER_END;
        return true;
    }
    if (rc == Z_OK)
        return p->zs.avail_in > 0 || p->zs.avail_out == 0;
    /* Not when the XML died on this output: the rest of the input is ignored, as it is when a
     * later feed brings the bad bytes (results must not depend on chunking). */
    if (rc != Z_BUF_ERROR && p->mode != MODE_DEAD)
        stop(p, CINDER_E_PARSE);
    return false;
}

static void gz_feed(sitemap_parser_t *p, const unsigned char *s, size_t n)
{
    p->zs.next_in = (Bytef *)s;
    p->zs.avail_in = (uInt)n;
    while (p->err == CINDER_OK && p->mode != MODE_DEAD && p->gz != GZ_IGNORE) {
        if (p->gz == GZ_MEMBER_END) {
            if (p->zs.avail_in == 0)
                break;
            if (*p->zs.next_in != 0x1f) {
                p->gz = GZ_IGNORE; /* trailing bytes after a complete member */
                break;
            }
            inflateReset(&p->zs);
            p->gz = GZ_INFLATE;
        }
        if (!inflate_step(p))
            break;
    }
    p->zs.next_in = NULL;
    p->zs.avail_in = 0;
}

static void start_stage(sitemap_parser_t *p, bool gzip)
{
    p->gz = GZ_RAW;
    if (!gzip)
        return;
    if (inflateInit2(&p->zs, 15 + 32) != Z_OK) {
        stop(p, CINDER_E_NOMEM);
        return;
    }
    p->zs_init = true;
    p->zout = xmalloc(ZOUT_SIZE);
    p->gz = GZ_INFLATE;
}

static void stage_feed(sitemap_parser_t *p, const unsigned char *s, size_t n)
{
    if (p->gz == GZ_RAW)
        content_feed(p, s, n);
    else
        gz_feed(p, s, n);
}

/* Holds the first byte until the second shows whether this is gzip. */
static void body_feed(sitemap_parser_t *p, const unsigned char *s, size_t n)
{
    if (p->gz == GZ_SNIFF) {
        if (!p->have_first) {
            p->first = s[0];
            p->have_first = true;
            s++;
            n--;
        }
        if (n == 0)
            return;
        start_stage(p, p->first == 0x1f && s[0] == 0x8b);
        if (p->err == CINDER_OK)
            stage_feed(p, &p->first, 1);
    }
    if (p->err == CINDER_OK)
        stage_feed(p, s, n);
}

/* ---- public ---- */

sitemap_parser_t *sitemap_parser_new(sitemap_url_cb cb, void *ud, size_t max_bytes)
{
    pthread_once(&xml_once, xml_init);
    sitemap_parser_t *p = xcalloc(1, sizeof *p);
    p->cb = cb;
    p->ud = ud;
    p->max_bytes = max_bytes ? max_bytes : SITEMAP_DEFAULT_MAX_BYTES;
    return p;
}

cinder_err sitemap_parser_feed(sitemap_parser_t *p, const char *data, size_t len)
{
    const unsigned char *s = (const unsigned char *)data;
    while (len > 0 && p->err == CINDER_OK) {
        size_t n = len < FEED_SLICE ? len : FEED_SLICE;
        body_feed(p, s, n);
        s += n;
        len -= n;
    }
    return p->err;
}

cinder_err sitemap_parser_finish(sitemap_parser_t *p)
{
    if (p->err != CINDER_OK)
        return p->err;
    if (p->gz == GZ_SNIFF && p->have_first) {
        start_stage(p, false);
        content_feed(p, &p->first, 1);
    }
    bool truncated = p->gz == GZ_INFLATE && p->mode != MODE_DEAD;
    content_finish(p);
    if (truncated && p->err == CINDER_OK)
        p->err = CINDER_E_PARSE;
    p->gz = GZ_IGNORE;
    return p->err;
}

size_t sitemap_parser_urls(const sitemap_parser_t *p)
{
    return p->urls;
}

size_t sitemap_parser_skipped(const sitemap_parser_t *p)
{
    return p->skipped;
}

void sitemap_parser_free(sitemap_parser_t *p)
{
    if (!p)
        return;
    if (p->zs_init)
        inflateEnd(&p->zs);
    if (p->xml) {
        if (p->xml->myDoc)
            xmlFreeDoc(p->xml->myDoc); /* libxml2's SAX-mode entity holder, if a DTD declared any */
        xmlFreeParserCtxt(p->xml);
    }
    free(p->stage);
    free(p->zout);
    free(p);
}

#include "test.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <zlib.h>

#include "crawl/sitemap.h"
#include "util/buf.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
/* From the sanitizer runtime (sanitizer/allocator_interface.h, not shipped with every GCC). */
size_t __sanitizer_get_current_allocated_bytes(void);
#define HEAP_BYTES() __sanitizer_get_current_allocated_bytes()
#else
#define HEAP_BYTES() ((size_t)0)
#endif

/* ---- collecting callback ---- */

typedef struct {
    buf_t log; /* "P url lastmod\n" / "C url\n" */
    size_t calls;
    size_t stop_after; /* 0: never stop */
    size_t calls_after_stop;
    bool stopped;
} collect_t;

static bool collect_cb(void *ud, sitemap_kind kind, const char *url, size_t len,
                       const char *lastmod)
{
    collect_t *c = ud;
    if (c->stopped)
        c->calls_after_stop++;
    c->calls++;
    CHECK_INT(strlen(url), len);
    CHECK(buf_printf(&c->log, "%c %s%s%s\n", kind == SITEMAP_CHILD ? 'C' : 'P', url,
                     lastmod ? " " : "", lastmod ? lastmod : "") == CINDER_OK);
    if (c->stop_after && c->calls >= c->stop_after) {
        c->stopped = true;
        return false;
    }
    return true;
}

static void collect_init(collect_t *c, size_t stop_after)
{
    memset(c, 0, sizeof *c);
    buf_init(&c->log, 0);
    c->stop_after = stop_after;
}

/* Feeds data in chunks of the given size, then finishes; returns the final status. */
static cinder_err run_chunked(const char *data, size_t len, size_t chunk, collect_t *c,
                              size_t max_bytes, size_t *skipped)
{
    sitemap_parser_t *p = sitemap_parser_new(collect_cb, c, max_bytes);
    cinder_err err = CINDER_OK;
    for (size_t off = 0; off < len && err == CINDER_OK; off += chunk)
        err = sitemap_parser_feed(p, data + off, len - off < chunk ? len - off : chunk);
    if (err == CINDER_OK)
        err = sitemap_parser_finish(p);
    else
        CHECK_INT(sitemap_parser_finish(p), err); /* sticky */
    CHECK_INT(sitemap_parser_urls(p), c->calls);
    if (skipped)
        *skipped = sitemap_parser_skipped(p);
    sitemap_parser_free(p);
    return err;
}

static const size_t chunk_sizes[] = {1, 7, 65536};

/* Runs data in 1-, 7- and 64 KiB-byte chunks and checks each gives the same result. */
static void check_doc_len(const char *data, size_t len, const char *want_log, size_t want_skipped,
                          cinder_err want_err)
{
    for (size_t i = 0; i < sizeof chunk_sizes / sizeof chunk_sizes[0]; i++) {
        collect_t c;
        size_t skipped = 0;
        collect_init(&c, 0);
        cinder_err err = run_chunked(data, len, chunk_sizes[i], &c, 0, &skipped);
        if (err != want_err || skipped != want_skipped || strcmp(buf_str(&c.log), want_log))
            test_fail(__FILE__, __LINE__,
                      "chunk %zu: err %s (want %s), skipped %zu (want %zu)\n--- got ---\n%s"
                      "--- want ---\n%s",
                      chunk_sizes[i], cinder_err_name(err), cinder_err_name(want_err), skipped,
                      want_skipped, buf_str(&c.log), want_log);
        buf_cleanup(&c.log);
    }
}

static void check_doc(const char *doc, const char *want_log, size_t want_skipped)
{
    check_doc_len(doc, strlen(doc), want_log, want_skipped, CINDER_OK);
}

/* gzip-compresses data in one deflate call; caller frees. */
static char *gzip_bytes(const char *data, size_t len, size_t *out_len)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    size_t cap = deflateBound(&zs, len) + 64;
    char *out = malloc(cap);
    zs.next_in = (Bytef *)data;
    zs.avail_in = (uInt)len;
    zs.next_out = (Bytef *)out;
    zs.avail_out = (uInt)cap;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
        abort();
    *out_len = zs.total_out;
    deflateEnd(&zs);
    return out;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- documents ---- */

static const char urlset_doc[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
    "  <url><loc>https://ex.com/</loc><lastmod>2024-01-02</lastmod>"
    "<changefreq>daily</changefreq><priority>1.0</priority></url>\n"
    "  <url>\n    <loc>\n      https://ex.com/about\n    </loc>\n  </url>\n"
    "  <url><lastmod> 2023-12-31T10:00:00+00:00 </lastmod><loc>HTTP://ex.com/Caps</loc></url>\n"
    "</urlset>\n";

static const char urlset_want[] = "P https://ex.com/ 2024-01-02\n"
                                  "P https://ex.com/about\n"
                                  "P HTTP://ex.com/Caps 2023-12-31T10:00:00+00:00\n";

TEST(urlset_pages_with_lastmod)
{
    check_doc(urlset_doc, urlset_want, 0);
}

TEST(sitemapindex_children)
{
    check_doc("<?xml version=\"1.0\"?>\n"
              "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
              "<sitemap><loc>https://ex.com/sitemap-posts.xml</loc>"
              "<lastmod>2024-03-04</lastmod></sitemap>\n"
              "<sitemap><loc>https://ex.com/sitemap-pages</loc></sitemap>\n"
              "</sitemapindex>",
              "C https://ex.com/sitemap-posts.xml 2024-03-04\n"
              "C https://ex.com/sitemap-pages\n",
              0);
}

TEST(urlset_xml_locs_are_children)
{
    check_doc("<urlset>"
              "<url><loc>https://ex.com/more.xml</loc></url>"
              "<url><loc>https://ex.com/more.XML.gz</loc></url>"
              "<url><loc>https://ex.com/feed.xml?page=2</loc></url>"
              "<url><loc>https://ex.com/page.xml.html</loc></url>"
              "<url><loc>https://ex.com/a?f=x.xml</loc></url>"
              "</urlset>",
              "C https://ex.com/more.xml\n"
              "C https://ex.com/more.XML.gz\n"
              "C https://ex.com/feed.xml?page=2\n"
              "P https://ex.com/page.xml.html\n"
              "P https://ex.com/a?f=x.xml\n",
              0);
}

TEST(gzip_any_chunking_matches_plain)
{
    size_t zlen;
    char *z = gzip_bytes(urlset_doc, strlen(urlset_doc), &zlen);
    REQUIRE((unsigned char)z[0] == 0x1f && (unsigned char)z[1] == 0x8b);
    check_doc_len(z, zlen, urlset_want, 0, CINDER_OK);
    free(z);

    /* Two concatenated members read as one stream; the split falls inside a <loc>. */
    const char *a = "<urlset><url><loc>https://ex.com/o", *b = "ne</loc></url></urlset>";
    size_t alen, blen;
    char *za = gzip_bytes(a, strlen(a), &alen), *zb = gzip_bytes(b, strlen(b), &blen);
    char *both = malloc(alen + blen);
    memcpy(both, za, alen);
    memcpy(both + alen, zb, blen);
    check_doc_len(both, alen + blen, "P https://ex.com/one\n", 0, CINDER_OK);
    free(za);
    free(zb);
    free(both);
}

TEST(plain_text_sitemap)
{
    check_doc("\xef\xbb\xbf  https://ex.com/a\r\n"
              "\n"
              "http://ex.com/b?x=1&amp;y=2\n"
              "   \t \n"
              "/relative\n"
              "https://ex.com/sitemap2.xml\n"
              "  https://ex.com/last  ",
              "P https://ex.com/a\n"
              "P http://ex.com/b?x=1&amp;y=2\n"
              "P https://ex.com/sitemap2.xml\n"
              "P https://ex.com/last\n",
              1);
    check_doc("", "", 0);
    check_doc(" \n\t", "", 0);
    check_doc("h", "", 1);
}

TEST(namespace_prefixes_and_extensions)
{
    check_doc("<s:urlset xmlns:s=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
              "xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\">"
              "<s:url><s:loc>https://ex.com/ns</s:loc>"
              "<image:image><image:loc>https://ex.com/img.png</image:loc></image:image>"
              "<s:lastmod>2024-02-02</s:lastmod></s:url>"
              "</s:urlset>",
              "P https://ex.com/ns 2024-02-02\n", 0);
    /* Undeclared prefix and a foreign default namespace. */
    check_doc("<x:sitemapindex><x:sitemap><x:loc>https://ex.com/s1.xml</x:loc></x:sitemap>"
              "</x:sitemapindex>",
              "C https://ex.com/s1.xml\n", 0);
    check_doc("<urlset xmlns=\"urn:whatever\"><url><loc>https://ex.com/w</loc></url></urlset>",
              "P https://ex.com/w\n", 0);
}

TEST(cdata_entities_and_bare_locs)
{
    check_doc("\xef\xbb\xbf\n  <?xml version=\"1.0\" encoding=\"UTF-8\"?>"
              "<urlset>"
              "<url><loc><![CDATA[  https://ex.com/c?a=1&b=2  ]]></loc></url>"
              "<url><loc>https://ex.com/e?a=1&amp;b=2&#38;c=&lt;3&gt;&#x41;</loc></url>"
              "<url><loc>https://ex.com/mixed?<![CDATA[q=1&]]>r=2</loc></url>"
              "<loc>https://ex.com/bare</loc>"
              "</urlset>",
              "P https://ex.com/c?a=1&b=2\n"
              "P https://ex.com/e?a=1&b=2&c=<3>A\n"
              "P https://ex.com/mixed?q=1&r=2\n"
              "P https://ex.com/bare\n",
              0);
}

TEST(non_http_locs_skipped)
{
    check_doc("<urlset>"
              "<url><loc>/relative/page</loc></url>"
              "<url><loc>page.html</loc></url>"
              "<url><loc>ftp://ex.com/file</loc></url>"
              "<url><loc>javascript:alert(1)</loc></url>"
              "<url><loc>  </loc></url>"
              "<url><loc>https:///nohost</loc></url>"
              "<url><loc>https://ex.com/a&#10;b</loc></url>"
              "<url><loc>https://ex.com/ok</loc></url>"
              "</urlset>",
              "P https://ex.com/ok\n", 7);
}

TEST(long_loc_skipped)
{
    buf_t doc;
    buf_init(&doc, 0);
    CHECK(buf_puts(&doc, "<urlset><url><loc>https://ex.com/") == CINDER_OK);
    for (int i = 0; i < 9 * 1024; i++)
        CHECK(buf_putc(&doc, 'a') == CINDER_OK);
    CHECK(buf_puts(&doc, "</loc></url><url><loc>https://ex.com/after</loc></url></urlset>") ==
          CINDER_OK);
    check_doc_len(doc.data, doc.len, "P https://ex.com/after\n", 1, CINDER_OK);

    /* Exactly SITEMAP_MAX_LOC bytes, padded with whitespace, is still accepted. */
    buf_reset(&doc);
    CHECK(buf_puts(&doc, "<urlset><url><loc>\n   https://ex.com/") == CINDER_OK);
    for (size_t i = strlen("https://ex.com/"); i < SITEMAP_MAX_LOC; i++)
        CHECK(buf_putc(&doc, 'b') == CINDER_OK);
    CHECK(buf_puts(&doc, "\n   </loc></url></urlset>") == CINDER_OK);
    collect_t c;
    collect_init(&c, 0);
    CHECK_INT(run_chunked(doc.data, doc.len, 7, &c, 0, NULL), CINDER_OK);
    CHECK_INT(c.calls, 1);
    CHECK_INT(c.log.len, 2 + SITEMAP_MAX_LOC + 1);
    buf_cleanup(&c.log);
    buf_cleanup(&doc);
}

TEST(callback_stop_declines)
{
    static const char doc[] = "<urlset><url><loc>https://ex.com/1</loc></url>"
                              "<url><loc>https://ex.com/2</loc></url>"
                              "<url><loc>https://ex.com/3</loc></url></urlset>";
    for (size_t i = 0; i < sizeof chunk_sizes / sizeof chunk_sizes[0]; i++) {
        collect_t c;
        collect_init(&c, 2);
        CHECK_INT(run_chunked(doc, strlen(doc), chunk_sizes[i], &c, 0, NULL), CINDER_E_DECLINED);
        CHECK_STR(buf_str(&c.log), "P https://ex.com/1\nP https://ex.com/2\n");
        CHECK_INT(c.calls_after_stop, 0);
        buf_cleanup(&c.log);
    }

    /* Plain text, and feeding more after the stop. */
    collect_t c;
    collect_init(&c, 1);
    sitemap_parser_t *p = sitemap_parser_new(collect_cb, &c, 0);
    CHECK_INT(sitemap_parser_feed(p, "https://ex.com/a\nhttps://ex.com/b\n", 34),
              CINDER_E_DECLINED);
    CHECK_INT(sitemap_parser_feed(p, "https://ex.com/c\n", 17), CINDER_E_DECLINED);
    CHECK_INT(sitemap_parser_finish(p), CINDER_E_DECLINED);
    CHECK_INT(c.calls, 1);
    CHECK_INT(c.calls_after_stop, 0);
    CHECK_INT(sitemap_parser_urls(p), 1);
    sitemap_parser_free(p);
    buf_cleanup(&c.log);
    sitemap_parser_free(NULL);
}

TEST(truncated_or_corrupt_gzip_is_parse_error)
{
    size_t zlen;
    char *z = gzip_bytes(urlset_doc, strlen(urlset_doc), &zlen);
    /* Cut inside the trailer: every URL was seen, but the stream is incomplete. */
    check_doc_len(z, zlen - 4, urlset_want, 0, CINDER_E_PARSE);
    /* Cut early: nothing usable. */
    check_doc_len(z, 12, "", 0, CINDER_E_PARSE);
    check_doc_len(z, 2, "", 0, CINDER_E_PARSE);
    /* Corrupted deflate data after the header. */
    memset(z + 10, 0xff, 8);
    check_doc_len(z, zlen, "", 0, CINDER_E_PARSE);
    free(z);
}

/* Found by fuzz_sitemap: once the XML inside a gzip body is dead, a later gzip error (here a bad
 * CRC) is ignored with the rest of the input whatever the chunking; one big feed, where zlib sees
 * the error in the same inflate call that killed the XML, gave E_PARSE. */
TEST(gzip_error_after_dead_xml_is_ignored)
{
    static const char doc[] = "<urlset><url><loc>https://ex.com/1</loc></url></urlset>"
                              "<url><loc>https://ex.com/late</loc></url>";
    size_t zlen;
    char *z = gzip_bytes(doc, strlen(doc), &zlen);
    z[zlen - 8] ^= 0x5a; /* the CRC-32 of the trailer */
    check_doc_len(z, zlen, "P https://ex.com/1\n", 0, CINDER_OK);
    /* The minimised fuzz input: 0xff starts XML, then an invalid distance code. The XML bytes are
     * still staged (no ASCII yet, see xml_cut) when zlib fails, so every chunking gives E_PARSE. */
    static const char tiny[] = "\x1f\x8b\x08\x00\x00\x68\x02\xff\xff\x47\xfa\xff\x10\x02\x60\xff";
    check_doc_len(tiny, sizeof tiny - 1, "", 0, CINDER_E_PARSE);
    free(z);
}

/* Found by fuzz_sitemap: libxml2 2.9 gave up on the document when a chunk ended one or two bytes
 * after an invalid UTF-8 byte, and read the byte as Latin-1 otherwise (1-byte chunks hit it in both
 * documents, 7-byte ones in the second). */
TEST(invalid_utf8_any_chunking)
{
    check_doc("<urlset><url><loc>http://a.ex/\xff</loc></url><url><loc>http://b.ex/</loc></url>"
              "</urlset>",
              "P http://a.ex/\xff\nP http://b.ex/\n", 0);
    check_doc("<urlset><url>\n<loc>https://c.ex/\xfe\xff</loc><lastmod>\xff</lastmod></url>"
              "<loc>http://d.ex/\xc3</loc></urlset>",
              "P https://c.ex/\xfe\xff \xff\nP http://d.ex/\xc3\n", 0);
}

TEST(malformed_xml_keeps_earlier_urls)
{
    /* Unclosed <url>, mismatched end tag, then truncation inside an entry. */
    check_doc("<urlset><url><loc>https://ex.com/1</loc></url>"
              "<url><loc>https://ex.com/2</loc>"
              "<url><loc>https://ex.com/3</loc></urlx>"
              "<url><loc>https://ex.com/4</loc>",
              "P https://ex.com/1\nP https://ex.com/2\nP https://ex.com/3\nP https://ex.com/4\n",
              0);
    /* Garbage that libxml2 cannot recover from: earlier URLs stand, finish is OK. */
    check_doc("<urlset><url><loc>https://ex.com/1</loc></url><<<<&&&\x01\x02</urlset>"
              "<url><loc>https://ex.com/late</loc></url>",
              "P https://ex.com/1\n", 0);
    /* Content after the root element is ignored. */
    check_doc("<urlset><url><loc>https://ex.com/1</loc></url></urlset>"
              "<urlset><url><loc>https://ex.com/2</loc></url></urlset>",
              "P https://ex.com/1\n", 0);
    /* Undefined entities are not expanded; a DTD is neither loaded nor applied. */
    check_doc(
        "<!DOCTYPE urlset SYSTEM \"http://127.0.0.1:1/x.dtd\" [<!ENTITY e \"https://evil/\">]>"
        "<urlset><url><loc>&e;x</loc></url><url><loc>https://ex.com/ok</loc></url></urlset>",
        "P https://ex.com/ok\n", 1);
}

TEST(deep_nesting_is_bounded)
{
    buf_t doc;
    buf_init(&doc, 0);
    CHECK(buf_puts(&doc, "<urlset><url><loc>https://ex.com/1</loc></url>") == CINDER_OK);
    for (int i = 0; i < 5000; i++)
        CHECK(buf_puts(&doc, "<url>") == CINDER_OK);
    CHECK(buf_puts(&doc, "<loc>https://ex.com/deep</loc>") == CINDER_OK);
    collect_t c;
    collect_init(&c, 0);
    CHECK_INT(run_chunked(doc.data, doc.len, 4096, &c, 0, NULL), CINDER_OK);
    CHECK_STR(buf_str(&c.log), "P https://ex.com/1\n");
    buf_cleanup(&c.log);
    buf_cleanup(&doc);
}

TEST(max_bytes_caps_plain_input)
{
    collect_t c;
    collect_init(&c, 0);
    CHECK_INT(run_chunked(urlset_doc, strlen(urlset_doc), 16, &c, 100, NULL), CINDER_E_TOO_LARGE);
    buf_cleanup(&c.log);
}

/* ---- gzip bomb: N MiB of zeros, deflated once and replayed ---- */

/*
 * A gzip stream of n_mib MiB of zeros, produced piecewise without holding the
 * data: after Z_FULL_FLUSH the compressor state is reset, so every further
 * MiB of zeros compresses to the same bytes.
 */
typedef struct {
    char *head; /* gzip header + first MiB */
    char *unit; /* one more MiB */
    char *tail; /* final block + trailer */
    size_t head_len, unit_len, tail_len;
} bomb_t;

static size_t deflate_step(z_stream *zs, const char *in, size_t n, int flush, char **out)
{
    size_t cap = deflateBound(zs, n) + 1024;
    *out = malloc(cap);
    zs->next_in = (Bytef *)in;
    zs->avail_in = (uInt)n;
    zs->next_out = (Bytef *)*out;
    zs->avail_out = (uInt)cap;
    if (deflate(zs, flush) == Z_STREAM_ERROR || zs->avail_in != 0 || zs->avail_out == 0)
        abort();
    return cap - zs->avail_out;
}

static void bomb_make(bomb_t *b, size_t n_mib)
{
    size_t mib = (size_t)1 << 20;
    char *zeros = calloc(1, mib);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    b->head_len = deflate_step(&zs, zeros, mib, Z_FULL_FLUSH, &b->head);
    b->unit_len = deflate_step(&zs, zeros, mib, Z_FULL_FLUSH, &b->unit);
    b->tail_len = deflate_step(&zs, NULL, 0, Z_FINISH, &b->tail);
    deflateEnd(&zs);
    /* Rewrite the trailer for the full length: CRC-32 and size mod 2^32, little-endian. */
    uLong crc1 = crc32(0, (const Bytef *)zeros, (uInt)mib), crc = crc1;
    for (size_t i = 1; i < n_mib; i++)
        crc = crc32_combine(crc, crc1, (z_off_t)mib);
    uint32_t vals[2] = {(uint32_t)crc, (uint32_t)(n_mib * mib)};
    for (int v = 0; v < 2; v++)
        for (int k = 0; k < 4; k++)
            b->tail[b->tail_len - 8 + 4 * v + k] = (char)(vals[v] >> (8 * k));
    free(zeros);
}

static void bomb_free(bomb_t *b)
{
    free(b->head);
    free(b->unit);
    free(b->tail);
}

/* Streams the bomb into p; returns the first non-OK status, and the heap growth seen. */
static cinder_err bomb_feed(sitemap_parser_t *p, const bomb_t *b, size_t n_mib, size_t *heap_growth)
{
    size_t base = HEAP_BYTES(), peak = base;
    cinder_err err = sitemap_parser_feed(p, b->head, b->head_len);
    for (size_t i = 1; i < n_mib && err == CINDER_OK; i++) {
        err = sitemap_parser_feed(p, b->unit, b->unit_len);
        if (HEAP_BYTES() > peak)
            peak = HEAP_BYTES();
    }
    if (err == CINDER_OK)
        err = sitemap_parser_feed(p, b->tail, b->tail_len);
    if (err == CINDER_OK)
        err = sitemap_parser_finish(p);
    *heap_growth = peak - base;
    return err;
}

TEST(gzip_bomb_stops_quickly_with_bounded_memory)
{
    collect_t c;
    collect_init(&c, 0);
    size_t growth;

    /* The construction is a valid gzip stream: 4 MiB of zeros, one over-long text line. */
    bomb_t small;
    bomb_make(&small, 4);
    sitemap_parser_t *p = sitemap_parser_new(collect_cb, &c, 0);
    CHECK_INT(bomb_feed(p, &small, 4, &growth), CINDER_OK);
    CHECK_INT(sitemap_parser_skipped(p), 1);
    sitemap_parser_free(p);
    bomb_free(&small);

    bomb_t big;
    bomb_make(&big, 1024); /* 1 GiB of zeros in about 1 MB of gzip */
    p = sitemap_parser_new(collect_cb, &c, 0);
    double t0 = now_s();
    CHECK_INT(bomb_feed(p, &big, 1024, &growth), CINDER_E_TOO_LARGE);
    double dt = now_s() - t0;
    CHECK(dt < 2.0 * TEST_TIME_SCALE);
    CHECK(growth < ((size_t)1 << 20));
    CHECK_INT(c.calls, 0);
    fprintf(stderr, "  gzip bomb: TOO_LARGE after %.3f s, heap growth %zu bytes\n", dt, growth);
    sitemap_parser_free(p);
    bomb_free(&big);
    buf_cleanup(&c.log);
}

/* ---- one million URLs, generated in chunks ---- */

#define BIG_URLS  1000000u
#define BIG_CHUNK (64u << 10)

static const char big_entry[] =
    "<url><loc>https://www.example.com/p/0000000</loc><lastmod>2024-05-01</lastmod></url>\n";
#define BIG_ENTRY_LEN (sizeof big_entry - 1)
#define BIG_DIGITS    (sizeof "<url><loc>https://www.example.com/p/" - 1)

typedef struct {
    size_t next;      /* next entry number to generate */
    size_t seen;      /* URLs seen by the callback */
    size_t bad;       /* URLs not matching the expected sequence */
    size_t heap_peak; /* largest heap size seen inside the callback */
} big_t;

static size_t big_generate(big_t *g, char *buf, size_t cap)
{
    static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    size_t n = 0;
    if (g->next == 0) {
        memcpy(buf, head, sizeof head - 1);
        n = sizeof head - 1;
    }
    for (; g->next < BIG_URLS && cap - n >= BIG_ENTRY_LEN + 16; g->next++) {
        memcpy(buf + n, big_entry, BIG_ENTRY_LEN);
        size_t v = g->next;
        for (int d = 6; d >= 0; d--, v /= 10)
            buf[n + BIG_DIGITS + (size_t)d] = (char)('0' + v % 10);
        n += BIG_ENTRY_LEN;
    }
    if (g->next == BIG_URLS && cap - n >= 16) {
        memcpy(buf + n, "</urlset>\n", 10);
        n += 10;
        g->next++;
    }
    return n;
}

static bool big_cb(void *ud, sitemap_kind kind, const char *url, size_t len, const char *lastmod)
{
    big_t *g = ud;
    size_t v = 0;
    for (size_t i = len - 7; i < len; i++)
        v = v * 10 + (size_t)(url[i] - '0');
    if (kind != SITEMAP_PAGE || len != 33 || v != g->seen || !lastmod || lastmod[9] != '1')
        g->bad++;
    if (g->seen % 4096 == 0 && HEAP_BYTES() > g->heap_peak)
        g->heap_peak = HEAP_BYTES();
    g->seen++;
    return true;
}

static void big_run(bool gzip)
{
    big_t g = {0};
    char *chunk = malloc(BIG_CHUNK);
    z_stream zs;
    char *zbuf = NULL;
    memset(&zs, 0, sizeof zs);
    if (gzip) {
        if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            abort();
        zbuf = malloc(BIG_CHUNK * 2);
    }
    size_t base = HEAP_BYTES(), feeds = 0, bytes = 0, seen_after_first = 0;
    double t0 = now_s(), in_parser = 0;
    sitemap_parser_t *p = sitemap_parser_new(big_cb, &g, 0);
    cinder_err err = CINDER_OK;
    for (size_t n; err == CINDER_OK && (n = big_generate(&g, chunk, BIG_CHUNK)) > 0;) {
        const char *data = chunk;
        if (gzip) {
            zs.next_in = (Bytef *)chunk;
            zs.avail_in = (uInt)n;
            zs.next_out = (Bytef *)zbuf;
            zs.avail_out = BIG_CHUNK * 2;
            if (deflate(&zs, g.next > BIG_URLS ? Z_FINISH : Z_SYNC_FLUSH) == Z_STREAM_ERROR)
                abort();
            data = zbuf;
            n = BIG_CHUNK * 2 - zs.avail_out;
        }
        bytes += gzip ? (size_t)0 : n;
        double t = now_s();
        err = sitemap_parser_feed(p, data, n);
        in_parser += now_s() - t;
        if (++feeds == 1)
            seen_after_first = g.seen;
    }
    double t = now_s();
    if (err == CINDER_OK)
        err = sitemap_parser_finish(p);
    in_parser += now_s() - t;
    double total = now_s() - t0;
    CHECK_INT(err, CINDER_OK);
    CHECK_INT(g.seen, BIG_URLS);
    CHECK_INT(sitemap_parser_urls(p), BIG_URLS);
    CHECK_INT(g.bad, 0);
    CHECK(seen_after_first > 0); /* the first URL came out of the first chunk */
    CHECK(total < 3.0 * TEST_TIME_SCALE);
    size_t growth = g.heap_peak > base ? g.heap_peak - base : 0;
    CHECK(growth < ((size_t)1 << 20));
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(stderr,
            "  1M URLs%s: %.3f s total, %.3f s in parser, %.0f URLs/s, %zu URLs after first "
            "chunk, heap growth %zu bytes, process max RSS %ld KiB\n",
            gzip ? " (gzip)" : "", total, in_parser, BIG_URLS / in_parser, seen_after_first, growth,
            ru.ru_maxrss);
    if (!gzip)
        fprintf(stderr, "  1M URLs: %.1f MB, %.1f MB/s in parser\n", (double)bytes / 1e6,
                (double)bytes / 1e6 / in_parser);
    sitemap_parser_free(p);
    if (gzip)
        deflateEnd(&zs);
    free(zbuf);
    free(chunk);
}

TEST(million_urls_stream)
{
    big_run(false);
}

TEST(million_urls_stream_gzip)
{
    big_run(true);
}

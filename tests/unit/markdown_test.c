#include "test.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "html/markdown.h"
#include "util/url.h"

/*
 * Golden cases: tests/unit/golden/markdown/NAME.html -> NAME.md, compared byte for byte.
 * Options come from comments at the top of the HTML (the converter skips comments):
 *   <!-- base: URL -->     base_url
 *   <!-- keep-base64 -->   keep_base64_images
 * MD_GOLDEN_UPDATE=1 in the environment rewrites the .md files from the current output.
 */
static const char *const golden_cases[] = {
    "headings",
    "paragraphs",
    "emphasis",
    "entities",
    "lists_nested",
    "list_blocks",
    "li_outside_list",
    "tables_basic",
    "tables_no_thead",
    "tables_spans",
    "tables_cells",
    "tables_layout",
    "pre",
    "inline_code",
    "blockquotes",
    "br_hr",
    "links",
    "links_no_base",
    "images",
    "base64_removed",
    "base64_kept",
    "definitions",
    "inline_misc",
    "media_forms",
    "escaping",
    "i18n",
    "malformed",
    "empty",
    "emphasis_flanking",
    "containers",
};

#define GOLDEN_DIR TEST_DATA_DIR "/golden/markdown/"

static char *convert(const char *html, size_t len, const md_options_t *opt)
{
    dom_doc_t *doc = dom_parse(html, len);
    if (!doc)
        return NULL;
    buf_t b;
    buf_init(&b, 0);
    cinder_err rc = md_convert(dom_root(doc), opt, &b);
    dom_doc_free(doc);
    if (rc) {
        buf_cleanup(&b);
        return NULL;
    }
    return buf_steal(&b);
}

static char *md_of(const char *html)
{
    return convert(html, strlen(html), NULL);
}

/* Skips a line's container prefix: blockquote markers, indentation and list markers. */
static const char *skip_prefix(const char *q, const char *e)
{
    for (;;) {
        while (q < e && (*q == ' ' || *q == '>'))
            q++;
        const char *d = q;
        while (d < e && *d >= '0' && *d <= '9')
            d++;
        if (q + 1 < e && *q == '-' && q[1] == ' ')
            q += 2;
        else if (d > q && d + 1 < e && *d == '.' && d[1] == ' ')
            q = d + 2;
        else
            return q;
    }
}

/* The first line (1-based) that breaks the output's shape outside fenced code: a run of
 * blank lines, a whitespace-only line, or trailing spaces other than a two-space hard break.
 * 0 when the shape is right. */
static int bad_shape_line(const char *s)
{
    size_t fence = 0;
    int line = 0;
    bool blank_prev = false;
    for (const char *p = s; *p; line++) {
        const char *e = strchr(p, '\n');
        e = e ? e : p + strlen(p);
        const char *q = skip_prefix(p, e);
        size_t ticks = 0;
        while (q + ticks < e && q[ticks] == '`')
            ticks++;
        bool blank = q == e, trailing = e > p && e[-1] == ' ';
        bool hard = e - p >= 3 && e[-1] == ' ' && e[-2] == ' ' && e[-3] != ' ';
        p = *e ? e + 1 : e;
        if (fence) {
            fence = ticks >= fence && q + ticks == e ? 0 : fence;
            continue;
        }
        fence = ticks >= 3 ? ticks : 0;
        if ((blank && blank_prev) || (blank && trailing) || (trailing && !hard))
            return line + 1;
        blank_prev = blank;
    }
    return 0;
}

/* Reads the option comments at the top of a golden HTML file. */
static void golden_options(const char *html, md_options_t *opt, char *base, size_t cap)
{
    const char *b = strstr(html, "<!-- base: ");
    opt->base_url = NULL;
    opt->keep_base64_images = strstr(html, "<!-- keep-base64 -->") != NULL;
    if (b) {
        b += strlen("<!-- base: ");
        size_t n = strcspn(b, " ");
        if (n < cap) {
            memcpy(base, b, n);
            base[n] = '\0';
            opt->base_url = base;
        }
    }
}

/* Line and column of the first difference, for the failure message. */
static void first_diff(const char *got, const char *want, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (; *got && *got == *want; got++, want++) {
        if (*got == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static void write_file(const char *path, const char *data)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fputs(data, f);
    fclose(f);
}

static void check_golden(const char *name)
{
    char path[256], base[256];
    size_t len;
    snprintf(path, sizeof path, GOLDEN_DIR "%s.html", name);
    char *html = test_read_file(path, &len);
    md_options_t opt = {0};
    golden_options(html, &opt, base, sizeof base);
    char *got = convert(html, len, &opt);
    snprintf(path, sizeof path, GOLDEN_DIR "%s.md", name);
    if (got && getenv("MD_GOLDEN_UPDATE"))
        write_file(path, got);
    char *want = test_read_file(path, &len);
    int bad = got ? bad_shape_line(got) : 0;
    if (bad)
        test_fail(__FILE__, __LINE__, "golden %s: bad markdown shape at line %d", name, bad);
    if (!got || strcmp(got, want) != 0) {
        int line = 0, col = 0;
        if (got)
            first_diff(got, want, &line, &col);
        test_fail(__FILE__, __LINE__,
                  "golden %s differs at line %d col %d\n--- got ---\n%s--- want (%s) ---\n%s"
                  "--- end ---",
                  name, line, col, got ? got : "(conversion failed)\n", path, want);
    }
    free(got);
    free(want);
    free(html);
}

TEST(markdown_golden)
{
    for (size_t i = 0; i < sizeof golden_cases / sizeof *golden_cases; i++)
        check_golden(golden_cases[i]);
}

TEST(markdown_small_cases)
{
    char *s = md_of("");
    CHECK_STR(s, "");
    free(s);
    s = md_of("<p>   </p><div><span></span></div>");
    CHECK_STR(s, "");
    free(s);
    s = md_of("<p>a<b>b</b> c</p>");
    CHECK_STR(s, "a**b** c\n");
    free(s);
    s = md_of("a <span></span> b");
    CHECK_STR(s, "a b\n");
    free(s);
    s = md_of("<b> x </b>y");
    CHECK_STR(s, "**x** y\n");
    free(s);
    s = md_of("<pre>\nfirst line</pre>");
    CHECK_STR(s, "```\nfirst line\n```\n");
    free(s);
    /* the shape check used on goldens and the corpus is not vacuous */
    CHECK_INT(bad_shape_line("a\n\nb\n"), 0);
    CHECK_INT(bad_shape_line("a  \nb\n> x\n>\n> y\n```\n\n\n \n```\n"), 0);
    CHECK_INT(bad_shape_line("a \nb\n"), 1);
    CHECK_INT(bad_shape_line("a\n\n\nb\n"), 3);
    CHECK_INT(bad_shape_line("- a\n  \n"), 2);
}

TEST(markdown_element_root_and_append)
{
    const char *html = "<div id=a><h2>T</h2><p>x</p></div><p>outside</p>";
    dom_doc_t *doc = dom_parse(html, strlen(html));
    REQUIRE(doc);
    buf_t b;
    buf_init(&b, 0);
    REQUIRE(buf_puts(&b, "prefix:") == CINDER_OK);
    CHECK_INT(md_convert(dom_first_child(dom_body(doc)), NULL, &b), CINDER_OK);
    CHECK_STR(buf_str(&b), "prefix:## T\n\nx\n");
    buf_cleanup(&b);
    dom_doc_free(doc);
}

TEST(markdown_cap_restores_buffer)
{
    const char *html = "<p>some text that is longer than the cap</p><ul><li>and more</li></ul>";
    dom_doc_t *doc = dom_parse(html, strlen(html));
    REQUIRE(doc);
    buf_t b;
    buf_init(&b, 20);
    REQUIRE(buf_puts(&b, "keep") == CINDER_OK);
    CHECK_INT(md_convert(dom_root(doc), NULL, &b), CINDER_E_TOO_LARGE);
    CHECK_STR(buf_str(&b), "keep");
    buf_cleanup(&b);
    buf_init(&b, 0);
    CHECK_INT(md_convert(NULL, NULL, &b), CINDER_E_INVALID);
    buf_cleanup(&b);
    dom_doc_free(doc);
}

/* Links are resolved without libcurl in the common cases; the result must be what
 * url_resolve gives. */
TEST(markdown_urls_match_url_resolve)
{
    static const char *const bases[] = {"https://example.com/docs/guide/page.html?x=1#top",
                                        "http://Example.COM:8080/dir/", "https://example.com"};
    static const char *const refs[] = {"intro.html",
                                       "/root",
                                       "/root/a_b-c.d?q=1&r=2#frag",
                                       "../up/",
                                       "./here",
                                       "a/../b",
                                       "x/.",
                                       "x/..",
                                       ".",
                                       "..",
                                       "?only=query",
                                       "//cdn.example.org/x",
                                       "https://other.example",
                                       "https://other.example/p?",
                                       "https://other.example/p#",
                                       "https://Other.example/p",
                                       "HTTPS://other.example/p",
                                       "https://other.example:443/p",
                                       "https://u@other.example/p",
                                       "mailto:a@example.com",
                                       "tel:+1",
                                       "x:y/z",
                                       "_under",
                                       "-dash",
                                       "a%2Fb",
                                       "/%7Euser",
                                       "seg/.hidden",
                                       "seg/..x",
                                       "a?b#c?d",
                                       "a#",
                                       "a?#"};
    for (size_t b = 0; b < sizeof bases / sizeof *bases; b++) {
        md_options_t opt = {bases[b], false, NULL};
        for (size_t i = 0; i < sizeof refs / sizeof *refs; i++) {
            char html[256], want[512];
            snprintf(html, sizeof html, "<a href=\"%s\">x</a>", refs[i]);
            char *u = url_resolve(bases[b], refs[i], strlen(refs[i]));
            snprintf(want, sizeof want, "[x](%s)\n", u ? u : refs[i]);
            free(u);
            char *got = convert(html, strlen(html), &opt);
            if (!got || strcmp(got, want) != 0)
                test_fail(__FILE__, __LINE__, "base %s ref %s: got %s want %s", bases[b], refs[i],
                          got ? got : "(null)", want);
            free(got);
        }
    }
}

static char *repeat(const char *open, int n, const char *mid, const char *close)
{
    size_t lo = strlen(open), lm = strlen(mid), lc = strlen(close);
    char *s = malloc(lo * (size_t)n + lm + lc * (size_t)n + 1);
    char *p = s;
    for (int i = 0; i < n; i++, p += lo)
        memcpy(p, open, lo);
    memcpy(p, mid, lm);
    p += lm;
    for (int i = 0; i < n; i++, p += lc)
        memcpy(p, close, lc);
    *p = '\0';
    return s;
}

/* 100,000 levels: dom_parse flattens what is nested deeper than its guard (2048), and the
 * converter renders past 512 levels as text instead of recursing. The outermost <b> stays open
 * around everything, so the paragraph break inside it closes and reopens the bold. */
TEST(markdown_deep_nesting)
{
    char *html = repeat("<span><b>", 50000, "<p>deep</p> <i>text</i>", "</b></span>");
    char *s = md_of(html);
    CHECK_STR(s, "**deep**\n\n**text**\n");
    free(s);
    free(html);
    html = repeat("<div>", 100000, "a<p>b</p>c", "</div>");
    s = md_of(html);
    CHECK_STR(s, "a\n\nb\n\nc\n");
    free(s);
    free(html);
    html = repeat("<blockquote><ul><li>", 3000, "x", "</li></ul></blockquote>");
    s = md_of(html);
    CHECK(s && strstr(s, "> - > - > - x") && strstr(s, "x\n"));
    free(s);
    free(html);
    html = repeat("<table><tr><td>", 2000, "cell", "</td></tr></table>");
    s = md_of(html);
    CHECK_STR(s, "cell\n");
    free(s);
    free(html);
}

static char *corpus_dir(void)
{
    static const char *const dirs[] = {"../shared/corpus/readability/pages",
                                       "/work/shared/corpus/readability/pages"};
    for (size_t i = 0; i < 2; i++) {
        FILE *f;
        char probe[256];
        snprintf(probe, sizeof probe, "%s/001/source.html", dirs[i]);
        if ((f = fopen(probe, "rb"))) {
            fclose(f);
            return (char *)dirs[i];
        }
    }
    return NULL;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Every corpus page converts (no error, non-empty, ends with one newline, no blank-line runs
 * or trailing spaces other than hard breaks); prints throughput (ASan build: slow). */
TEST(markdown_corpus_smoke)
{
    char pattern[300];
    const char *dir = corpus_dir();
    if (!dir) {
        fprintf(stderr, "markdown_corpus_smoke: corpus not found, skipped\n");
        return;
    }
    snprintf(pattern, sizeof pattern, "%s/*/source.html", dir);
    glob_t g;
    REQUIRE(glob(pattern, 0, NULL, &g) == 0);
    double t_convert = 0;
    size_t total = 0;
    md_options_t opt = {"https://example.com/articles/page.html", false, NULL};
    for (size_t i = 0; i < g.gl_pathc; i++) {
        size_t len;
        char *html = test_read_file(g.gl_pathv[i], &len);
        dom_doc_t *doc = dom_parse(html, len);
        CHECK(doc != NULL);
        buf_t b;
        buf_init(&b, 0);
        double t0 = now_s();
        cinder_err rc = doc ? md_convert(dom_body(doc), &opt, &b) : CINDER_E_PARSE;
        t_convert += now_s() - t0;
        total += len;
        const char *s = buf_str(&b);
        int bad = bad_shape_line(s);
        if (rc || b.len < 2 || s[b.len - 1] != '\n' || s[b.len - 2] == '\n' || bad)
            test_fail(__FILE__, __LINE__, "corpus page %s: rc=%d len=%zu bad line %d",
                      g.gl_pathv[i], rc, b.len, bad);
        buf_cleanup(&b);
        dom_doc_free(doc);
        free(html);
    }
    fprintf(stderr, "markdown_corpus_smoke: %zu pages, %.1f MB, md_convert %.1f MB/s\n", g.gl_pathc,
            (double)total / 1e6, (double)total / 1e6 / t_convert);
    globfree(&g);
}

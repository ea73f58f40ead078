/*
 * Code in markdown: <pre> becomes a fenced block (language from the class,
 * content byte-exact, fence longer than any backtick run inside) and inline
 * <code>/<kbd>/<samp>/<tt> a backtick span. Both collect their text first into
 * the converter's scratch buffer (the fence length depends on all of it).
 */
#include <string.h>
#include <strings.h>

#include "html/md_internal.h"

static bool is_sp(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void scratch_put(md_t *m, const char *s, size_t n)
{
    if (!m->rc)
        m->rc = buf_append(&m->scratch, s, n);
}

/* Appends text with whitespace runs collapsed to one space. */
static void put_collapsed(md_t *m, const char *s, size_t len)
{
    const char *end = s + len;
    while (s < end) {
        const char *w = s;
        while (w < end && !is_sp(*w))
            w++;
        scratch_put(m, s, (size_t)(w - s));
        if (w == end)
            break;
        buf_t *b = &m->scratch;
        if (!b->len || b->data[b->len - 1] != ' ')
            scratch_put(m, " ", 1);
        for (s = w; s < end && is_sp(*s);)
            s++;
    }
}

/* Collects the text under root into m->scratch: verbatim for pre (with <br> and block
 * boundaries as newlines), collapsed for inline code. */
static void collect(md_t *m, const dom_node_t *root, bool pre)
{
    buf_t *b = &m->scratch;
    bool skip = false;
    buf_reset(b);
    for (const dom_node_t *c = root; c && !m->rc; c = dom_walk_next(root, c, skip)) {
        dom_tag t = dom_tag_of(c);
        size_t len;
        skip = false;
        if (t == DOM_TAG_TEXT) {
            const char *s = dom_text(c, &len);
            if (pre)
                scratch_put(m, s, len);
            else
                put_collapsed(m, s, len);
        } else if (t == DOM_TAG_BR) {
            scratch_put(m, pre ? "\n" : " ", 1);
        } else if (t == DOM_TAG_COMMENT || t == DOM_TAG_SCRIPT || t == DOM_TAG_STYLE ||
                   t == DOM_TAG_TEMPLATE) {
            skip = true;
        } else if (c != root && md_is_block(t) && b->len &&
                   b->data[b->len - 1] != (pre ? '\n' : ' ')) {
            scratch_put(m, pre ? "\n" : " ", 1);
        }
    }
}

static size_t longest_run(const char *s, size_t len, char ch)
{
    size_t best = 0, run = 0;
    for (size_t i = 0; i < len; i++) {
        run = s[i] == ch ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

static void put_ticks(md_t *m, size_t n)
{
    static const char ticks[] = "````````````````";
    for (; n > 16; n -= 16)
        md_emit(m, ticks, 16);
    md_emit(m, ticks, n);
}

/* The code span body: newlines become spaces, '|' is escaped inside table cells. */
static void put_span_body(md_t *m, const char *s, size_t len)
{
    const char *run = s, *end = s + len;
    for (; s < end; s++) {
        if (*s != '\n' && !(*s == '|' && m->in_cell))
            continue;
        md_emit(m, run, (size_t)(s - run));
        md_emit(m, *s == '\n' ? " " : "\\|", *s == '\n' ? 1 : 2);
        run = s + 1;
    }
    md_emit(m, run, (size_t)(s - run));
}

/* Writes s as a code span; surrounding whitespace becomes collapsible space outside it. */
static void put_code_span(md_t *m, const char *s, size_t len)
{
    bool lead = false, trail = false;
    while (len && is_sp(*s)) {
        s++;
        len--;
        lead = true;
    }
    while (len && is_sp(s[len - 1])) {
        len--;
        trail = true;
    }
    if (lead)
        md_want_space(m);
    if (!len)
        return;
    size_t ticks = longest_run(s, len, '`') + 1;
    bool pad = s[0] == '`' || s[len - 1] == '`';
    md_flush(m, true);
    put_ticks(m, ticks);
    if (pad)
        md_emit(m, " ", 1);
    put_span_body(m, s, len);
    if (pad)
        md_emit(m, " ", 1);
    put_ticks(m, ticks);
    m->at_line_start = false;
    if (trail)
        md_want_space(m);
}

void md_render_code(md_t *m, const dom_node_t *n)
{
    collect(m, n, false);
    if (!m->rc)
        put_code_span(m, m->scratch.data, m->scratch.len);
}

static bool lang_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("_+#.-", c) != NULL;
}

/* Copies the language name at s (up to the first character that cannot be in one). */
static size_t copy_lang(const char *s, const char *end, char *out, size_t cap)
{
    size_t n = 0;
    while (s < end && n + 1 < cap && lang_char(*s))
        out[n++] = *s++;
    out[n] = '\0';
    return n;
}

/* Finds a language in a class list: language-X, lang-X, highlight-source-X, highlight-X,
 * "brush: X". */
static size_t lang_from_class(const char *s, size_t len, char *out, size_t cap)
{
    static const char *const prefixes[] = {"language-", "lang-", "highlight-source-", "highlight-",
                                           "brush:"};
    const char *end = s + len;
    while (s < end) {
        while (s < end && is_sp(*s))
            s++;
        const char *tok = s;
        while (s < end && !is_sp(*s))
            s++;
        for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
            size_t pl = strlen(prefixes[i]);
            if ((size_t)(s - tok) < pl || strncasecmp(tok, prefixes[i], pl) != 0)
                continue;
            const char *v = tok + pl;
            while (i == 4 && v < end && is_sp(*v))
                v++;
            size_t n = copy_lang(v, end, out, cap);
            if (n)
                return n;
        }
    }
    return 0;
}

static size_t lang_of(const dom_node_t *n, char *out, size_t cap)
{
    static const char *const attrs[] = {"data-lang", "data-language"};
    size_t len, got;
    const char *v = dom_attr(n, "class", &len);
    if (v && (got = lang_from_class(v, len, out, cap)))
        return got;
    for (size_t i = 0; i < 2; i++)
        if ((v = dom_attr(n, attrs[i], &len)) && (got = copy_lang(v, v + len, out, cap)))
            return got;
    return 0;
}

/* The fenced block's language: from the pre, its code child, or the two ancestors that
 * highlighters wrap it in. */
static size_t pre_lang(const dom_node_t *pre, char *out, size_t cap)
{
    size_t n = lang_of(pre, out, cap);
    const dom_node_t *c = dom_first_child(pre);
    while (!n && c && dom_tag_of(c) == DOM_TAG_TEXT)
        c = dom_next(c);
    if (!n && c && dom_tag_of(c) == DOM_TAG_CODE)
        n = lang_of(c, out, cap);
    const dom_node_t *p = pre;
    for (int i = 0; !n && i < 2 && (p = dom_parent(p)) && dom_is_html_element(p); i++) {
        size_t len;
        const char *v = dom_attr(p, "class", &len);
        if (v)
            n = lang_from_class(v, len, out, cap);
    }
    return n;
}

/* The block's lines, each after the line prefix; a final newline belongs to the fence. */
static void put_pre_body(md_t *m, const char *s, size_t len)
{
    const char *end = s + len;
    if (end > s && end[-1] == '\n')
        end--;
    for (;;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl ? nl : end;
        md_emit(m, "\n", 1);
        md_put_line_prefix(m, le == s);
        md_emit(m, s, (size_t)(le - s));
        if (!nl)
            break;
        s = nl + 1;
    }
}

void md_render_pre(md_t *m, const dom_node_t *n)
{
    collect(m, n, true);
    const char *s = m->scratch.data;
    size_t len = m->scratch.len, i = 0;
    while (i < len && is_sp(s[i]))
        i++;
    if (m->rc || i == len)
        return;
    if (m->flat != MD_FLAT_NONE) {
        put_code_span(m, s, len);
        return;
    }
    char lang[33];
    size_t ll = pre_lang(n, lang, sizeof lang);
    size_t ticks = longest_run(s, len, '`') + 1;
    ticks = ticks < 3 ? 3 : ticks;
    md_want_break(m, 2);
    md_flush(m, false);
    put_ticks(m, ticks);
    md_emit(m, lang, ll);
    put_pre_body(m, s, len);
    md_emit(m, "\n", 1);
    md_put_line_prefix(m, false);
    put_ticks(m, ticks);
    m->at_line_start = false;
    md_want_break(m, 2);
}

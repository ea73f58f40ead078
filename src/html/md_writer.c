/*
 * The markdown writer: pending whitespace and block separators, line prefixes,
 * inline markers (opened lazily, kept valid under CommonMark's flanking rules)
 * and text escaping. See md_internal.h for the model.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html/md_internal.h"

/* Byte classes for text: 1 = whitespace or the first byte of a Unicode space, 2 = may need
 * escaping. */
static const unsigned char byte_class[256] = {
    [' '] = 1,  ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\f'] = 1, [0xC2] = 1, [0xE1] = 1,
    [0xE2] = 1, [0xE3] = 1, ['\\'] = 2, ['*'] = 2,  ['_'] = 2,  ['`'] = 2,  ['['] = 2,
    [']'] = 2,  ['<'] = 2,  ['&'] = 2,  ['~'] = 2,  ['|'] = 2,
};

static const char *const mark_text[MD_MK_COUNT] = {"**", "*", "~~", "\"", "["};
static const char *const mark_alt[MD_MK_COUNT] = {"__", "_", "~~", "\"", "["};
static const unsigned char mark_len[MD_MK_COUNT] = {2, 1, 2, 1, 1};

enum { CP_SPACE, CP_PUNCT, CP_WORD };

static bool is_wordc(unsigned char c)
{
    return md_is_alpha(c) || md_is_digit(c) || c >= 0x80;
}

static bool is_punct(unsigned char c)
{
    return c > ' ' && c < 0x7f && !is_wordc(c);
}

/* Length of the Unicode space separator (Zs: U+00A0, U+1680, U+2000-U+200A, U+202F, U+205F,
 * U+3000) at s, or 0. These collapse like ASCII whitespace. */
static size_t uspace_len(const char *s, const char *end)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = (size_t)(end - s);
    if (u[0] == 0xC2)
        return n >= 2 && u[1] == 0xA0 ? 2 : 0;
    if (n < 3)
        return 0;
    if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] <= 0x8A || u[2] == 0xAF))
        return 3;
    if ((u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F) ||
        (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) ||
        (u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80))
        return 3;
    return 0;
}

/* Length of the whitespace (ASCII or Unicode space) at s, or 0. */
static size_t space_len(const char *s, const char *end)
{
    unsigned char c = (unsigned char)*s;
    if (byte_class[c] != 1)
        return 0;
    return c < 0x80 ? 1 : uspace_len(s, end);
}

/* Decodes the UTF-8 character at s (lenient: a bad byte decodes as itself). */
static uint32_t decode(const char *s, const char *end, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = u[0] >= 0xF0 ? 4 : u[0] >= 0xE0 ? 3 : u[0] >= 0xC0 ? 2 : 1;
    if (n > (size_t)(end - s))
        n = 1;
    uint32_t cp = n == 1 ? u[0] : u[0] & (0x3F >> (n - 1));
    for (size_t i = 1; i < n; i++)
        cp = cp << 6 | (u[i] & 0x3F);
    *len = n;
    return cp;
}

/* Whitespace, punctuation (ASCII, Latin-1, general, CJK and fullwidth punctuation) or word:
 * the classes CommonMark's emphasis rules look at. */
static int cp_class(uint32_t cp)
{
    if (cp < 0x80)
        return md_is_ws((unsigned char)cp)   ? CP_SPACE
               : is_punct((unsigned char)cp) ? CP_PUNCT
                                             : CP_WORD;
    if (cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
        cp == 0x205F || cp == 0x3000)
        return CP_SPACE;
    if ((cp >= 0xA1 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2010 && cp <= 0x205E) ||
        (cp >= 0x3001 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
        (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
        (cp >= 0xFF5B && cp <= 0xFF65))
        return CP_PUNCT;
    return CP_WORD;
}

static int class_at(const char *s, const char *end, size_t *len)
{
    return cp_class(decode(s, end, len));
}

/* Class of the character that ends at out->data[pos] (whitespace at the start of our
 * output). */
static int class_before(const md_t *m, size_t pos)
{
    const char *d = m->out->data;
    size_t j, len;
    if (pos <= m->start_len)
        return CP_SPACE;
    j = pos - 1;
    while (j > m->start_len && pos - j < 4 && ((unsigned char)d[j] & 0xC0) == 0x80)
        j--;
    return class_at(d + j, d + pos, &len);
}

/* ---- output ---------------------------------------------------------------------------- */

void md_emit(md_t *m, const char *s, size_t n)
{
    if (!m->rc)
        m->rc = buf_append(m->out, s, n);
    m->markup_end = m->out->len;
}

static void insert_at(md_t *m, size_t at, const char *s, size_t n)
{
    buf_t *o = m->out;
    if (m->rc || (m->rc = buf_reserve(o, n)))
        return;
    memmove(o->data + at + n, o->data + at, o->len - at + 1);
    memcpy(o->data + at, s, n);
    o->len += n;
}

static void remove_at(md_t *m, size_t at, size_t n)
{
    buf_t *o = m->out;
    memmove(o->data + at, o->data + at + n, o->len - at - n + 1);
    o->len -= n;
}

static void put_prefix(md_t *m)
{
    for (int i = 0; i < m->nseg; i++) {
        md_seg_t *s = &m->segs[i];
        if (s->marker_len) {
            md_emit(m, s->marker, s->marker_len);
            s->marker_len = 0;
        } else {
            md_emit(m, s->text, s->len);
        }
    }
    m->need_prefix = false;
    m->at_line_start = true;
}

/* The prefix of a blank line within the first levels: up to the last blockquote's '>'. */
static void put_blank_prefix(md_t *m, int levels)
{
    int last = -1;
    for (int i = 0; i < levels && i < m->nseg; i++)
        if (m->segs[i].text[0] == '>')
            last = i;
    for (int i = 0; i < last; i++)
        md_emit(m, m->segs[i].text, m->segs[i].len);
    if (last >= 0)
        md_emit(m, ">", 1);
}

void md_put_line_prefix(md_t *m, bool blank)
{
    if (blank) {
        put_blank_prefix(m, m->nseg);
        m->need_prefix = false;
    } else {
        put_prefix(m);
    }
}

static void flush_break(md_t *m)
{
    if (m->pending_br) {
        md_emit(m, "<br>", 4);
    } else {
        md_emit(m, m->hard ? "  \n" : "\n", m->hard ? 3 : 1);
        if (m->pending_nl > 1) {
            put_blank_prefix(m, m->pending_depth);
            md_emit(m, "\n", 1);
        }
        m->need_prefix = true;
    }
    m->pending_nl = 0;
    m->pending_br = false;
    m->hard = false;
}

/* ---- inline markers ---------------------------------------------------------------------- */

static const char *mark_str(const md_mark_t *k)
{
    return k->alt ? mark_alt[k->kind] : mark_text[k->kind];
}

static bool is_emphasis(int kind)
{
    return kind <= MD_MK_DEL;
}

/* Writes an inline opener. Special cases: a '!' right before a link's '[' is escaped (it
 * would make an image); an emphasis that reopens right where the same emphasis just closed
 * is merged ("**a****b**" -> "**ab**"); an emphasis opening right after a closing run of
 * three or more '*' uses '_' so the runs do not fuse ("**a *b***_c_"). */
static void open_mark(md_t *m, md_mark_t *k)
{
    buf_t *o = m->out;
    size_t ml = mark_len[k->kind];
    bool after_close = o->len == m->closed_at;
    k->open = true;
    if (k->kind < MD_MK_QUOTE && after_close && m->closed_kind == k->kind) {
        k->alt = m->closed_alt;
        o->len -= ml;
        o->data[o->len] = '\0';
        k->open_at = m->closed_open_at; /* continues the emphasis that just closed */
        m->markup_end = m->closed_markup_end;
        return;
    }
    if (k->kind == MD_MK_LINK && o->len > m->start_len && o->data[o->len - 1] == '!' &&
        (o->len < m->start_len + 2 || o->data[o->len - 2] != '\\')) {
        o->data[o->len - 1] = '\\';
        md_emit(m, "!", 1);
    }
    k->alt = k->kind <= MD_MK_EM && after_close && o->len >= m->start_len + 3 &&
             memcmp(o->data + o->len - 3, "***", 3) == 0;
    md_emit(m, mark_str(k), ml);
    k->open_at = o->len;
}

static void open_marks(md_t *m)
{
    int from = m->first_pending > m->mark_base ? m->first_pending : m->mark_base;
    for (int i = from; i < m->nmark; i++) {
        if (!m->marks[i].open) {
            open_mark(m, &m->marks[i]);
            m->at_line_start = false;
        }
    }
    if (m->first_pending >= m->mark_base)
        m->first_pending = m->nmark;
}

/* True when marks wait to be opened and all of them are emphasis. */
static bool pending_emphasis_only(const md_t *m)
{
    int from = m->first_pending > m->mark_base ? m->first_pending : m->mark_base;
    bool any = false;
    for (int i = from; i < m->nmark; i++) {
        if (m->marks[i].open)
            continue;
        if (!is_emphasis(m->marks[i].kind))
            return false;
        any = true;
    }
    return any;
}

/* Closes the open emphasis before a block boundary; they reopen at the next content. */
static void close_marks(md_t *m)
{
    for (int i = m->nmark - 1; i >= m->mark_base; i--) {
        md_mark_t *k = &m->marks[i];
        if (!k->open || k->kind == MD_MK_LINK)
            continue;
        md_emit(m, mark_str(k), mark_len[k->kind]);
        k->open = false;
        if (i < m->first_pending)
            m->first_pending = i;
    }
}

void md_push_mark(md_t *m, int kind, char *url, const dom_node_t *node)
{
    md_mark_t *k = &m->marks[m->nmark++];
    k->kind = (unsigned char)kind;
    k->open = false;
    k->alt = false;
    k->url = url;
    k->node = node;
}

/* Elements whose rendering starts with markup (punctuation) or a line break. */
static bool starts_with_markup(dom_tag t)
{
    switch (t) {
    case DOM_TAG_A:
    case DOM_TAG_B:
    case DOM_TAG_BR:
    case DOM_TAG_CODE:
    case DOM_TAG_DEL:
    case DOM_TAG_EM:
    case DOM_TAG_I:
    case DOM_TAG_IMG:
    case DOM_TAG_KBD:
    case DOM_TAG_Q:
    case DOM_TAG_S:
    case DOM_TAG_SAMP:
    case DOM_TAG_STRIKE:
    case DOM_TAG_STRONG:
    case DOM_TAG_TT:
        return true;
    default:
        return false;
    }
}

/* Whether the first character rendered after element n is a word character (text glued to
 * the element). Looks a few nodes ahead; a block or line break ends the look. */
static bool next_is_word(const dom_node_t *n)
{
    int steps = 0;
    for (const dom_node_t *c = dom_walk_next(NULL, n, true); c && steps < 16;
         c = dom_walk_next(NULL, c, false), steps++) {
        dom_tag t = dom_tag_of(c);
        size_t len;
        if (t == DOM_TAG_TEXT) {
            const char *s = dom_text(c, &len);
            if (len)
                return class_at(s, s + len, &len) == CP_WORD;
        } else if (md_is_block(t) || md_is_skipped(t) || starts_with_markup(t)) {
            return false;
        }
    }
    return false;
}

/* Start of the run of punctuation at the end of the output, not before floor. */
static size_t punct_run_start(const md_t *m, size_t floor)
{
    const char *d = m->out->data;
    size_t i = m->out->len;
    while (i > floor && class_before(m, i) == CP_PUNCT) {
        i--;
        while (i > floor && ((unsigned char)d[i] & 0xC0) == 0x80)
            i--;
    }
    return i;
}

/* Writes an emphasis closer. When the content ends with punctuation and a word character
 * follows, the closer would not count as one ("**Note:**text"), so it goes before the
 * trailing punctuation written as text ("**Note**:text"); when there is none to go before
 * (the content ends with markup such as a link, or is all punctuation) the emphasis is
 * dropped. */
static void close_emphasis(md_t *m, md_mark_t *k)
{
    const char *mk = mark_str(k);
    size_t ml = mark_len[k->kind];
    m->closed_at = (size_t)-1;
    if (!m->pending_space && !m->pending_nl && class_before(m, m->out->len) == CP_PUNCT &&
        next_is_word(k->node)) {
        size_t floor = k->open_at > m->markup_end ? k->open_at : m->markup_end;
        size_t at = punct_run_start(m, floor);
        m->digits_end = (size_t)-1;
        if (m->rc)
            return;
        if (at < m->out->len && at > k->open_at && class_before(m, at) != CP_SPACE)
            insert_at(m, at, mk, ml);
        else
            remove_at(m, k->open_at - ml, ml);
        m->markup_end = m->out->len;
        return;
    }
    m->closed_markup_end = m->markup_end;
    md_emit(m, mk, ml);
    m->closed_at = m->out->len;
    m->closed_kind = k->kind;
    m->closed_alt = k->alt;
    m->closed_open_at = k->open_at;
}

void md_pop_mark(md_t *m)
{
    md_mark_t *k = &m->marks[--m->nmark];
    if (k->open && k->kind == MD_MK_LINK) {
        md_emit(m, "](", 2);
        md_put_dest(m, k->url);
        md_put_title(m, k->node);
        md_emit(m, ")", 1);
    } else if (k->open && is_emphasis(k->kind)) {
        close_emphasis(m, k);
    } else if (k->open) {
        md_emit(m, mark_str(k), mark_len[k->kind]);
    }
    if (m->first_pending > m->nmark)
        m->first_pending = m->nmark;
    free(k->url);
    k->url = NULL;
}

/* ---- pending whitespace ------------------------------------------------------------------ */

void md_flush(md_t *m, bool marks)
{
    if (m->pending_nl)
        flush_break(m);
    else if (m->pending_space && !m->at_line_start)
        md_emit(m, " ", 1);
    m->pending_space = false;
    if (m->need_prefix)
        put_prefix(m);
    if (m->bm_len) {
        md_emit(m, m->block_marker, m->bm_len);
        m->bm_len = 0;
        m->at_line_start = false;
    }
    if (marks && m->first_pending < m->nmark)
        open_marks(m);
    m->fresh = false;
}

void md_end_heading(md_t *m)
{
    buf_t *o = m->out;
    size_t i = o->len;
    if (m->bm_len || m->rc) {
        m->bm_len = 0; /* nothing was written: the heading marker is dropped */
        return;
    }
    while (i > m->start_len && o->data[i - 1] == '#')
        i--;
    if (i < o->len && i > m->start_len && o->data[i - 1] == ' ')
        insert_at(m, i, "\\", 1);
}

void md_put_raw(md_t *m, const char *s, size_t n)
{
    md_flush(m, false);
    md_emit(m, s, n);
    m->at_line_start = false;
}

void md_want_space(md_t *m)
{
    if (!m->fresh && !m->pending_nl && !m->at_line_start)
        m->pending_space = true;
}

void md_want_break(md_t *m, int n)
{
    if (m->flat == MD_FLAT_SPACE) {
        md_want_space(m);
        return;
    }
    if (m->fresh)
        return;
    m->pending_space = false;
    m->hard = false;
    if (m->flat == MD_FLAT_BR) {
        m->pending_nl = 1;
        m->pending_br = true;
        return;
    }
    if (m->nmark)
        close_marks(m);
    if (!m->pending_nl || m->nseg < m->pending_depth)
        m->pending_depth = m->nseg;
    if (n > m->pending_nl)
        m->pending_nl = n;
}

void md_want_hard_break(md_t *m)
{
    if (m->flat != MD_FLAT_NONE) {
        md_want_break(m, 1);
        return;
    }
    if (m->fresh)
        return;
    if (m->pending_nl) {
        if (m->hard)
            md_want_break(m, 2);
        return;
    }
    m->pending_space = false;
    m->pending_nl = 1;
    m->hard = true;
    m->pending_depth = m->nseg;
}

/* ---- text ------------------------------------------------------------------------------ */

/* "&name;" or "&#123;": text a markdown renderer would decode as an entity. */
static bool looks_like_entity(const char *s, const char *end)
{
    const char *p = s;
    if (p < end && *p == '#')
        p++;
    while (p < end && p - s < 32 &&
           (md_is_alpha((unsigned char)*p) || md_is_digit((unsigned char)*p)))
        p++;
    return p < end && *p == ';' && p > s + (*s == '#');
}

/* Whether the special byte w[i] needs a backslash. p is the write position (the byte before
 * it is the previous output byte); the byte after the word is whitespace unless the word
 * ends the text node, where it is unknown (0) and the safe choice is made. */
static bool needs_escape(const md_t *m, const char *p, const char *w, size_t i, size_t wl,
                         const char *end)
{
    unsigned char c = (unsigned char)w[i];
    unsigned char prev = p > m->out->data ? (unsigned char)p[-1] : ' ';
    unsigned char next = i + 1 < wl ? (unsigned char)w[i + 1] : (w + wl < end ? ' ' : 0);
    switch (c) {
    case '\\':
        return next == 0 || is_punct(next);
    case '*':
    case '~':
        return !(md_is_ws(prev) && next == ' ');
    case '_':
        return !((is_wordc(prev) && is_wordc(next)) || (md_is_ws(prev) && next == ' '));
    case '`':
        return true;
    case '[':
        return m->link_depth > 0;
    case ']':
        return m->link_depth > 0 || next == '(' || next == '[' || next == ':';
    case '<':
        return next == 0 || md_is_alpha(next) || next == '/' || next == '!' || next == '?';
    case '&':
        return looks_like_entity(w + i + 1, w + wl);
    case '|':
        return m->in_cell > 0;
    }
    return false;
}

/* True when the rest of the text is only '-', '=' and whitespace (a setext underline or a
 * thematic break if it started a line). */
static bool only_rule_chars(const char *s, const char *end)
{
    for (; s < end; s++)
        if (*s != '-' && *s != '=' && !md_is_ws((unsigned char)*s))
            return false;
    return true;
}

static bool all_hashes(const char *w, size_t wl)
{
    if (wl > 6)
        return false;
    for (size_t i = 0; i < wl; i++)
        if (w[i] != '#')
            return false;
    return true;
}

static size_t digits(const char *w, size_t wl)
{
    size_t d = 0;
    while (d < wl && md_is_digit((unsigned char)w[d]))
        d++;
    return d;
}

/* At the start of a line, escapes what would begin a block: "# ", "> ", "- ", "+ ", "* ",
 * "1. ", "1) ", "---", "===". Returns how many bytes of w it wrote. */
static size_t escape_line_start(md_t *m, char **pp, const char *w, size_t wl, const char *end)
{
    char *p = *pp;
    unsigned char c = (unsigned char)w[0];
    size_t n = 0, d = digits(w, wl);
    if (c == '>' || ((c == '-' || c == '+' || c == '*') && wl == 1) ||
        (c == '#' && all_hashes(w, wl)) || ((c == '-' || c == '=') && only_rule_chars(w, end))) {
        *p++ = '\\';
        *p++ = (char)c;
        n = 1;
    } else if (d && d <= 9 && d + 1 == wl && (w[d] == '.' || w[d] == ')')) {
        memcpy(p, w, d);
        p += d;
        *p++ = '\\';
        *p++ = w[d];
        n = wl;
    } else if (d == wl && d <= 9 && w + wl == end) {
        m->digits_end = m->out->len + d; /* "1" + "<span>.</span>": see put_range */
    }
    *pp = p;
    return n;
}

/* Writes w[from..to) of a word (no whitespace inside) with markdown escaping; wl and end give
 * the look-ahead. */
static void put_range(md_t *m, const char *w, size_t from, size_t to, size_t wl, const char *end)
{
    if (from == to || m->rc || (m->rc = buf_reserve(m->out, 2 * (to - from) + 2)))
        return;
    char *base = m->out->data;
    char *p = base + m->out->len;
    size_t i = from;
    if (m->out->len == m->digits_end && to - from == 1 && (w[i] == '.' || w[i] == ')'))
        *p++ = '\\';
    if (m->at_line_start) {
        i += escape_line_start(m, &p, w + i, to - i, end);
        m->at_line_start = false;
    }
    for (; i < to; i++) {
        unsigned char c = (unsigned char)w[i];
        if (byte_class[c] == 2 && needs_escape(m, p, w, i, wl, end))
            *p++ = '\\';
        *p++ = (char)c;
    }
    m->out->len = (size_t)(p - base);
    *p = '\0';
}

/* Length of the punctuation that starts w, when emphasis opening here would follow a word
 * character (the opener would not count as one: "on*. x*"); it is written before the opener. */
static size_t flanking_lead(const md_t *m, const char *w, size_t wl)
{
    size_t i = 0, len;
    if (!pending_emphasis_only(m) || class_before(m, m->out->len) != CP_WORD)
        return 0;
    while (i < wl && class_at(w + i, w + wl, &len) == CP_PUNCT)
        i += len;
    return i;
}

/* Writes one word (no whitespace inside); end is the end of the text node, for look-ahead. */
static void put_word(md_t *m, const char *w, size_t wl, const char *end)
{
    size_t lead = 0;
    if (m->pending_nl || m->pending_space || m->need_prefix || m->fresh || m->bm_len)
        md_flush(m, false);
    if (m->first_pending < m->nmark) {
        lead = flanking_lead(m, w, wl);
        put_range(m, w, 0, lead, wl, end);
        if (lead == wl)
            return; /* the markers stay pending until the next word */
        open_marks(m);
    }
    put_range(m, w, lead, wl, wl, end);
}

static const char *word_end(const char *s, const char *end)
{
    while (s < end && !space_len(s, end))
        s++;
    return s;
}

void md_put_text(md_t *m, const char *s, size_t len)
{
    const char *end = s + len;
    while (s < end && !m->rc) {
        const char *w = word_end(s, end);
        if (w > s) {
            put_word(m, s, (size_t)(w - s), end);
            s = w;
            continue;
        }
        for (size_t n; s < end && (n = space_len(s, end));)
            s += n;
        md_want_space(m);
    }
}

void md_put_attr_text(md_t *m, const char *s, size_t len, const char *esc)
{
    const char *end = s + len;
    bool space = false, any = false;
    while (s < end && !m->rc) {
        size_t n = space_len(s, end);
        if (n) {
            s += n;
            space = any;
            continue;
        }
        if (space)
            md_emit(m, " ", 1);
        bool quote = *s == '\\' ? s + 1 == end || is_punct((unsigned char)s[1]) : !!strchr(esc, *s);
        if (quote || (*s == '|' && m->in_cell))
            md_emit(m, "\\", 1);
        md_emit(m, s++, 1);
        space = false;
        any = true;
    }
}

static bool parens_balanced(const char *u)
{
    int depth = 0;
    for (; *u; u++) {
        if (*u == '(')
            depth++;
        else if (*u == ')' && --depth < 0)
            return false;
    }
    return depth == 0;
}

void md_put_dest(md_t *m, const char *u)
{
    static const char hex[] = "0123456789ABCDEF";
    static const bool escaped[256] = {[0 ... ' '] = true, [0x7f] = true, ['<'] = true, ['>'] = true,
                                      ['\\'] = true,      ['|'] = true,  ['`'] = true};
    bool balanced = parens_balanced(u);
    const char *run = u;
    for (; *u; u++) {
        unsigned char c = (unsigned char)*u;
        if (!escaped[c] && (balanced || (c != '(' && c != ')')))
            continue;
        char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
        md_emit(m, run, (size_t)(u - run));
        md_emit(m, esc, 3);
        run = u + 1;
    }
    md_emit(m, run, (size_t)(u - run));
}

void md_put_title(md_t *m, const dom_node_t *n)
{
    size_t len;
    const char *t = dom_attr(n, "title", &len);
    if (t)
        t = md_trim(t, &len);
    if (!t || !len)
        return;
    md_emit(m, " \"", 2);
    md_put_attr_text(m, t, len, "\"\\");
    md_emit(m, "\"", 1);
}

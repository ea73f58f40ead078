/* BM25F ranking and its tokeniser (see rank.h for the formulas). */
#include "dialect/skop/rank.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define K1              1.2
#define B               0.75
#define FIELD_MAX_BYTES (64u << 10)

struct rank {
    size_t nf, nt;
    double w[RANK_MAX_FIELDS];
    char terms[RANK_MAX_TERMS][RANK_TOKEN_MAX + 1];
    size_t ndocs, cap;
    uint32_t *tf;  /* ndocs x nf x nt occurrences */
    uint32_t *len; /* ndocs x nf tokens */
};

/* Sorted for bsearch: function words and the words of a request ("find all documents"). */
static const char *const stop_words[] = {
    "a",         "about",   "all",      "an",     "and",   "any",      "are",      "as",   "at",
    "be",        "by",      "can",      "could",  "do",    "document", "download", "each", "every",
    "fetch",     "file",    "find",     "for",    "from",  "get",      "give",     "has",  "have",
    "i",         "in",      "into",     "is",     "it",    "its",      "link",     "list", "locate",
    "look",      "me",      "my",       "need",   "of",    "on",       "or",       "our",  "please",
    "regarding", "related", "retrieve", "search", "show",  "site",     "some",     "that", "the",
    "their",     "there",   "these",    "this",   "those", "to",       "want",     "was",  "we",
    "website",   "were",    "which",    "will",   "with",  "would",    "you",      "your",
};

static int cmp_word(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_stop(const char *w)
{
    return bsearch(&w, stop_words, sizeof stop_words / sizeof stop_words[0], sizeof stop_words[0],
                   cmp_word) != NULL;
}

static bool ends_with(const char *w, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    return n >= m && memcmp(w + n - m, suffix, m) == 0;
}

/* Plurals only: "policies" -> "policy", "reports" -> "report"; "-ss", "-us", "-is" kept. */
static size_t stem(char *w, size_t n)
{
    if (n > 4 && ends_with(w, n, "ies")) {
        w[n - 3] = 'y';
        return n - 2;
    }
    if (n > 3 && w[n - 1] == 's' && !ends_with(w, n, "ss") && !ends_with(w, n, "us") &&
        !ends_with(w, n, "is"))
        return n - 1;
    return n;
}

static void emit(const char *s, size_t n, rank_token_fn fn, void *ud)
{
    char w[RANK_TOKEN_MAX + 1];
    if (n > RANK_TOKEN_MAX)
        n = RANK_TOKEN_MAX;
    for (size_t i = 0; i < n; i++)
        w[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    for (size_t i = 0; i + 1 < n; i++) { /* Latin-1 capitals U+00C0..U+00DE (not ×) */
        unsigned char c = (unsigned char)w[i + 1];
        if ((unsigned char)w[i] == 0xC3 && c >= 0x80 && c <= 0x9E && c != 0x97)
            w[i + 1] = (char)(c + 0x20);
    }
    w[n] = '\0';
    if (is_stop(w))
        return;
    n = stem(w, n);
    w[n] = '\0';
    if (!is_stop(w))
        fn(w, n, ud);
}

/* Non-ASCII punctuation and spaces: Latin-1 symbols (no-break space, quotes, §), × and ÷,
 * general punctuation (dashes, curly quotes, …), arrows and symbols, CJK punctuation. */
static bool is_punct(uint32_t cp)
{
    return cp < 0xC0 || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x2BFF) ||
           (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
           (cp >= 0xFF00 && cp <= 0xFF0F);
}

/* Decodes the UTF-8 sequence at s (lead byte >= 0x80) into *cp; returns its length (1 for a
 * malformed byte, which then counts as a letter). */
static size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 1;
    if (n == 1 || n > avail) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = s[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    return n;
}

/* Class of the character at text[i] (0: separator, 1: lower-case or non-ASCII letter, 2:
 * upper-case letter, 3: digit); *len receives its length in bytes. */
static int char_class(const char *text, size_t i, size_t max, size_t *len)
{
    unsigned char c = (unsigned char)text[i];
    *len = 1;
    if (c >= 'a' && c <= 'z')
        return 1;
    if (c >= 'A' && c <= 'Z')
        return 2;
    if (c >= '0' && c <= '9')
        return 3;
    if (c < 0x80)
        return 0;
    uint32_t cp;
    size_t avail = strnlen(text + i, max - i < 4 ? max - i : 4);
    *len = utf8_decode((const unsigned char *)text + i, avail, &cp);
    return is_punct(cp) ? 0 : 1;
}

/* A token ends before c when c is a separator, where letters meet digits, and at a lower-case
 * to upper-case change. */
static bool breaks(int prev, int cur)
{
    return cur == 0 || (prev == 3) != (cur == 3) || (prev == 1 && cur == 2);
}

void rank_tokenize(const char *text, size_t max_bytes, rank_token_fn fn, void *ud)
{
    if (!text)
        return;
    size_t start = 0, i = 0, len = 1;
    int prev = 0;
    for (; i < max_bytes && text[i]; i += len) {
        int cur = char_class(text, i, max_bytes, &len);
        if (prev && breaks(prev, cur))
            emit(text + start, i - start, fn, ud);
        if (cur && (!prev || breaks(prev, cur)))
            start = i;
        prev = cur;
    }
    if (i > max_bytes)
        i = max_bytes;
    if (prev)
        emit(text + start, i - start, fn, ud);
}

static void add_term(const char *tok, size_t len, void *ud)
{
    rank_t *r = ud;
    for (size_t i = 0; i < r->nt; i++)
        if (strlen(r->terms[i]) == len && !memcmp(r->terms[i], tok, len))
            return;
    if (r->nt == RANK_MAX_TERMS)
        return;
    memcpy(r->terms[r->nt], tok, len);
    r->terms[r->nt++][len] = '\0';
}

rank_t *rank_new(const char *query, const double *weights, size_t n_fields)
{
    rank_t *r = xcalloc(1, sizeof *r);
    r->nf = n_fields > RANK_MAX_FIELDS ? RANK_MAX_FIELDS : n_fields;
    for (size_t f = 0; f < r->nf; f++)
        r->w[f] = weights[f] > 0 ? weights[f] : 0;
    rank_tokenize(query, FIELD_MAX_BYTES, add_term, r);
    return r;
}

void rank_free(rank_t *r)
{
    if (!r)
        return;
    free(r->tf);
    free(r->len);
    free(r);
}

size_t rank_terms(const rank_t *r)
{
    return r->nt;
}

typedef struct {
    const rank_t *r;
    uint32_t *tf; /* this field's row of nt counts */
    uint32_t *len;
} field_acc_t;

static void count_token(const char *tok, size_t len, void *ud)
{
    field_acc_t *a = ud;
    (*a->len)++;
    for (size_t i = 0; i < a->r->nt; i++)
        if (strlen(a->r->terms[i]) == len && !memcmp(a->r->terms[i], tok, len))
            a->tf[i]++;
}

void rank_add(rank_t *r, const char *const *fields)
{
    if (r->ndocs == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->tf = xrealloc(r->tf, r->cap * r->nf * (r->nt ? r->nt : 1) * sizeof *r->tf);
        r->len = xrealloc(r->len, r->cap * r->nf * sizeof *r->len);
    }
    size_t d = r->ndocs++;
    for (size_t f = 0; f < r->nf; f++) {
        uint32_t *tf = r->tf + (d * r->nf + f) * r->nt;
        memset(tf, 0, r->nt * sizeof *tf);
        r->len[d * r->nf + f] = 0;
        field_acc_t a = {r, tf, &r->len[d * r->nf + f]};
        rank_tokenize(fields[f], FIELD_MAX_BYTES, count_token, &a);
    }
}

/* Weighted, length-normalised frequency of term t in document d (tf~ of rank.h). */
static double weighted_tf(const rank_t *r, size_t d, size_t t, const double *avglen)
{
    double sum = 0;
    for (size_t f = 0; f < r->nf; f++) {
        uint32_t tf = r->tf[(d * r->nf + f) * r->nt + t];
        if (!tf)
            continue;
        double norm = avglen[f] > 0 ? 1 - B + B * r->len[d * r->nf + f] / avglen[f] : 1;
        sum += r->w[f] * tf / norm;
    }
    return sum;
}

static void term_idf(const rank_t *r, double *idf)
{
    for (size_t t = 0; t < r->nt; t++) {
        size_t df = 0;
        for (size_t d = 0; d < r->ndocs; d++)
            for (size_t f = 0; f < r->nf; f++)
                if (r->tf[(d * r->nf + f) * r->nt + t]) {
                    df++;
                    break;
                }
        idf[t] = log(1 + ((double)r->ndocs - (double)df + 0.5) / ((double)df + 0.5));
    }
}

/* Average length of each field over the documents where it is not empty (an empty field is
 * missing information, not a short text: it must not make the others look long). */
static void field_lengths(const rank_t *r, double *avglen)
{
    for (size_t f = 0; f < r->nf; f++) {
        double sum = 0;
        size_t n = 0;
        for (size_t d = 0; d < r->ndocs; d++) {
            sum += r->len[d * r->nf + f];
            n += r->len[d * r->nf + f] > 0;
        }
        avglen[f] = n ? sum / (double)n : 0;
    }
}

void rank_confidence(const rank_t *r, double *out)
{
    double avglen[RANK_MAX_FIELDS] = {0}, idf[RANK_MAX_TERMS], total = 0;
    field_lengths(r, avglen);
    term_idf(r, idf);
    for (size_t t = 0; t < r->nt; t++)
        total += idf[t];
    for (size_t d = 0; d < r->ndocs; d++) {
        double score = 0;
        for (size_t t = 0; t < r->nt; t++) {
            double tf = weighted_tf(r, d, t, avglen);
            score += idf[t] * tf / (K1 + tf);
        }
        out[d] = total > 0 ? score / total : 0;
    }
}

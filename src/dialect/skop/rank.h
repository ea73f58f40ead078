/*
 * rank: lexical relevance of short multi-field texts to a query — BM25F (BM25 over weighted
 * fields), no semantics and no model. Used by document discovery (Skop) to order the documents
 * found against the job's prompt.
 *
 * Tokens: ASCII and Latin-1 letters are lower-cased; tokens are runs of letters (non-ASCII
 * characters count as letters, except punctuation such as dashes, curly quotes and no-break
 * spaces) and digits, also split where letters meet digits ("fy2023" -> fy, 2023) and at a
 * lower-to-upper case change
 * ("AnnualReport" -> annual, report); a small stop-word list (articles, pronouns and request
 * words such as "find", "documents", "files") is dropped; a trivial plural stemmer maps
 * "policies" -> "policy" and "reports" -> "report".
 *
 * Confidence: for query terms t (distinct, at most RANK_MAX_TERMS) and a document d,
 *   tf~(t,d) = sum over fields f of w_f * tf_f(t,d) / (1 - b + b * len_f(d) / avglen_f)
 *   score(d) = sum_t idf(t) * tf~ / (k1 + tf~),   idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))
 *   confidence(d) = score(d) / sum_t idf(t)
 * with k1 = 1.2, b = 0.75, N the number of documents ranked together. Each term's share is at
 * most its idf, so confidence lies in [0, 1): 0 when no query term occurs in the document, near
 * 1 when every query term occurs often in heavily weighted fields. Not thread-safe; one rank_t
 * per ranking.
 */
#ifndef CINDER_JOBS_RANK_H
#define CINDER_JOBS_RANK_H

#include <stddef.h>

#define RANK_MAX_FIELDS 8
#define RANK_MAX_TERMS  32
#define RANK_TOKEN_MAX  48 /* longer tokens are cut to this many bytes */

typedef struct rank rank_t;

/* Receives one token (lower-cased, stemmed, not a stop word; len <= RANK_TOKEN_MAX; tok is not
 * NUL-terminated and valid only during the call). */
typedef void (*rank_token_fn)(const char *tok, size_t len, void *ud);

/* Splits the first max_bytes of text (NUL-terminated; may be NULL) into tokens, in order. */
void rank_tokenize(const char *text, size_t max_bytes, rank_token_fn fn, void *ud);

/* A ranking of documents with n_fields text fields (at most RANK_MAX_FIELDS) weighted by
 * weights[0..n_fields) (copied) against query (its first RANK_MAX_TERMS distinct tokens).
 * Free with rank_free. */
rank_t *rank_new(const char *query, const double *weights, size_t n_fields);

/* Frees a ranking. Accepts NULL. */
void rank_free(rank_t *r);

/* Number of distinct query terms kept (0: every confidence is 0). */
size_t rank_terms(const rank_t *r);

/* Adds a document: fields[0..n_fields) (each may be NULL; only the first 64 KiB of each is
 * read). Documents are numbered in the order added. */
void rank_add(rank_t *r, const char *const *fields);

/* Writes the confidence of every document added (in order) into out[0..count). */
void rank_confidence(const rank_t *r, double *out);

#endif

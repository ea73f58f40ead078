/*
 * One transfer: a copied request, the easy handle driving it, the guard state
 * and the result being filled. Internal to src/fetch. A transfer is created on
 * the submitting thread (transfer_new) and from then on touched only by the
 * fetch thread.
 */
#ifndef CINDER_FETCH_TRANSFER_H
#define CINDER_FETCH_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "fetch/fetcher.h"
#include "fetch/guard.h"

/* Fetcher-wide settings every transfer applies; owned by the fetcher. */
struct fetch_opts {
    bool allow_private;
    const char *user_agent;
    long max_redirects; /* negative: do not follow */
    size_t max_body;
    const struct curl_slist *default_headers;
    const struct curl_slist *resolve; /* host pins, or NULL */
};

struct transfer {
    struct transfer *prev, *next; /* the fetcher's active list */
    CURL *easy;                   /* NULL until started */
    char *url;
    struct curl_slist *headers; /* NULL: the fetcher's default headers */
    long timeout_ms;
    bool skip_tls_verify;
    bool body_too_large;
    bool headers_too_large;
    size_t header_bytes;     /* header bytes of the current response */
    fetch_chunk_cb on_chunk; /* streaming: body pieces go here, not into res->body */
    size_t streamed;         /* bytes handed to on_chunk */
    size_t max_body;
    bool paused;  /* on_chunk asked to pause */
    bool stopped; /* on_chunk asked to stop */
    fetch_done_cb on_done;
    void *ud;
    fetch_result_t *res;
    guard_state_t guard;
    double start_ms;
    char errbuf[CURL_ERROR_SIZE];
};

/* The default request header lines (Accept, Accept-Language); caller frees
 * with curl_slist_free_all. NULL on allocation failure. */
struct curl_slist *transfer_default_headers(void);

/* Copies req into a new transfer (body cap: req->max_body, else o->max_body).
 * CINDER_E_INVALID for a missing url/callback or a malformed header line.
 * Caller owns *out (transfer_free). */
CINDER_MUST_CHECK cinder_err transfer_new(const fetch_request_t *req, const struct fetch_opts *o,
                                          struct transfer **out);

/* Creates an easy handle carrying the options every transfer shares (callbacks,
 * compression, HTTP/2, redirects, user agent, a per-handle cookie engine, no
 * proxy). Handles are reused without curl_easy_reset: transfer_setup sets
 * every per-transfer option each time. NULL on failure; curl_easy_cleanup. */
CURL *transfer_easy_new(const struct fetch_opts *o);

/* Drops per-transfer state from a finished handle (cookies, pointers into
 * the freed transfer) so it can be reused by another transfer. */
void transfer_easy_clear(CURL *easy);

/* Sets t's per-transfer options on easy (from transfer_easy_new) and
 * attaches it: t->easy = easy. */
void transfer_setup(struct transfer *t, CURL *easy, const struct fetch_opts *o);

/* Fills t->res from the finished easy handle and curl's result code. */
void transfer_complete(struct transfer *t, CURLcode rc);

/* Marks t->res failed with e (detail copied, may be NULL); drops the body. */
void transfer_fail(struct transfer *t, cinder_err e, const char *detail);

/* Hands the result to the callback and frees t (t->easy must be detached). */
void transfer_deliver(struct transfer *t);

/* Frees t and its result without calling back. Accepts NULL. */
void transfer_free(struct transfer *t);

/* Monotonic clock in milliseconds. */
double transfer_now_ms(void);

#endif

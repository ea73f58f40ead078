/*
 * The fetcher: one thread driving one libcurl multi handle (HTTP/1.1 and
 * HTTP/2, keep-alive, compression, redirects, timeouts, body caps and the
 * address guard of fetch/guard.h). Requests are submitted from any thread
 * into a bounded queue; results are delivered by a callback on the fetch
 * thread. See the note at the top of fetcher.c for threads and ownership.
 *
 * libcurl global initialisation: fetcher_new() calls curl_global_init() once
 * per process (pthread_once); nothing calls curl_global_cleanup().
 */
#ifndef CINDER_FETCH_FETCHER_H
#define CINDER_FETCH_FETCHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"

typedef struct fetcher fetcher_t;

/* Fetcher settings; a zero field takes its default. */
typedef struct {
    bool allow_private;         /* allow loopback/private/link-local targets */
    const char *user_agent;     /* default FETCHER_DEFAULT_USER_AGENT; copied */
    long max_redirects;         /* default 10; negative: redirects are not followed */
    size_t max_body;            /* default body cap (20 MiB); a request may lower/raise it */
    long max_total_connections; /* default 256 */
    long max_host_connections;  /* default 8 */
    long max_inflight;          /* transfers inside curl at once (those beyond the connection
                                   caps wait inside curl, their timeout running); default
                                   4 * max_total_connections */
    size_t queue_capacity;      /* submissions waiting for an in-flight slot (their timeout
                                   not running yet); default 4096 */
    const char *const *resolve; /* NULL-terminated "HOST:PORT:ADDR" pins (as curl --resolve); the
                                   guard still checks ADDR at connect time */
} fetcher_config_t;

#define FETCHER_DEFAULT_USER_AGENT "cinder/0.1 (+https://github.com/cinder-crawler/cinder)"

typedef struct fetch_result {
    cinder_err err; /* CINDER_OK when an HTTP response arrived (any status, 404 and 500 included) */
    char *error_detail; /* human-readable detail on failure (the host for DNS errors, the
                           refused address, curl's message); may be NULL */
    long status;        /* HTTP status of the final response (0 when none arrived) */
    char *final_url;    /* URL after redirects (the last URL tried on failure); may be NULL */
    char *content_type; /* Content-Type header of the final response, or NULL */
    buf_t body;         /* decompressed body, bytes as received; empty on failure */
    long redirect_count;
    double elapsed_ms;  /* from the start of the transfer (not queue time) to completion */
    long retry_after_s; /* Retry-After of the final response in seconds (either form); 0: none */
    int http_version;   /* 1 (HTTP/1.x), 2 or 3 for the final response; 0 when none arrived */
    /* Content-Length of the final response (also when the body was refused for its size); 0 when
     * none was sent */
    int64_t content_length;
} fetch_result_t;

/* Completion callback: runs on the fetch thread, must not block (it may call
 * fetcher_submit); takes ownership of res (free with fetch_result_free). */
typedef void (*fetch_done_cb)(fetch_result_t *res, void *ud);

/* What a streaming body callback did with a piece of the body. */
typedef enum {
    FETCH_CHUNK_OK,    /* consumed */
    FETCH_CHUNK_PAUSE, /* not consumed: offer it again after fetcher_resume(f, ud) */
    FETCH_CHUNK_STOP,  /* not wanted: end the transfer (result err CINDER_E_DECLINED) */
} fetch_chunk_rc;

/* Streaming body callback: runs on the fetch thread, must not block. */
typedef fetch_chunk_rc (*fetch_chunk_cb)(const char *data, size_t len, void *ud);

typedef struct {
    const char *url;
    const char *const *headers; /* "Name: value" lines; override defaults such as User-Agent */
    size_t n_headers;
    long timeout_ms; /* whole-transfer deadline incl. DNS/connect/redirects; 0 = none */
    bool skip_tls_verify;
    size_t max_body; /* 0 = fetcher default */
    /* optional: the body of a 2xx final response goes here piece by piece (decompressed; max_body
     * still caps the total) instead of into the result's body, so it is never held whole */
    fetch_chunk_cb on_chunk;
    fetch_done_cb on_done;
    void *ud;
} fetch_request_t;

/* Starts the fetch thread with cfg (NULL: all defaults; strings are copied).
 * Returns NULL only if curl or the thread cannot be initialised. Caller frees
 * with fetcher_free. */
fetcher_t *fetcher_new(const fetcher_config_t *cfg);

/* Stops the thread: queued requests and transfers still running complete
 * with CINDER_E_SHUTDOWN (their callbacks fire on the fetch thread before this
 * returns). The fetcher stays valid: later submissions return
 * CINDER_E_SHUTDOWN. Call from one thread, never from a callback; a second
 * call does nothing. Accepts NULL. */
void fetcher_stop(fetcher_t *f);

/* fetcher_stop, then frees everything. Accepts NULL. */
void fetcher_free(fetcher_t *f);

/* Queues a request (copied; the caller may free its strings after the call).
 * Thread-safe, also from a completion callback. Returns CINDER_E_INVALID for a
 * NULL url/on_done or a header line without ':' or with CR/LF, CINDER_E_BUSY
 * when the submission queue is full, CINDER_E_SHUTDOWN once fetcher_stop has
 * started. On success on_done fires exactly once; on failure never. */
CINDER_MUST_CHECK cinder_err fetcher_submit(fetcher_t *f, const fetch_request_t *req);

/* Submits req (its on_done/ud are ignored) and waits for the result; on
 * CINDER_OK *out receives it (caller frees with fetch_result_free; check
 * (*out)->err for the fetch outcome). Returns submission errors as
 * fetcher_submit. Must not be called on the fetch thread. */
CINDER_MUST_CHECK cinder_err fetcher_fetch_sync(fetcher_t *f, const fetch_request_t *req,
                                                fetch_result_t **out);

/* Resumes the streaming transfers with this ud that paused (FETCH_CHUNK_PAUSE): their pending
 * piece is offered again on the fetch thread. Thread-safe; a resume for a transfer that is not
 * paused (or already finished) does nothing. */
void fetcher_resume(fetcher_t *f, void *ud);

/* Frees a result and everything it owns. Accepts NULL. */
void fetch_result_free(fetch_result_t *r);

#endif

/*
 * cinder error codes: one X-macro table generates the enum, the names and the
 * messages. OK is 0; codes are never renumbered or reused. The mapping to HTTP
 * statuses lives in exactly one table, in src/api/errmap.c.
 */
#ifndef CINDER_UTIL_ERROR_H
#define CINDER_UTIL_ERROR_H

#define CINDER_ERRORS(X)                                                                           \
    X(OK, "success")                                                                               \
    X(E_NOMEM, "out of memory")                                                                    \
    X(E_INVALID, "invalid argument")                                                               \
    X(E_TOO_LARGE, "input exceeds its size cap")                                                   \
    X(E_AGAIN, "try again later")                                                                  \
    X(E_DECLINED, "not handled here")                                                              \
    X(E_IO, "input/output error")                                                                  \
    X(E_NOT_FOUND, "not found")                                                                    \
    X(E_BAD_JSON, "malformed JSON")                                                                \
    X(E_BAD_REQUEST, "bad request")                                                                \
    X(E_BODY_TOO_LARGE, "request body too large")                                                  \
    X(E_URL_INVALID, "invalid URL")                                                                \
    X(E_BLOCKED_ADDRESS, "target resolves to a private, loopback or link-local address")           \
    X(E_DNS, "DNS resolution failed")                                                              \
    X(E_TLS, "TLS handshake or certificate error")                                                 \
    X(E_TIMEOUT, "timed out")                                                                      \
    X(E_CONNECT, "could not connect to the site")                                                  \
    X(E_TOO_MANY_REDIRECTS, "too many redirects")                                                  \
    X(E_PAGE_TOO_LARGE, "page exceeds the body size cap")                                          \
    X(E_UNSUPPORTED_FILE, "unsupported content type")                                              \
    X(E_FETCH, "fetch failed")                                                                     \
    X(E_PARSE, "document could not be parsed")                                                     \
    X(E_CHARSET, "text could not be decoded")                                                      \
    X(E_STORE, "storage error")                                                                    \
    X(E_EXPIRED, "job expired")                                                                    \
    X(E_SHUTDOWN, "server shutting down")                                                          \
    X(E_ACTIONS_UNSUPPORTED, "browser actions are not supported")                                  \
    X(E_ALREADY_TERMINAL, "job already in a terminal state")                                       \
    X(E_UNSUPPORTED, "option not supported")                                                       \
    X(E_BUSY, "queue full")                                                                        \
    X(E_UNAUTHORIZED, "missing or invalid API key")                                                \
    X(E_FORBIDDEN, "API key not permitted")                                                        \
    X(E_KEY_INVALID, "unknown or revoked API key")                                                 \
    X(E_NOT_IMPLEMENTED, "not implemented by this server")                                         \
    X(E_NO_CREDITS, "insufficient credits")                                                        \
    X(E_RATE_LIMITED, "rate limit exceeded")                                                       \
    X(E_CONFLICT, "conflicts with an earlier request")

typedef enum {
#define CINDER_ERR_ENUM(name, msg) CINDER_##name,
    CINDER_ERRORS(CINDER_ERR_ENUM)
#undef CINDER_ERR_ENUM
        CINDER_ERR_COUNT
} cinder_err;

/* Returns the enum name without prefix ("E_TIMEOUT"); static storage. */
const char *cinder_err_name(cinder_err e);

/* Returns a human-readable message; static storage. */
const char *cinder_strerror(cinder_err e);

#if defined(__GNUC__)
#define CINDER_MUST_CHECK __attribute__((warn_unused_result))
#else
#define CINDER_MUST_CHECK
#endif

#endif

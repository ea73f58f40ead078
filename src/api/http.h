/*
 * http: the request/response interface handlers see, over libmicrohttpd.
 *
 * A handler either replies at once (api_reply*) or calls api_defer() and
 * replies later from any thread; the connection is suspended meanwhile, so a
 * waiting request holds no thread. Exactly one reply per request. After the
 * reply the request belongs to the server again: do not touch it.
 */
#ifndef CINDER_API_HTTP_H
#define CINDER_API_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

typedef struct api_req api_req_t;
typedef struct api_app api_app_t; /* the application context handlers receive (api/app.h) */

/* Request line and body. Strings belong to the request. */
const char *api_method(const api_req_t *r);
const char *api_path(const api_req_t *r);
const char *api_body(const api_req_t *r, size_t *len);
/* A request header (case-insensitive) or NULL. */
const char *api_header(api_req_t *r, const char *name);
/* A query-string argument or NULL. */
const char *api_query(api_req_t *r, const char *name);
/* Reads integer query argument name into *out when present and within [min, max]; returns false
 * when it is present but malformed or out of range (*out unchanged when absent). */
bool api_query_long(api_req_t *r, const char *name, long min, long max, long *out);
/* The request id (also sent back as X-Request-Id). */
const char *api_request_id(const api_req_t *r);
/* The application context. */
api_app_t *api_app(const api_req_t *r);
/* The team the request's API key belongs to ("" when the server runs open). Owned by r. */
const char *api_team(const api_req_t *r);
/* True when team (a job's owner) is the request's team: other teams' jobs must answer 404. */
bool api_owns(const api_req_t *r, const char *team);
/* Route parameter i (":id" segments, in order) or NULL. */
const char *api_param(const api_req_t *r, int i);

/* Replies with a JSON body; takes the reference to body. */
void api_reply_json(api_req_t *r, unsigned status, json_t *body);
/* Replies with bytes (copied) and a content type. */
void api_reply_text(api_req_t *r, unsigned status, const char *content_type, const char *text,
                    size_t len);
/* Adds a response header to the coming reply (call before replying; copied). */
void api_add_header(api_req_t *r, const char *name, const char *value);

/* Declares that the reply will come later, possibly from another thread. */
void api_defer(api_req_t *r);

#endif

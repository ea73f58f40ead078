/*
 * firecrawl_webhook: reads Firecrawl's `webhook` request key (crawl and batch scrape) into a
 * job's webhook configuration.
 */
#ifndef CINDER_API_FIRECRAWL_WEBHOOK_H
#define CINDER_API_FIRECRAWL_WEBHOOK_H

#include <stdbool.h>

#include <jansson.h>

#include "api/params.h"
#include "jobs/webhook_event.h"

/* Parses v, a receiver URL string or {url, headers, metadata, events}, into w (zeroed by the
 * caller; webhook_cfg_cleanup frees it). Problems are issues naming webhook or webhook.<key>:
 * url not http(s), headers not an object of strings (or a name that is no HTTP token, a value
 * with CR or LF, a header cinder sets itself), metadata not an object, an unknown event name.
 * Unless allow_private, the receiver's host is resolved and refused when it cannot be resolved
 * or one of its addresses is private, loopback or link-local. */
void fc_webhook_parse(json_t *v, bool allow_private, webhook_cfg_t *w, params_report_t *rep);

#endif

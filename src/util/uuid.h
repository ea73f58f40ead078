/* Random (version 4) UUIDs for job and scrape ids. */
#ifndef CINDER_UTIL_UUID_H
#define CINDER_UTIL_UUID_H

#include <stdbool.h>

#define UUID_STR_LEN 37 /* 36 characters + NUL */

/* Writes a new random UUID ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx") into out. */
void uuid_generate_v4(char out[UUID_STR_LEN]);

/* True when s is a UUID in canonical 8-4-4-4-12 hex form (any version, either case). */
bool uuid_is_valid(const char *s);

#endif

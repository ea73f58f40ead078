/* Time helpers: monotonic and wall clocks in milliseconds, ISO-8601 formatting. */
#ifndef CINDER_UTIL_CLOCK_H
#define CINDER_UTIL_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds from a monotonic clock (for durations and deadlines). */
int64_t clock_mono_ms(void);

/* Microseconds from a monotonic clock. */
int64_t clock_mono_us(void);

/* Milliseconds since the Unix epoch (wall clock, for stored timestamps). */
int64_t clock_wall_ms(void);

/* Formats epoch milliseconds as "2025-08-25T10:00:00.000Z" into out (>= 25 bytes). */
void clock_iso8601(int64_t epoch_ms, char *out, size_t outlen);

#endif

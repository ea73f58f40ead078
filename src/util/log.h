/*
 * Logging to stderr, one line per call, safe from any thread (each line is
 * written with a single write()). Format: ISO time, level, message.
 */
#ifndef CINDER_UTIL_LOG_H
#define CINDER_UTIL_LOG_H

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_QUIET } log_level;

/* Sets the minimum level printed (default LOG_INFO). */
void log_set_level(log_level lvl);

/* Logs one line at the given level. */
void log_msg(log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif

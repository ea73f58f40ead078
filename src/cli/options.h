/*
 * options: one declarative table per command drives argument parsing,
 * environment overrides (CINDER_*), defaults and --help text.
 */
#ifndef CINDER_CLI_OPTIONS_H
#define CINDER_CLI_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include "util/error.h"

typedef enum {
    OPT_STR,      /* const char * */
    OPT_INT,      /* long */
    OPT_FLAG,     /* bool; no argument */
    OPT_SIZE,     /* size_t; "20MB", "512KiB", "1048576" */
    OPT_DURATION, /* long long milliseconds; "24h", "30m", "90s", "1500ms", bare = seconds */
    OPT_LIST,     /* appends to a NULL-terminated const char *[OPT_LIST_MAX] */
} opt_type;

#define OPT_LIST_MAX 64

typedef struct {
    const char *name; /* long name without "--" */
    char short_name;  /* 0 if none */
    const char *env;  /* environment variable or NULL */
    opt_type type;
    size_t offset;       /* offsetof into the command's config struct */
    const char *def;     /* default as text, or NULL */
    const char *metavar; /* shown in help ("N", "DIR") */
    const char *help;
} opt_def_t;

/* Applies defaults, then environment variables, then argv (argv[0] is the command name).
 * Positional arguments are collected into pos (up to max_pos). Prints a clear message on
 * stderr and returns CINDER_E_INVALID on bad input; returns CINDER_E_DECLINED when --help
 * was asked for (help already printed to stdout). */
CINDER_MUST_CHECK cinder_err opts_parse(const opt_def_t *defs, void *cfg, int argc, char **argv,
                                        const char *usage, const char **pos, int max_pos,
                                        int *npos);

/* Prints usage and the option table. */
void opts_help(FILE *out, const char *usage, const opt_def_t *defs);

/* Parses a size ("20MB", "1MiB", "512k", "1000"); CINDER_E_INVALID if malformed. */
CINDER_MUST_CHECK cinder_err opts_parse_size(const char *s, size_t *out);

/* Parses a duration into milliseconds ("24h", "30m", "90s", "250ms", bare seconds). */
CINDER_MUST_CHECK cinder_err opts_parse_duration(const char *s, long long *out_ms);

#endif

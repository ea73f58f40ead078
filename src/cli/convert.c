/* cinder convert FILE...: local HTML files through the same pipeline as scrapes. */
#include <errno.h>
#include <libgen.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "html/pipeline.h"
#include "util/buf.h"

#define MAX_INPUT (256u << 20)

typedef struct {
    bool no_main;
    const char *base;
    const char *outdir;
    const char *format;
} convert_cfg_t;

#define F(x) offsetof(convert_cfg_t, x)
static const opt_def_t convert_opts[] = {
    {"no-main", 0, NULL, OPT_FLAG, F(no_main), NULL, NULL,
     "convert the whole page instead of only its main content"},
    {"base", 'b', NULL, OPT_STR, F(base), NULL, "URL",
     "URL the files came from (links and images are made absolute against it)"},
    {"output", 'o', NULL, OPT_STR, F(outdir), NULL, "DIR",
     "write one NAME.md per input into DIR instead of stdout"},
    {"format", 'f', NULL, OPT_STR, F(format), "markdown", "FORMAT",
     "markdown, html (cleaned) or json (the whole document)"},
    {NULL, 0, NULL, 0, 0, NULL, NULL, NULL},
};
#undef F

static const char usage[] =
    "usage: cinder convert [OPTIONS] FILE...\n\n"
    "Converts local HTML files to markdown with the scrape pipeline (main-content extraction "
    "on unless --no-main; charset from the file's <meta> or BOM).";

static cinder_err read_file(const char *path, buf_t *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return CINDER_E_IO;
    char chunk[65536];
    size_t n;
    cinder_err rc = CINDER_OK;
    while (!rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = buf_append(out, chunk, n);
    if (!rc && ferror(f))
        rc = CINDER_E_IO;
    fclose(f);
    return rc;
}

static char *output_path(const char *dir, const char *input, const char *ext)
{
    char *copy = strdup(input);
    char *name = basename(copy);
    char *dot = strrchr(name, '.');
    if (dot && dot != name)
        *dot = '\0';
    size_t n = strlen(dir) + strlen(name) + strlen(ext) + 3;
    char *out = malloc(n);
    snprintf(out, n, "%s/%s%s", dir, name, ext);
    free(copy);
    return out;
}

static cinder_err emit(const convert_cfg_t *cfg, const char *input, json_t *doc)
{
    bool json = !strcmp(cfg->format, "json");
    char *text = json ? json_dumps(doc, JSON_INDENT(2)) : NULL;
    const char *s = json ? text : json_string_value(json_object_get(doc, cfg->format));
    if (!s)
        s = "";
    FILE *out = stdout;
    char *path = NULL;
    if (cfg->outdir) {
        path = output_path(cfg->outdir, input,
                           json                           ? ".json"
                           : !strcmp(cfg->format, "html") ? ".html"
                                                          : ".md");
        out = fopen(path, "wb");
    }
    cinder_err rc = out ? CINDER_OK : CINDER_E_IO;
    if (out) {
        fputs(s, out);
        if (*s && s[strlen(s) - 1] != '\n')
            fputc('\n', out);
        if (out != stdout && fclose(out) != 0)
            rc = CINDER_E_IO;
    }
    if (rc)
        fprintf(stderr, "cinder convert: cannot write %s: %s\n", path, strerror(errno));
    free(path);
    free(text);
    return rc;
}

static cinder_err convert_one(const convert_cfg_t *cfg, const char *path)
{
    buf_t body;
    buf_init(&body, MAX_INPUT);
    json_t *doc = NULL;
    cinder_err rc = read_file(path, &body);
    if (rc) {
        fprintf(stderr, "cinder convert: cannot read %s: %s\n", path,
                rc == CINDER_E_TOO_LARGE ? "larger than 256 MiB" : strerror(errno));
        goto out;
    }
    pipeline_opts_t po = {0};
    po.formats = !strcmp(cfg->format, "html") ? PIPE_FMT_HTML : PIPE_FMT_MARKDOWN;
    if (!strcmp(cfg->format, "json"))
        po.formats = PIPE_FMT_MARKDOWN | PIPE_FMT_LINKS;
    po.only_main_content = !cfg->no_main;
    pipeline_input_t in = {cfg->base, cfg->base, 0, "text/html", buf_str(&body), body.len};
    rc = pipeline_run(&in, &po, &doc);
    if (rc)
        fprintf(stderr, "cinder convert: %s: %s\n", path, cinder_strerror(rc));
    else
        rc = emit(cfg, path, doc);
out:
    json_decref(doc);
    buf_cleanup(&body);
    return rc;
}

int cmd_convert(int argc, char **argv)
{
    convert_cfg_t cfg = {0};
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    int nfiles = 0, failed = 0;
    cinder_err rc = opts_parse(convert_opts, &cfg, argc, argv, usage, files, argc, &nfiles);
    if (rc) {
        free(files);
        return rc == CINDER_E_DECLINED ? 0 : 2;
    }
    bool fmt_ok = !strcmp(cfg.format, "markdown") || !strcmp(cfg.format, "html") ||
                  !strcmp(cfg.format, "json");
    if (!nfiles || !fmt_ok) {
        fprintf(stderr, "%s\n", fmt_ok ? usage : "cinder convert: unknown --format");
        free(files);
        return 2;
    }
    if (cfg.outdir && mkdir(cfg.outdir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "cinder convert: cannot create %s: %s\n", cfg.outdir, strerror(errno));
        free(files);
        return 1;
    }
    for (int i = 0; i < nfiles; i++)
        failed += convert_one(&cfg, files[i]) != CINDER_OK;
    free(files);
    return failed ? 1 : 0;
}

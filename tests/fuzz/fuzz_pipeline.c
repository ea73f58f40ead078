/* Fuzz target: arbitrary bytes as an HTML page through the whole content pipeline. The first
 * byte picks options (main content, formats, content type). */
#include <stdint.h>
#include <stdlib.h>

#include "html/pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const types[] = {"text/html",
                                        "text/html; charset=shift_jis",
                                        "application/json",
                                        "text/plain",
                                        NULL,
                                        "text/html; charset=utf-16le",
                                        "application/xml",
                                        "text/html; charset=windows-1252"};
    uint8_t sel = size ? data[0] : 0;
    pipeline_opts_t o = {0};
    o.formats = PIPE_FMT_MARKDOWN | PIPE_FMT_HTML | PIPE_FMT_LINKS | PIPE_FMT_IMAGES;
    o.only_main_content = sel & 1;
    o.keep_base64_images = sel & 2;
    static const char *const inc[] = {"article, main > p", "div.content"};
    if (sel & 4) {
        o.include_tags = inc;
        o.n_include = 2;
    }
    pipeline_input_t in = {
        "https://fuzz.example/a/b.html", "https://fuzz.example/a/b.html",     200,
        types[(sel >> 3) & 7],           (const char *)data + (size ? 1 : 0), size ? size - 1 : 0};
    json_t *doc = NULL;
    if (pipeline_run(&in, &o, &doc) == CINDER_OK)
        json_decref(doc);
    return 0;
}

/* Fuzz target: the page parsers added for the job dialects — heading chunks (Trieve), anchors
 * with their context (Skop) and the BM25 tokenizer/ranking over the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html/anchors.h"
#include "html/chunk.h"
#include "dialect/skop/rank.h"

static void rank_bytes(const char *s)
{
    static const double w[2] = {2.0, 1.0};
    rank_t *r = rank_new(s, w, 2);
    const char *first[2] = {s, "annual report budget"};
    const char *second[2] = {"annual report budget", s};
    rank_add(r, first);
    rank_add(r, second);
    double out[2];
    rank_confidence(r, out);
    rank_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    static const char *const rm[] = {"Edit", "#"};
    chunk_opts_t o = {rm, 2, rm + 1, 1, 50};
    chunk_t *c = NULL;
    size_t n = 0;
    if (chunk_split(s, size, &o, &c, &n) == CINDER_OK)
        chunks_free(c, n);
    anchor_list_t l = {0};
    if (anchors_extract(s, size, "https://example.com/dir/page.html", 200, &l) == CINDER_OK)
        rank_bytes(l.title);
    anchor_list_cleanup(&l);
    rank_bytes(s);
    free(s);
    return 0;
}

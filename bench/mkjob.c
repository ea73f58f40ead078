/*
 * bench-mkjob DATA_DIR N: writes a completed v1 crawl job with N documents into the store in
 * DATA_DIR through the store API (the same admission, claim and group-commit path the crawler
 * uses), so the status benchmark can read a large job without crawling one first. Each
 * document is a Firecrawl document of about 4 KB of markdown. Prints the job id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/items.h"
#include "model/job.h"
#include "store/store_jobs.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/uuid.h"

#define BATCH 500

/* A Firecrawl document of about 4 KB for page n. */
static cinder_err make_doc(buf_t *b, int64_t n)
{
    buf_reset(b);
    cinder_err rc = buf_printf(b, "{\"markdown\":\"# Page %lld\\n\\n", (long long)n);
    for (int p = 0; p < 12 && !rc; p++)
        rc = buf_printf(b,
                        "Paragraph %d of page %lld explains one part of the documentation in "
                        "enough words to look like real prose, with a [link](https://docs.example."
                        "com/p/%lld) and `code`.\\n\\n",
                        p, (long long)n, (long long)(n * 7 + p) % 50000);
    if (!rc)
        rc = buf_printf(b,
                        "\",\"metadata\":{\"title\":\"Page %lld\",\"sourceURL\":\"https://docs."
                        "example.com/p/%lld\",\"url\":\"https://docs.example.com/p/%lld\","
                        "\"statusCode\":200,\"contentType\":\"text/html\"}}",
                        (long long)n, (long long)n, (long long)n);
    return rc;
}

/* Offers n URLs in batches, as a crawl's link discovery would. */
static int admit(store_t *st, const char *id, int64_t n)
{
    static char url[BATCH][64], key[BATCH][64];
    model_item_new_t its[BATCH];
    for (int64_t i = 0; i < n; i += BATCH) {
        size_t k = 0;
        for (; k < BATCH && i + (int64_t)k < n; k++) {
            snprintf(url[k], sizeof url[k], "https://docs.example.com/p/%lld", (long long)(i + k));
            snprintf(key[k], sizeof key[k], "docs.example.com/p/%lld", (long long)(i + k));
            its[k] = (model_item_new_t){url[k], key[k], 1, NULL};
        }
        if (model_items_add(st, id, its, k, n, clock_wall_ms(), NULL))
            return 1;
    }
    return 0;
}

static int fill(store_t *st, const char *id, int64_t n)
{
    if (admit(st, id, n))
        return 1;
    buf_t doc;
    buf_init(&doc, 1u << 20);
    store_item_t items[BATCH];
    model_item_result_t res[BATCH];
    char *docs[BATCH];
    size_t got = 0;
    int rc = 0;
    while (!rc && !model_items_claim(st, id, BATCH, clock_wall_ms(), items, &got) && got) {
        for (size_t i = 0; i < got; i++) {
            rc |= make_doc(&doc, items[i].seq) != CINDER_OK;
            docs[i] = buf_steal(&doc);
            res[i] = (model_item_result_t){.seq = items[i].seq,
                                           .status = ITEM_SUCCEEDED,
                                           .http_status = 200,
                                           .doc = docs[i],
                                           .doc_len = strlen(docs[i])};
        }
        rc = model_items_finish(st, id, res, got, n, clock_wall_ms()) != CINDER_OK;
        for (size_t i = 0; i < got; i++) {
            free(docs[i]);
            store_item_cleanup(&items[i]);
        }
    }
    buf_cleanup(&doc);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 3 || atoll(argv[2]) <= 0) {
        fprintf(stderr, "usage: bench-mkjob DATA_DIR N\n");
        return 2;
    }
    int64_t n = atoll(argv[2]);
    store_t *st = NULL;
    if (store_open(argv[1], &st))
        return 1;
    store_job_t job = {0};
    uuid_generate_v4(job.id);
    job.kind = JOB_KIND_CRAWL;
    job.status = JOB_RUNNING;
    job.api_version = 1;
    job.created_ms = clock_wall_ms();
    job.expires_ms = job.created_ms + 24LL * 3600 * 1000;
    job.url = "https://docs.example.com/";
    job.options = "{\"url\":\"https://docs.example.com/\",\"limit\":1000000}";
    int rc = model_job_create(st, &job) || fill(st, job.id, n);
    store_job_t done;
    if (!rc && !store_job_get(st, job.id, &done)) {
        done.status = JOB_COMPLETED;
        done.finished_ms = clock_wall_ms();
        rc = model_job_finish(st, &done) != CINDER_OK;
        store_job_cleanup(&done);
    }
    store_close(st);
    if (!rc)
        printf("%s\n", job.id);
    return rc;
}

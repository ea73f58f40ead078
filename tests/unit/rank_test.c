#include "test.h"

#include <math.h>
#include <stdlib.h>

#include "dialect/skop/rank.h"
#include "util/buf.h"

static void join_token(const char *tok, size_t len, void *ud)
{
    buf_t *b = ud;
    if (b->len && buf_putc(b, ' ') != CINDER_OK)
        return;
    if (buf_append(b, tok, len) != CINDER_OK)
        return;
}

/* The tokens of text joined with spaces (caller frees). */
static char *tokens(const char *text)
{
    buf_t b;
    buf_init(&b, 0);
    rank_tokenize(text, 1u << 20, join_token, &b);
    return buf_steal(&b);
}

static void check_tokens(const char *text, const char *want)
{
    char *got = tokens(text);
    CHECK_STR(got, want);
    free(got);
}

TEST(tokenizer_splits_lowercases_and_stems)
{
    check_tokens("Annual Report 2023 (PDF, 2.1 MB)", "annual report 2023 pdf 2 1 mb");
    check_tokens("annual_report-FY2023.pdf", "annual report fy 2023 pdf");
    check_tokens("AnnualReport2023.docx", "annual report 2023 docx");
    check_tokens("Policies and procedures for the budgets", "policy procedure budget");
    check_tokens("status analysis class", "status analysis class");
    check_tokens("Café menu – été «Ünïcödé» “quoted”\xc2\xa0nbsp…end",
                 "café menu été ünïcödé quoted nbsp end");
    check_tokens("bad \xff\xfe bytes \xe2\x80", "bad \xff\xfe byte \xe2\x80");
    check_tokens("", "");
    check_tokens("  ,;  ", "");
}

TEST(tokenizer_drops_stop_words_and_request_words)
{
    check_tokens("Find all the documents and files about a site", "");
    /* every word of the (bsearch-ed, so sorted) list */
    check_tokens(
        "a about all an and any are as at be by can could do document download each every fetch "
        "file find for from get give has have i in into is it its link list locate look me my need "
        "of on or our please regarding related retrieve search show site some that the their there "
        "these this those to want was we website were which will with would you your",
        "");
    check_tokens("Please find the PDF documents with meeting minutes", "pdf meeting minute");
}

TEST(tokenizer_caps_long_tokens_and_input)
{
    char longword[200];
    memset(longword, 'x', sizeof longword - 1);
    longword[sizeof longword - 1] = '\0';
    char *got = tokens(longword);
    CHECK_INT(strlen(got), RANK_TOKEN_MAX);
    free(got);
    buf_t b;
    buf_init(&b, 0);
    rank_tokenize("alpha beta gamma", 10, join_token, &b);
    CHECK_STR(buf_str(&b), "alpha beta");
    buf_cleanup(&b);
}

enum { F_TEXT, F_CONTEXT, F_NAME, F_TITLE, NF };
static const double weights[NF] = {3.0, 1.0, 2.0, 0.5};

/* Ranks docs (NF fields each) against query; writes the confidences. */
static void run(const char *query, const char *const (*docs)[NF], size_t n, double *out)
{
    rank_t *r = rank_new(query, weights, NF);
    for (size_t i = 0; i < n; i++)
        rank_add(r, docs[i]);
    rank_confidence(r, out);
    rank_free(r);
}

TEST(matching_document_ranks_first)
{
    const char *const docs[][NF] = {
        {"Meeting minutes, March", "Council meeting minutes", "minutes-2023-03.pdf", "Council"},
        {"Annual financial report 2023", "Our audited accounts", "annual-report-2023.pdf",
         "Reports"},
        {"Annual report 2022", "Previous year", "annual-report-2022.pdf", "Reports"},
        {"Parking permit form", "Apply for a permit", "permit.docx", "Forms"},
    };
    double c[4];
    run("Find the annual financial report for 2023", docs, 4, c);
    CHECK(c[1] > c[2]);
    CHECK(c[2] > c[0]); /* two terms (annual, report) beat one (2023 in the file name) */
    CHECK(c[0] > 0);
    CHECK(c[3] == 0);
    CHECK(c[1] > 0.5 && c[1] < 1.0);
}

TEST(field_weights_order_link_text_over_context)
{
    const char *const docs[][NF] = {
        {"budget", "", "a.pdf", ""},
        {"appendix", "the budget", "b.pdf", ""},
        {"appendix", "", "budget.pdf", ""},
        {"appendix", "", "c.pdf", "budget"},
    };
    double c[4];
    run("budget", docs, 4, c);
    CHECK(c[0] > c[2]); /* link text (3) > file name (2) */
    CHECK(c[2] > c[1]); /* file name (2) > context (1) */
    CHECK(c[1] > c[3]); /* context (1) > page title (0.5) */
    CHECK(c[3] > 0);
}

TEST(rare_terms_weigh_more_and_repeats_saturate)
{
    const char *const docs[][NF] = {
        {"transport plan", "", "", ""},
        {"transport budget", "", "", ""},
        {"transport report", "", "", ""},
        {"transport transport transport transport", "", "", ""},
    };
    double c[4];
    run("transport budget", docs, 4, c);
    CHECK(c[1] > c[0]); /* budget is rare: it lifts document 1 */
    CHECK(c[3] > c[0]); /* more occurrences score more ... */
    CHECK(c[3] < c[1]); /* ... but never make up for a missing term */
    CHECK(fabs(c[0] - c[2]) < 1e-12);
}

TEST(confidence_is_zero_without_terms_and_below_one)
{
    const char *const docs[][NF] = {
        {"annual report", "annual report", "annual-report.pdf", "annual report"}};
    double c[1];
    run("find all documents", docs, 1, c);
    CHECK(c[0] == 0);
    rank_t *r = rank_new("find all documents", weights, NF);
    CHECK_INT(rank_terms(r), 0);
    rank_free(r);
    run("annual report", docs, 1, c);
    CHECK(c[0] > 0.8 && c[0] < 1.0);
}

TEST(null_fields_and_many_documents)
{
    rank_t *r = rank_new("water quality", weights, NF);
    CHECK_INT(rank_terms(r), 2);
    const char *const none[NF] = {NULL, NULL, NULL, NULL};
    const char *const hit[NF] = {"Water quality report", NULL, NULL, NULL};
    for (int i = 0; i < 100; i++)
        rank_add(r, i == 57 ? hit : none);
    double c[100];
    rank_confidence(r, c);
    for (int i = 0; i < 100; i++)
        CHECK(i == 57 ? c[i] > 0.5 : c[i] == 0);
    rank_free(r);
}

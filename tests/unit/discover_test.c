#include "test.h"

#include <stdlib.h>

#include "dialect/skop/discover.h"

TEST(document_types_by_extension_and_mime)
{
    CHECK_STR(discover_type_of_url("https://x.org/a/Report.PDF"), "pdf");
    CHECK_STR(discover_type_of_url("https://x.org/a/b.docx?v=2#p"), "docx");
    CHECK_STR(discover_type_of_url("https://x.org/sheet.xlsx"), "xlsx");
    CHECK_STR(discover_type_of_url("https://x.org/deck.ppt"), "ppt");
    CHECK(discover_type_of_url("https://x.org/a.pdf/") == NULL);
    CHECK(discover_type_of_url("https://x.org/page.html?f=a.pdf") == NULL);
    CHECK(discover_type_of_url("https://x.pdf") == NULL);
    CHECK(discover_type_of_url("https://x.org/download") == NULL);
    CHECK_STR(discover_type_of_mime("application/pdf"), "pdf");
    CHECK_STR(discover_type_of_mime(" Application/PDF; name=x"), "pdf");
    CHECK_STR(discover_type_of_mime("application/vnd.openxmlformats-officedocument."
                                    "wordprocessingml.document"),
              "docx");
    CHECK_STR(discover_type_of_mime("application/vnd.ms-excel"), "xls");
    CHECK(discover_type_of_mime("text/html") == NULL);
    CHECK(discover_type_of_mime("application/pdfx") == NULL);
    CHECK(discover_type_of_mime(NULL) == NULL);
    CHECK(discover_url_looks_like_page("https://x.org/about.html"));
    CHECK(discover_url_looks_like_page("https://x.org/logo.png?x"));
    CHECK(!discover_url_looks_like_page("https://x.org/download/17"));
    CHECK(!discover_url_looks_like_page("https://x.org/a.pdf"));
    CHECK(!discover_url_looks_like_page("https://x.org/"));
}

static json_t *rec(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    if (!j)
        test_fail(__FILE__, __LINE__, "bad JSON: %s", err.text);
    return j;
}

TEST(merge_by_url_and_rank)
{
    json_t *r[4];
    r[0] = rec("{\"kind\":\"page\",\"url\":\"https://x.org/\",\"title\":\"Home\",\"foundAt\":5,"
               "\"documentLinks\":[{\"url\":\"https://x.org/minutes.pdf\",\"text\":\"Minutes\","
               "\"context\":\"Council meeting\"},{\"url\":\"https://x.org/Annual%20Report.pdf\","
               "\"text\":\"Annual report\",\"context\":\"Finance\"}],"
               "\"links\":[{\"url\":\"https://x.org/get/7\",\"text\":\"Transport budget\","
               "\"context\":\"Spending plans\"},{\"url\":\"https://x.org/get/8\",\"text\":\"x\","
               "\"context\":\"\"}]}");
    r[1] = rec("{\"kind\":\"page\",\"url\":\"https://x.org/fin\",\"title\":\"Finance\","
               "\"foundAt\":7,\"documentLinks\":[{\"url\":\"https://x.org/Annual%20Report.pdf\","
               "\"text\":\"Annual report 2023\",\"context\":\"Audited accounts\"}],\"links\":[]}");
    r[2] = rec("{\"kind\":\"file\",\"url\":\"https://x.org/files/7.pdf\",\"sourceURL\":"
               "\"https://x.org/get/7\",\"contentType\":\"application/pdf\",\"size\":2048,"
               "\"foundAt\":9}");
    r[3] = rec("{\"kind\":\"page\",\"url\":\"https://x.org/get/8\",\"title\":\"Eight\","
               "\"foundAt\":11,\"documentLinks\":[],\"links\":[]}");
    discover_set_t s;
    discover_merge(r, 4, &s);
    CHECK_INT(s.pages, 3);
    CHECK_INT(s.files, 1);
    REQUIRE(s.n == 3);
    CHECK_STR(s.v[0].url, "https://x.org/minutes.pdf"); /* first-found order before ranking */
    CHECK_STR(s.v[1].url, "https://x.org/Annual%20Report.pdf");
    CHECK_STR(s.v[1].name, "Annual Report.pdf");
    CHECK_STR(s.v[1].text, "Annual report | Annual report 2023");
    CHECK_STR(s.v[1].context, "Finance | Audited accounts");
    CHECK_STR(s.v[1].source_page, "https://x.org/");
    CHECK_STR(s.v[1].page_title, "Home");
    CHECK_INT(s.v[1].size, -1);
    CHECK_STR(s.v[2].url, "https://x.org/get/7");
    CHECK_STR(s.v[2].type, "pdf");
    CHECK_INT(s.v[2].size, 2048);
    CHECK_STR(s.v[2].text, "Transport budget");
    CHECK_STR(s.v[2].source_page, "https://x.org/");
    CHECK_INT(s.v[2].found_ms, 5);

    discover_set_rank(&s, "Find the transport budget documents");
    CHECK_INT(s.terms, 2);
    CHECK_STR(s.v[0].url, "https://x.org/get/7");
    CHECK(s.v[0].confidence > 0.5);
    CHECK(s.v[1].confidence == 0 && s.v[2].confidence == 0);
    CHECK_STR(s.v[1].url, "https://x.org/minutes.pdf"); /* ties keep first-found order */
    discover_set_rank(&s, "annual report 2023");
    CHECK_STR(s.v[0].url, "https://x.org/Annual%20Report.pdf");
    discover_set_cleanup(&s);
    for (int i = 0; i < 4; i++)
        json_decref(r[i]);
}

TEST(file_found_without_any_linking_page)
{
    json_t *r = rec("{\"kind\":\"file\",\"url\":\"https://x.org/r\",\"sourceURL\":"
                    "\"https://x.org/r\",\"contentType\":\"application/msword\",\"foundAt\":1}");
    discover_set_t s;
    discover_merge(&r, 1, &s);
    REQUIRE(s.n == 1);
    CHECK_STR(s.v[0].type, "doc");
    CHECK_STR(s.v[0].source_page, "https://x.org/r");
    CHECK_STR(s.v[0].name, "r");
    CHECK_INT(s.v[0].size, -1);
    discover_set_rank(&s, "anything at all");
    CHECK(s.v[0].confidence == 0);
    discover_set_cleanup(&s);
    json_decref(r);
}

/* The heading chunker (html/chunk.h): splits, merges, remove strings, hierarchy. */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>

#include "html/chunk.h"
#include "util/buf.h"

static chunk_t *split(const char *html, const chunk_opts_t *o, size_t *n)
{
    chunk_opts_t none = {0};
    chunk_t *c = NULL;
    CHECK_INT(chunk_split(html, strlen(html), o ? o : &none, &c, n), CINDER_OK);
    return c;
}

TEST(chunk_cuts_at_each_heading)
{
    size_t n = 0;
    chunk_t *c = split("<h1>Install guide</h1><p>Download the archive and unpack it anywhere.</p>"
                       "<h2>Configure</h2><p>Edit the file config.toml and set your key.</p>"
                       "<h2>Run it</h2><p>Start the server with one command, then open it.</p>",
                       NULL, &n);
    REQUIRE(n == 3);
    CHECK_STR(c[0].heading, "Install guide");
    CHECK_INT(c[0].level, 1);
    CHECK_STR(c[0].html, "<h1>Install guide</h1><p>Download the archive and unpack it "
                         "anywhere.</p>");
    CHECK_STR(c[0].text, "Install guide Download the archive and unpack it anywhere.");
    CHECK_STR(c[1].heading, "Configure");
    CHECK_INT(c[1].level, 2);
    CHECK_STR(c[1].text, "Configure Edit the file config.toml and set your key.");
    CHECK_STR(c[2].heading, "Run it");
    CHECK_INT(c[2].n_hierarchy, 2);
    CHECK_STR(c[2].hierarchy[0], "Install guide");
    CHECK_STR(c[2].hierarchy[1], "Run it");
    chunks_free(c, n);
}

TEST(chunk_heading_only_and_short_chunks_merge_forward)
{
    size_t n = 0;
    /* "Guide" has no body and "Tiny" has three words: both join the chunk after them */
    chunk_t *c = split("<h1>Guide</h1><h2>Tiny</h2><p>too short</p>"
                       "<h2>Details</h2><p>Here are enough words to stand alone as a chunk.</p>",
                       NULL, &n);
    REQUIRE(n == 1);
    CHECK_STR(c[0].heading, "Details");
    CHECK_STR(c[0].html, "<h1>Guide</h1><h2>Tiny</h2><p>too short</p><h2>Details</h2><p>Here are "
                         "enough words to stand alone as a chunk.</p>");
    CHECK_STR(c[0].text, "Guide Tiny too short Details Here are enough words to stand alone as a "
                         "chunk.");
    CHECK_INT(c[0].n_hierarchy, 2);
    CHECK_STR(c[0].hierarchy[0], "Guide");
    CHECK_STR(c[0].hierarchy[1], "Details");
    chunks_free(c, n);
}

TEST(chunk_short_last_chunk_joins_the_previous_one)
{
    size_t n = 0;
    chunk_t *c = split("<h2>Usage</h2><p>Call the function with a list of numbers to add.</p>"
                       "<h2>See also</h2><p>sum</p>",
                       NULL, &n);
    REQUIRE(n == 1);
    CHECK_STR(c[0].heading, "Usage");
    CHECK_CONTAINS(c[0].html, "<h2>See also</h2><p>sum</p>");
    CHECK_STR(c[0].text, "Usage Call the function with a list of numbers to add. See also sum");
    chunks_free(c, n);
}

TEST(chunk_content_before_the_first_heading_and_wrappers)
{
    size_t n = 0;
    /* the sections wrap headings: they are dropped, their other children kept in order */
    chunk_t *c = split("<p>An introduction long enough to be a chunk of its own.</p>"
                       "<section class=s><h2>Alpha</h2><p>Alpha text is written here in full.</p>"
                       "<div><h3>Beta</h3><ul><li>one item here</li><li>two items there</li>"
                       "</ul></div></section>",
                       NULL, &n);
    REQUIRE(n == 3);
    CHECK_STR(c[0].heading, "");
    CHECK_INT(c[0].level, 0);
    CHECK_INT(c[0].n_hierarchy, 0);
    CHECK_STR(c[0].text, "An introduction long enough to be a chunk of its own.");
    CHECK_STR(c[1].heading, "Alpha");
    CHECK_NOT_CONTAINS(c[1].html, "section");
    CHECK_STR(c[2].heading, "Beta");
    CHECK_STR(c[2].html, "<h3>Beta</h3><ul><li>one item here</li><li>two items there</li></ul>");
    CHECK_STR(c[2].text, "Beta one item here two items there");
    CHECK_INT(c[2].n_hierarchy, 2);
    CHECK_STR(c[2].hierarchy[0], "Alpha");
    chunks_free(c, n);
}

TEST(chunk_remove_strings_apply_before_merging)
{
    const char *hr[] = {" | Docs"};
    const char *br[] = {"Edit this page", "Was this helpful?"};
    chunk_opts_t o = {hr, 1, br, 2, 0};
    size_t n = 0;
    chunk_t *c = split("<h1>Start | Docs</h1><p>Edit this page</p>"
                       "<h2>Setup | Docs</h2><p>Install the package with your package manager "
                       "first. Was this helpful?</p>",
                       &o, &n);
    /* the first chunk's body is empty once "Edit this page" is removed: it merges forward */
    REQUIRE(n == 1);
    CHECK_STR(c[0].heading, "Setup");
    CHECK_STR(c[0].text, "Start Setup Install the package with your package manager first.");
    CHECK_NOT_CONTAINS(c[0].html, "Edit this page");
    CHECK_NOT_CONTAINS(c[0].html, "helpful");
    CHECK_CONTAINS(c[0].html, "<h1>Start</h1>");
    CHECK_STR(c[0].hierarchy[0], "Start");
    chunks_free(c, n);
}

TEST(chunk_drops_empty_pages_and_keeps_a_lone_short_page)
{
    size_t n = 0;
    chunk_t *c = split("<html><body>  <h1>Only a heading</h1> </body></html>", NULL, &n);
    CHECK_INT(n, 0);
    chunks_free(c, n);
    c = split("\n <p>Hello there</p>\n", NULL, &n);
    REQUIRE(n == 1);
    CHECK_STR(c[0].text, "Hello there");
    CHECK_STR(c[0].html, "<p>Hello there</p>"); /* trimmed */
    chunks_free(c, n);
    c = split("", NULL, &n);
    CHECK_INT(n, 0);
    chunks_free(c, n);
}

TEST(chunk_text_separates_blocks_and_skips_scripts)
{
    size_t n = 0;
    chunk_t *c = split("<h2>A &amp; B</h2><p>first</p><p>second <b>bold</b>word and more</p>"
                       "<script>var hidden = 1;</script><table><tr><td>x</td><td>y</td></tr>"
                       "</table>",
                       NULL, &n);
    REQUIRE(n == 1);
    CHECK_STR(c[0].heading, "A & B");
    CHECK_CONTAINS(c[0].html, "<h2>A &amp; B</h2>");
    CHECK_STR(c[0].text, "A & B first second boldword and more x y");
    CHECK_NOT_CONTAINS(c[0].html, "hidden");
    chunks_free(c, n);
}

TEST(chunk_cap_stops_splitting)
{
    buf_t b;
    buf_init(&b, 0);
    for (int i = 0; i < 20; i++)
        CHECK_INT(buf_printf(&b, "<h2>Section %d</h2><p>Six words are in this one.</p>", i),
                  CINDER_OK);
    chunk_opts_t o = {NULL, 0, NULL, 0, 4};
    size_t n = 0;
    chunk_t *c = split(buf_str(&b), &o, &n);
    REQUIRE(n == 4);
    CHECK_STR(c[3].heading, "Section 3");
    CHECK_CONTAINS(c[3].html, "<h2>Section 19</h2>"); /* headings past the cap stay content */
    CHECK_INT(chunk_words(c[0].text), 8);
    chunks_free(c, n);
    buf_cleanup(&b);
}

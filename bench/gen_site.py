#!/usr/bin/env python3
"""Generates the static documentation site that bench/crawl.sh crawls.

Usage: bench/gen_site.py OUTDIR [N] [SEED]   (defaults: N=20000, SEED=1)

Writes exactly N HTML pages: OUTDIR/index.html (the home page) and N-1 article pages
OUTDIR/docs/section-KKK/page-NNNNN.html, 200 to a section, plus a robots.txt that allows
everything and names no sitemap, so a crawler must find every page through links.

Every page is 6-12 KB of documentation-like HTML: a <head> with title, meta description and
Open Graph tags; a header nav (home and the first page of a few sections, the same on every
page); a sidebar with the neighbouring pages of the section; an <article> with h1, h2/h3,
paragraphs with inline links, <code> and <em>, a list, sometimes a <pre><code> block and a
table; a footer. Links in the body: previous/next page, a few random pages anywhere on the
site, a few same-page fragments and external links (which crawlers must not follow). Home is
always linked as "/" (never "/index.html", which a crawler without URL normalisation would fetch
twice). The output is a function of N and SEED only.

Before exiting it runs a breadth-first search from index.html over the links it wrote, checks
that all N pages are reachable, and prints the count and the deepest level.
"""
import os
import random
import sys
from collections import deque

PER_SECTION = 200
NAV_SECTIONS = 8

WORDS = """
request response handler server client cache buffer queue worker thread process
socket stream header body token session cookie proxy route endpoint schema field
record index table query cursor batch commit rollback snapshot replica shard
cluster node leader follower timeout retry backoff limit quota budget metric
counter gauge histogram trace span log level filter pattern regex parser lexer
grammar tree branch leaf root path segment prefix suffix key value pair map set
list array vector slice string byte encoding charset unicode locale format template
render layout style theme widget component module package library binary archive
release version tag label annotation config option flag default override profile
deploy build compile link test fixture mock stub assert coverage benchmark sample
the a an of to in for on with by from at as is are was be can will may should
must this that these those it its each every any all some one two three many few
new old fast slow small large simple complex safe secure stable local remote
when then if else while until after before during because so but and or not
returns accepts creates updates deletes reads writes sends receives stores loads
starts stops opens closes checks validates parses renders converts encodes decodes
""".split()

TOPICS = """Authentication Authorization Caching Configuration Deployment Indexing Logging
Monitoring Networking Pagination Parsing Queues Replication Routing Scheduling Search
Sessions Sharding Storage Streaming Templates Testing Tracing Upgrades Webhooks""".split()
KINDS = """Overview Guide Tutorial Reference Recipes Internals Troubleshooting FAQ Concepts
Walkthrough""".split()
LANGS = ["python", "javascript", "bash", "go", "json", "yaml", "c"]
IDENTS = """get_config set_option open_stream close_handle parse_header build_index
flush_queue retry_request load_schema render_page commit_batch fetch_url""".split()


def page_path(i):
    """URL path of article page i (1-based)."""
    return "/docs/section-%03d/page-%05d.html" % ((i - 1) // PER_SECTION + 1, i)


def sentence(rng, min_words=8, max_words=20):
    w = rng.choices(WORDS, k=rng.randint(min_words, max_words))
    return " ".join(w).capitalize() + "."


class Page:
    def __init__(self, rng, n_pages, i):
        self.rng = rng
        self.i = i
        self.links = set()  # page numbers linked (0 = home)
        self.n_pages = n_pages

    def href(self, j):
        """A link to page j, written in a mix of absolute, relative and full-path forms."""
        self.links.add(j)
        if j == 0:
            return "/"
        if self.i and (j - 1) // PER_SECTION == (self.i - 1) // PER_SECTION and self.rng.random() < 0.5:
            return page_path(j).rsplit("/", 1)[1]  # same directory: relative
        if self.i and self.rng.random() < 0.3:
            return ".." + page_path(j)[len("/docs"):]  # sibling directory: ../section-KKK/...
        return page_path(j)

    def random_page(self):
        return self.rng.randint(1, self.n_pages - 1)

    def inline(self, text_sentences):
        """A paragraph: sentences with inline <a>, <code>, <em> and <strong> mixed in."""
        rng = self.rng
        out = []
        for s in text_sentences:
            words = s.split(" ")
            r = rng.random()
            k = rng.randrange(len(words))
            if r < 0.25:
                words[k] = "<code>%s()</code>" % rng.choice(IDENTS)
            elif r < 0.45:
                words[k] = "<em>%s</em>" % words[k]
            elif r < 0.55:
                words[k] = "<strong>%s</strong>" % words[k]
            elif r < 0.62:
                words[k] = '<a href="https://example.org/%s">%s</a>' % (rng.choice(WORDS), words[k])
            out.append(" ".join(words))
        return " ".join(out)


def render(n_pages, i, rng):
    p = Page(rng, n_pages, i)
    n_sections = (n_pages - 2) // PER_SECTION + 1
    topic = rng.choice(TOPICS)
    kind = rng.choice(KINDS)
    if i == 0:
        title = "Acme Platform Documentation"
        section = 0
    else:
        section = (i - 1) // PER_SECTION + 1
        title = "%s %s, part %d" % (topic, kind, i)
    desc = sentence(rng, 14, 24)

    h = []
    a = h.append
    a("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
    a('<meta name="viewport" content="width=device-width, initial-scale=1">\n')
    a("<title>%s | Acme Docs</title>\n" % title)
    a('<meta name="description" content="%s">\n' % desc)
    a('<meta property="og:title" content="%s">\n' % title)
    a('<meta property="og:description" content="%s">\n' % desc)
    a('<meta property="og:type" content="article">\n')
    a('<meta property="og:url" content="https://docs.acme.example%s">\n' % (page_path(i) if i else "/"))
    a('<meta property="og:site_name" content="Acme Docs">\n')
    a("<style>body{font-family:sans-serif;margin:0}header,footer{background:#f4f4f4;padding:1em}"
      "nav a{margin-right:1em}.layout{display:flex}aside{width:16em;padding:1em}"
      "article{max-width:48em;padding:1em}pre{background:#222;color:#eee;padding:1em}</style>\n")
    a("</head>\n<body>\n")

    # Header nav: home and the first page of the first NAV_SECTIONS sections, plus one external.
    a('<header class="site-header">\n<a class="logo" href="/">Acme Docs</a>\n<nav class="top-nav">\n<ul>\n')
    a('<li><a href="%s">Home</a></li>\n' % p.href(0))
    for s in range(1, min(NAV_SECTIONS, n_sections) + 1):
        a('<li><a href="%s">%s</a></li>\n' % (p.href((s - 1) * PER_SECTION + 1), TOPICS[(s - 1) % len(TOPICS)]))
    a('<li><a href="https://github.com/acme/platform">GitHub</a></li>\n</ul>\n</nav>\n</header>\n')

    a('<div class="layout">\n<aside class="sidebar">\n<h4>In this section</h4>\n<ul>\n')
    if i == 0:
        # The home page's sidebar lists every section: the entry points of the site.
        for s in range(1, n_sections + 1):
            a('<li><a href="%s">Section %d: %s</a></li>\n' % (p.href((s - 1) * PER_SECTION + 1), s, TOPICS[(s - 1) % len(TOPICS)]))
    else:
        lo = (section - 1) * PER_SECTION + 1
        hi = min(section * PER_SECTION, n_pages - 1)
        for j in range(max(lo, i - 3), min(hi, i + 3) + 1):
            if j == i:
                a('<li class="current">Part %d</li>\n' % j)
            else:
                a('<li><a href="%s">Part %d</a></li>\n' % (p.href(j), j))
    a("</ul>\n</aside>\n")

    a('<main>\n<article class="doc">\n<h1 id="top">%s</h1>\n' % title)
    a('<p class="lead">%s</p>\n' % p.inline([sentence(rng) for _ in range(2)]))
    target = rng.randint(6800, 11000)
    n_h2 = 0
    while sum(map(len, h)) < target - 1400 or n_h2 < 2:
        n_h2 += 1
        a('<h2 id="s%d">%s %s</h2>\n' % (n_h2, rng.choice(TOPICS), rng.choice(KINDS).lower()))
        for _ in range(rng.randint(1, 2)):
            a("<p>%s</p>\n" % p.inline([sentence(rng) for _ in range(rng.randint(3, 6))]))
        r = rng.random()
        if r < 0.35:
            a("<ul>\n")
            for _ in range(rng.randint(3, 6)):
                a("<li>%s</li>\n" % p.inline([sentence(rng, 4, 10)]))
            a("</ul>\n")
        elif r < 0.5:
            a("<ol>\n")
            for _ in range(rng.randint(3, 5)):
                a("<li>%s</li>\n" % p.inline([sentence(rng, 4, 10)]))
            a("</ol>\n")
        if rng.random() < 0.3:
            lang = rng.choice(LANGS)
            lines = []
            for _ in range(rng.randint(3, 10)):
                lines.append("%s%s(%s, %d)  # %s" % ("    " * rng.randint(0, 2), rng.choice(IDENTS),
                                                      rng.choice(WORDS), rng.randint(0, 999), rng.choice(WORDS)))
            a('<pre><code class="language-%s">%s</code></pre>\n' % (lang, "\n".join(lines).replace("<", "&lt;")))
        if rng.random() < 0.2:
            a("<table>\n<thead><tr><th>Option</th><th>Default</th><th>Description</th></tr></thead>\n<tbody>\n")
            for _ in range(rng.randint(3, 6)):
                a("<tr><td><code>%s</code></td><td>%d</td><td>%s</td></tr>\n"
                  % (rng.choice(IDENTS), rng.randint(0, 100), sentence(rng, 4, 9)))
            a("</tbody>\n</table>\n")
        if rng.random() < 0.5:
            a('<h3 id="s%d-more">%s</h3>\n' % (n_h2, sentence(rng, 2, 5).rstrip(".")))
            a("<p>%s</p>\n" % p.inline([sentence(rng) for _ in range(rng.randint(2, 4))]))
    # Cross-links: a "see also" paragraph with random pages anywhere in the site.
    if i:
        see = [p.random_page() for _ in range(rng.randint(3, 6))]
        a('<p class="see-also">See also: %s. Back to <a href="#top">the top</a>.</p>\n'
          % ", ".join('<a href="%s">part %d</a>' % (p.href(j), j) for j in see if j != i))
        a('<nav class="pager">')
        if i > 1:
            a('<a rel="prev" href="%s">&larr; Previous</a> ' % p.href(i - 1))
        if i < n_pages - 1:
            a('<a rel="next" href="%s">Next &rarr;</a>' % p.href(i + 1))
        a("</nav>\n")
    a("</article>\n</main>\n</div>\n")
    a('<footer class="site-footer">\n<p>&copy; 2024 Acme Inc. <a href="https://acme.example/privacy">Privacy</a> '
      '&middot; <a href="https://acme.example/terms">Terms</a> &middot; <a href="%s">Home</a></p>\n</footer>\n'
      % p.href(0))
    a("</body>\n</html>\n")
    return "".join(h), p.links


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    if n < 2:
        sys.exit("gen_site: N must be at least 2")
    rng = random.Random(seed)
    graph = []
    sizes = []
    made = set()
    for i in range(n):
        html, links = render(n, i, rng)
        path = os.path.join(out, "index.html") if i == 0 else out + page_path(i)
        d = os.path.dirname(path)
        if d not in made:
            os.makedirs(d, exist_ok=True)
            made.add(d)
        with open(path, "w") as f:
            f.write(html)
        graph.append(links)
        sizes.append(len(html))
    with open(os.path.join(out, "robots.txt"), "w") as f:
        f.write("User-agent: *\nAllow: /\n")

    depth = [-1] * n
    depth[0] = 0
    q = deque([0])
    while q:
        u = q.popleft()
        for v in graph[u]:
            if depth[v] < 0:
                depth[v] = depth[u] + 1
                q.append(v)
    reached = sum(1 for d in depth if d >= 0)
    links = sum(len(g) for g in graph) / n
    print("gen_site: %d pages, %.1f MB (%.1f-%.1f KB each), %.1f distinct links per page, "
          "%d reachable from / within depth %d" % (n, sum(sizes) / 1e6, min(sizes) / 1e3, max(sizes) / 1e3,
                                                  links, reached, max(depth)))
    if reached != n:
        sys.exit("gen_site: %d page(s) unreachable" % (n - reached))


if __name__ == "__main__":
    main()

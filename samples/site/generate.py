#!/usr/bin/python3
"""Generate the bundled local test site: a deterministic quotes-like site.

    /usr/bin/python3 samples/site/generate.py OUTDIR [--pages N] [--seed S] [--force]

Writes OUTDIR/p/0.html ... OUTDIR/p/{N-1}.html, OUTDIR/index.html and OUTDIR/manifest.json.
Standard library only; the same (pages, seed) always gives byte-identical files (a seeded
PRNG, no dates, no absolute paths), so tests and benchmarks can check the site they crawl
against manifest.json's sha256.

Each page is shaped like quotes.toscrape.com (about 4-5 KB):
  - <title>Quotes page K</title>
  - 10 <div class="quote"> with <span class="text">“...”</span>,
    <small class="author">Name</small> and 3 <a class="tag" href="/tag/x/">x</a>;
    every quote text on the site is unique, so a duplicate item means a page was
    scraped twice;
  - <ul class="pager"><li class="next"><a href="/p/{K+1}.html">Next</a></li></ul>,
    absent on the last page (the pager chain alone reaches every page);
  - <ul class="related"> with 10 links to other pages, written in the spellings a
    crawler must reduce to one request each: relative ("7.html", "./7.html",
    "../p/7.html"), absolute-path ("/p/7.html"), with a fragment ("#quotes"), an empty
    query ("7.html?"), a percent-encoded unreserved character ("/p/%37.html") and
    combinations; all canonicalise (w3lib.url.canonicalize_url after urljoin) to
    /p/7.html, so a dupefilter must fetch each page exactly once;
  - some non-ASCII authors and texts, and HTML entities (&amp; &quot; &#39; &mdash;).

The output directory is a required argument: nothing is ever written into the source tree
unless asked. An OUTDIR whose manifest already matches (pages, seed, generator version) is
left alone unless --force.
"""

import argparse
import hashlib
import html
import json
import os
import random
import shutil
import sys

GENERATOR_VERSION = 1
DEFAULT_PAGES = 2000
DEFAULT_SEED = 20240601
QUOTES_PER_PAGE = 10
RELATED_PER_PAGE = 10
TAGS_PER_QUOTE = 3

AUTHORS = [
    "Albert Einstein", "Jane Austen", "Marilyn Monroe", "J.K. Rowling", "Mark Twain",
    "Eleanor Roosevelt", "Steve Martin", "André Gide", "Thomas A. Edison", "Charles M. Schulz",
    "William Nicholson", "Jorge Luis Borges", "George Eliot", "George R.R. Martin",
    "C.S. Lewis", "Martin Luther King Jr.", "James Baldwin", "Haruki Murakami",
    "Alexandre Dumas fils", "Stephenie Meyer", "Ernest Hemingway", "Helen Keller",
    "George Bernard Shaw", "Charles Bukowski", "Suzanne Collins", "J.R.R. Tolkien",
    "Alfred Tennyson", "Terry Pratchett", "J.D. Salinger", "Dr. Seuss", "Douglas Adams",
    "Elie Wiesel", "Friedrich Nietzsche", "Gabriel García Márquez", "Søren Kierkegaard",
    "Fyodor Dostoyevsky", "Albert Camus", "José Saramago", "Wisława Szymborska",
    "Lǎozǐ", "Chinua Achebe", "Rabindranath Tagore", "Antoine de Saint-Exupéry",
    "Simone de Beauvoir", "Bertolt Brecht", "Umberto Eco", "Mário de Andrade",
    "Ōe Kenzaburō", "Nâzım Hikmet", "Anna Akhmatova (Анна Ахматова)",
]

TAGS = [
    "love", "life", "inspirational", "humor", "books", "reading", "friendship", "truth",
    "simile", "writing", "death", "happiness", "hope", "faith", "wisdom", "poetry",
    "learning", "change", "courage", "success", "music", "time", "choices", "world",
    "education", "science", "imagination", "dreams", "knowledge", "philosophy", "café",
    "naïveté", "über-reading", "miracles", "paraphrased", "live", "attributed-no-source",
    "best", "life-lessons", "mistakes",
]

WORDS = (
    "the world as we have created it is a process of our thinking it cannot be changed "
    "without changing it are our choices harry that show what we truly far more than "
    "abilities there only two ways to live your life one though nothing miracle other "
    "everything person be gentleman or lady who has not pleasure in good novel must "
    "intolerably stupid imperfection beauty madness genius and better absolutely "
    "ridiculous than boring try become man success rather value it's none business "
    "light candle dark night sea river mountain silence laughter memory tomorrow "
    "yesterday always never perhaps quietly slowly bright small large kind honest brave "
    "wild gentle strange simple heart mind soul book friend stranger door window road "
    "garden letter song story dream question answer reason courage patience wonder"
).split()

# Words that put non-ASCII characters and entities into the texts.
SPICE = [
    "café", "naïve", "über", "façade", "déjà vu", "smörgåsbord", "jalapeño", "Zürich",
    "日本", "мир", "ελπίδα", "—", "…", "&", "\"quoted\"", "it's", "<b>bold</b>", "5 > 3",
]


def quote_text(rng, used):
    """A sentence that has not been used on the site yet."""
    while True:
        count = rng.randint(8, 15)
        words = [rng.choice(WORDS) for _ in range(count)]
        if rng.random() < 0.35:
            words.insert(rng.randrange(len(words)), rng.choice(SPICE))
        sentence = " ".join(words)
        sentence = sentence[0].upper() + sentence[1:] + rng.choice([".", ".", ".", "!", "?"])
        if sentence not in used:
            used.add(sentence)
            return sentence


def escape_text(text):
    """HTML-escape text, spelling some characters as the entities real sites use."""
    out = html.escape(text, quote=True)  # & < > " ' -> &amp; &lt; &gt; &quot; &#x27;
    out = out.replace("&#x27;", "&#39;")
    return out.replace("—", "&mdash;")


def related_link(rng, target):
    """One of the spellings of a link to page `target` seen from a page under /p/."""
    forms = [
        "/p/{k}.html",
        "{k}.html",
        "./{k}.html",
        "../p/{k}.html",
        "/p/{k}.html#quotes",
        "{k}.html#top",
        "{k}.html?",
        "/p/{k}.html?#related",
        "/p/./{k}.html",
        "/p/%3{d}{rest}.html",
    ]
    form = rng.choice(forms)
    k = str(target)
    return form.format(k=k, d=k[0], rest=k[1:])


def page_html(index, pages, quotes, related):
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"UTF-8\">\n",
        f"<title>Quotes page {index}</title>\n",
        "<link rel=\"stylesheet\" href=\"/static/main.css\">\n</head>\n<body>\n",
        "<div class=\"container\">\n<div class=\"header-box\">\n",
        "<h1><a href=\"/p/0.html\">Quotes to Scrape</a></h1>\n",
        "<p><a href=\"/login\">Login</a></p>\n</div>\n",
        "<div class=\"row\">\n<div class=\"col-md-8\">\n",
    ]
    for text, author, tags in quotes:
        parts.append(
            "<div class=\"quote\">\n"
            f"<span class=\"text\">“{escape_text(text)}”</span>\n"
            f"<span>by <small class=\"author\">{escape_text(author)}</small></span>\n"
            "<div class=\"tags\">Tags:"
        )
        for tag in tags:
            parts.append(f" <a class=\"tag\" href=\"/tag/{html.escape(tag)}/\">{html.escape(tag)}</a>")
        parts.append("</div>\n</div>\n")
    parts.append("<nav>\n<ul class=\"pager\">\n")
    if index > 0:
        parts.append(f"<li class=\"previous\"><a href=\"/p/{index - 1}.html\">Previous</a></li>\n")
    if index + 1 < pages:
        parts.append(f"<li class=\"next\"><a href=\"/p/{index + 1}.html\">Next</a></li>\n")
    parts.append("</ul>\n</nav>\n</div>\n<div class=\"col-md-4 related-box\">\n")
    parts.append("<h2>Related pages</h2>\n<ul class=\"related\">\n")
    for href, target in related:
        parts.append(f"<li><a href=\"{html.escape(href)}\">Quotes page {target}</a></li>\n")
    parts.append("</ul>\n</div>\n</div>\n</div>\n")
    parts.append(
        "<footer class=\"footer\">\n<p class=\"copyright\">Made with <span class=\"sh-red\">"
        "&#10084;</span> by spiderc's site generator</p>\n</footer>\n</body>\n</html>\n"
    )
    return "".join(parts)


def index_html():
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"UTF-8\">\n"
        "<title>Quotes to Scrape</title>\n</head>\n<body>\n"
        "<h1>Quotes to Scrape</h1>\n<p><a href=\"/p/0.html\">Start reading</a></p>\n"
        "</body>\n</html>\n"
    )


def generate_files(pages, seed):
    """Yields (relative path, bytes) for every file of the site, in a fixed order."""
    if pages < 1:
        raise ValueError("a site needs at least one page")
    rng = random.Random(seed)
    used = set()
    yield "index.html", index_html().encode("utf-8")
    for index in range(pages):
        quotes = []
        for _ in range(QUOTES_PER_PAGE):
            author = rng.choice(AUTHORS)
            tags = rng.sample(TAGS, TAGS_PER_QUOTE)
            quotes.append((quote_text(rng, used), author, tags))
        related = []
        for _ in range(RELATED_PER_PAGE):
            if pages == 1:
                target = 0
            else:
                target = rng.randrange(pages - 1)
                if target >= index:
                    target += 1
            related.append((related_link(rng, target), target))
        yield f"p/{index}.html", page_html(index, pages, quotes, related).encode("utf-8")


def site_digest(files):
    """sha256 over the site: for each file in path order, path NUL length NUL bytes."""
    digest = hashlib.sha256()
    for path, data in sorted(files):
        digest.update(path.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0")
        digest.update(data)
    return digest.hexdigest()


def read_manifest(outdir):
    try:
        with open(os.path.join(outdir, "manifest.json"), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def generate(outdir, pages=DEFAULT_PAGES, seed=DEFAULT_SEED, force=False):
    """Writes the site into outdir and returns its manifest (a dict)."""
    existing = read_manifest(outdir)
    if (not force and existing and existing.get("generator_version") == GENERATOR_VERSION
            and existing.get("pages") == pages and existing.get("seed") == seed):
        return existing
    os.makedirs(outdir, exist_ok=True)
    shutil.rmtree(os.path.join(outdir, "p"), ignore_errors=True)
    os.makedirs(os.path.join(outdir, "p"))
    files = []
    total_bytes = 0
    for path, data in generate_files(pages, seed):
        with open(os.path.join(outdir, path), "wb") as f:
            f.write(data)
        files.append((path, data))
        total_bytes += len(data)
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "pages": pages,
        "quotes_per_page": QUOTES_PER_PAGE,
        "total_quotes": pages * QUOTES_PER_PAGE,
        "unique_quote_texts": True,
        "start_url_path": "/p/0.html",
        "page_url_pattern": "/p/{n}.html",
        "total_bytes": total_bytes,
        "mean_page_bytes": round(total_bytes / (pages + 1)),
        "sha256": site_digest(files),
        "sha256_method": "sha256 over files sorted by path: path NUL decimal-length NUL bytes",
    }
    tmp = os.path.join(outdir, "manifest.json.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, os.path.join(outdir, "manifest.json"))
    return manifest


def main(argv=None):
    parser = argparse.ArgumentParser(description="Generate the deterministic quotes test site.")
    parser.add_argument("outdir", help="directory to write the site into (created if missing)")
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES,
                        help=f"number of pages (default {DEFAULT_PAGES})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="PRNG seed")
    parser.add_argument("--force", action="store_true", help="regenerate even if up to date")
    args = parser.parse_args(argv)
    if args.pages < 1:
        parser.error("--pages must be at least 1")
    manifest = generate(args.outdir, args.pages, args.seed, args.force)
    print(f"site: {os.path.abspath(args.outdir)} ({manifest['pages']} pages, "
          f"{manifest['total_quotes']} quotes, sha256 {manifest['sha256'][:16]}...)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

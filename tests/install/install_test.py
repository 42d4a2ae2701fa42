#!/usr/bin/python3
"""The installed tree, end to end:

1. `cmake --install` this build into a fresh prefix; the files a user needs are there.
2. A user's own CMake project (external_project/, copied to the work dir) configures with
   find_package(Spider) and builds a crawler with spider_add_executable; the crawler scrapes
   the bundled site served by the fixture server on 127.0.0.1 and its items are checked
   against the site's own files. A second build has nothing to do; after the .spider changes,
   the build emits and compiles it again.
3. The installed spiderc `build`s samples/quotes.spider against the installed runtime (its
   compiler command line is recorded through a --cxx wrapper to prove which headers and
   library it used), and that crawler scrapes every quote of the site once.

Everything is written under --work; the fixture server exits when this script does.
"""
import argparse
import collections
import html
import json
import os
import re
import shutil
import stat
import subprocess
import sys

SITE_PAGES = 5


class Failed(Exception):
    pass


def run(argv, what, env=None, cwd=None, timeout=300):
    result = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        raise Failed("%s failed (exit %d): %s\n%s%s" % (what, result.returncode, " ".join(argv),
                                                       result.stdout[-4000:],
                                                       result.stderr[-4000:]))
    return result


def read_items(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def expected_pages(site):
    """What pages.spider should scrape from each page file: {page: (quotes, first author)}."""
    pages = {}
    for n in range(SITE_PAGES):
        with open(os.path.join(site, "p", "%d.html" % n), encoding="utf-8") as f:
            text = f.read()
        authors = re.findall(r'<small class="author">([^<]*)</small>', text)
        pages[str(n)] = (text.count('<div class="quote"'), html.unescape(authors[0]))
    return pages


def crawl(exe, base, out, extra=()):
    if os.path.exists(out):
        os.remove(out)
    run([exe, "-a", "base=" + base, "-O", out, "-s", "log_level=WARNING"] + list(extra),
        "the crawler " + os.path.basename(exe), timeout=120)
    return read_items(out)


def check_installed_files(prefix, args):
    wanted = [
        os.path.join(args.bindir, "spiderc"),
        os.path.join(args.libdir, "libspider_runtime.a"),
        os.path.join(args.includedir, "spider", "dsl", "dsl.h"),
        os.path.join(args.includedir, "spider", "coro", "task.h"),
        os.path.join(args.includedir, "spider", "crawler", "spider.h"),
        os.path.join(args.includedir, "spider", "settings", "settings.def"),
        os.path.join(args.libdir, "cmake", "Spider", "SpiderConfig.cmake"),
        os.path.join(args.libdir, "cmake", "Spider", "SpiderConfigVersion.cmake"),
        os.path.join(args.libdir, "cmake", "Spider", "SpiderTargets.cmake"),
        os.path.join(args.libdir, "cmake", "Spider", "SpiderAddExecutable.cmake"),
    ]
    missing = [w for w in wanted if not os.path.exists(os.path.join(prefix, w))]
    if missing:
        raise Failed("not installed: " + ", ".join(missing))
    # Nothing of the build or source tree leaks into the installed headers' tree.
    stray = [os.path.join(d, f) for d, _, files in os.walk(os.path.join(prefix, args.includedir))
             for f in files if not f.endswith((".h", ".def"))]
    if stray:
        raise Failed("unexpected files installed with the headers: " + ", ".join(stray[:5]))


def external_project(args, prefix, site, base, work):
    project = os.path.join(work, "external_project")
    build = os.path.join(work, "external_build")
    shutil.rmtree(project, ignore_errors=True)
    shutil.rmtree(build, ignore_errors=True)
    shutil.copytree(os.path.join(os.path.dirname(os.path.abspath(__file__)), "external_project"),
                    project)
    run([args.cmake, "-S", project, "-B", build, "-G", args.generator,
         "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_CXX_COMPILER=" + args.cxx,
         "-DCMAKE_PREFIX_PATH=" + prefix], "configuring the external project")
    run([args.cmake, "--build", build, "-j2"], "building the external project")
    exe = os.path.join(build, "pages")

    want = expected_pages(site)
    items = crawl(exe, base, os.path.join(work, "pages.jsonl"))
    got = {item.get("page"): (item.get("quotes"), item.get("first_author")) for item in items}
    if len(items) != SITE_PAGES or got != want:
        raise Failed("the external project's crawler scraped %s\nexpected %s" % (items, want))
    print("ok: external project crawler scraped", len(items), "pages")

    again = run([args.cmake, "--build", build, "-j2", "--", "-n", "-d", "explain"]
                if args.generator == "Ninja" else [args.cmake, "--build", build],
                "rebuilding the external project")
    if args.generator == "Ninja" and "no work to do" not in again.stdout:
        raise Failed("an unchanged external project rebuilds:\n" + again.stdout + again.stderr)

    # A changed .spider is emitted and compiled again by the next build.
    spider = os.path.join(project, "pages.spider")
    with open(spider, encoding="utf-8") as f:
        text = f.read()
    with open(spider, "w", encoding="utf-8") as f:
        f.write(text.replace('"first_author"', '"author_of_first"'))
    run([args.cmake, "--build", build, "-j2"], "rebuilding after the .spider changed")
    items = crawl(exe, base, os.path.join(work, "pages2.jsonl"))
    if len(items) != SITE_PAGES or not all("author_of_first" in i for i in items):
        raise Failed("after editing pages.spider the crawler still scrapes %s" % items[:2])
    print("ok: an edited .spider is rebuilt")


def installed_spiderc_build(args, prefix, site, base, work):
    spiderc = os.path.join(prefix, args.bindir, "spiderc")
    # A compiler wrapper that records its command line, then runs the real compiler.
    record = os.path.join(work, "cxx-argv.txt")
    wrapper = os.path.join(work, "cxx-wrapper")
    with open(wrapper, "w", encoding="utf-8") as f:
        f.write('#!/bin/sh\nprintf "%%s\\n" "$@" > "%s"\nexec "%s" "$@"\n' % (record, args.cxx))
    os.chmod(wrapper, os.stat(wrapper).st_mode | stat.S_IXUSR)
    cache = os.path.join(work, "spiderc-cache")
    shutil.rmtree(cache, ignore_errors=True)
    exe = os.path.join(work, "quotes")
    run([spiderc, "build", os.path.join(args.source_dir, "samples", "quotes.spider"), "-o", exe,
         "--cxx=" + wrapper, "--cache-dir=" + cache], "the installed spiderc build")
    with open(record, encoding="utf-8") as f:
        argv = f.read().splitlines()
    include = "-I" + os.path.normpath(os.path.join(prefix, args.includedir, "spider"))
    library = os.path.normpath(os.path.join(prefix, args.libdir, "libspider_runtime.a"))
    if include not in argv or library not in argv:
        raise Failed("the installed spiderc did not build against the installed runtime "
                     "(%s, %s): %s" % (include, library, argv))
    items = crawl(exe, base, os.path.join(work, "quotes.jsonl"))
    with open(os.path.join(site, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    texts = collections.Counter(item.get("text") for item in items)
    if len(texts) != manifest["total_quotes"] or max(texts.values()) != 1:
        raise Failed("the installed spiderc's quotes crawler scraped %d items, %d distinct; "
                     "the site has %d quotes" % (len(items), len(texts),
                                                 manifest["total_quotes"]))
    print("ok: installed spiderc build, crawler scraped", len(items), "quotes")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cmake", required=True)
    parser.add_argument("--generator", required=True)
    parser.add_argument("--build-dir", required=True, help="the build tree to install")
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--cxx", required=True)
    parser.add_argument("--bindir", default="bin")
    parser.add_argument("--libdir", default="lib")
    parser.add_argument("--includedir", default="include")
    args = parser.parse_args()

    work = os.path.abspath(args.work)
    prefix = os.path.join(work, "prefix")
    shutil.rmtree(prefix, ignore_errors=True)
    os.makedirs(work, exist_ok=True)
    site = os.path.join(work, "site")
    subprocess.run([sys.executable, os.path.join(args.source_dir, "samples", "site", "generate.py"),
                    site, "--pages", str(SITE_PAGES)], check=True, stdout=subprocess.DEVNULL)

    server = subprocess.Popen([sys.executable, os.path.join(args.source_dir, "tests", "fixtures",
                                                            "server.py"),
                               "--site", site, "--port", "0"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        first = server.stdout.readline().split()
        if len(first) != 2 or first[0] != "PORT":
            raise Failed("the fixture server did not start: %s" % first)
        base = "http://127.0.0.1:%s" % first[1]
        run([args.cmake, "--install", args.build_dir, "--prefix", prefix], "cmake --install")
        check_installed_files(prefix, args)
        print("ok: installed into", prefix)
        external_project(args, prefix, site, base, work)
        installed_spiderc_build(args, prefix, site, base, work)
    except (Failed, subprocess.TimeoutExpired) as e:
        print("FAIL", e)
        return 1
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())

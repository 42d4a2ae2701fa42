#!/usr/bin/python3
"""End to end: `spiderc build` each program, crawl the bundled site served by the fixture
server on a free 127.0.0.1 port, and compare the items with the expectations checked in
under tests/codegen/expected/ (as multisets: crawl order does not matter, counts do).

--cxx COMPILER (repeatable) builds and crawls every program with each C++ compiler in turn
(`spiderc build --cxx=COMPILER`); without it, spiderc's configured compiler is used.

Each expectation file holds one JSON object per line, canonical (sorted keys), with the
server's address replaced by http://SITE. SPIDERC_UPDATE_GOLDENS=1 rewrites them.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import urllib.parse

# (program, spider name or None, extra crawler args, path of the .spider relative to the
# repository's samples/ or tests/golden/)
RUNS = [
    ("quotes", None, ["-a", "base={base}"], "samples/quotes.spider"),
    ("inline", None, ["-a", "base={base}"], "samples/inline.spider"),
    ("login", None, ["-a", "base={base}"], "samples/login.spider"),
    ("catalog", "catalog", ["-a", "base={base}", "-a", "max_pages=5", "-a",
                            "include_related=true"], "samples/catalog.spider"),
    ("catalog", "tags", ["-a", "base={base}"], "samples/catalog.spider"),
    ("keyword_names", None, ["-a", "auto={base}"], "tests/golden/keyword_names.spider"),
    ("string_escapes", None, ["-a", "base={base}"], "tests/golden/string_escapes.spider"),
]
SITE_PAGES = 60


def canonical(line, base):
    """The item with the site's address replaced, and its page URLs in one spelling: the
    site links to some pages under several URLs (/p/%37.html, /p/7.html#top), and which
    one the dupefilter lets through first depends on crawl order."""
    def normalise(value):
        if isinstance(value, str) and value.startswith(base):
            url = urllib.parse.unquote(value.split("#", 1)[0])
            return "http://SITE" + url[len(base):]
        if isinstance(value, list):
            return [normalise(v) for v in value]
        if isinstance(value, dict):
            return {k: normalise(v) for k, v in value.items()}
        return value
    obj = normalise(json.loads(line))
    return json.dumps(obj, sort_keys=True, ensure_ascii=False).replace(base, "http://SITE")


def crawl_all(args, repo, env, base, cxx, update, failures):
    """Builds every program of RUNS with `cxx` (None: spiderc's default compiler), crawls,
    and appends what went wrong to `failures`."""
    label = os.path.basename(cxx) if cxx else "default"
    work = os.path.join(args.work, label) if cxx else args.work
    os.makedirs(work, exist_ok=True)
    built = {}
    for program, spider, extra, source in RUNS:
        exe = os.path.join(work, program)
        if program not in built:
            argv = [args.spiderc, "build", os.path.join(repo, source), "-o", exe]
            if cxx:
                argv.append("--cxx=" + cxx)
            result = subprocess.run(argv, env=env, capture_output=True, text=True)
            if result.returncode != 0:
                failures.append("%s [%s]: spiderc build failed:\n%s" % (source, label,
                                                                        result.stderr))
                built[program] = False
                continue
            built[program] = True
        if not built[program]:
            continue
        name = program if spider is None else "%s_%s" % (program, spider)
        out = os.path.join(work, name + ".jsonl")
        if os.path.exists(out):
            os.remove(out)
        argv = [exe] + ([spider] if spider else []) + [a.format(base=base) for a in extra]
        argv += ["-O", out, "-s", "log_level=WARNING"]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            failures.append("%s [%s]: the crawler exited %d:\n%s" % (
                name, label, result.returncode, result.stderr[-3000:]))
            continue
        with open(out, encoding="utf-8") as f:
            got = sorted(canonical(line, base) for line in f if line.strip())
        expected_path = os.path.join(args.expected, name + ".jsonl")
        if update:
            os.makedirs(args.expected, exist_ok=True)
            with open(expected_path, "w", encoding="utf-8") as f:
                f.writelines(line + "\n" for line in got)
            print("updated", expected_path, len(got), "items")
            continue
        if not os.path.exists(expected_path):
            failures.append("%s: no expectation %s" % (name, expected_path))
            continue
        with open(expected_path, encoding="utf-8") as f:
            want = [line.rstrip("\n") for line in f if line.strip()]
        missing = collections.Counter(want) - collections.Counter(got)
        extra_items = collections.Counter(got) - collections.Counter(want)
        if missing or extra_items:
            failures.append("%s [%s]: items differ\n  missing: %s\n  unexpected: %s" % (
                name, label, list(missing.elements())[:5], list(extra_items.elements())[:5]))
        else:
            print("ok", name, "[%s]" % label, len(got), "items")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spiderc", required=True)
    parser.add_argument("--samples", required=True)
    parser.add_argument("--expected", required=True)
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--cxx", action="append", default=[],
                        help="build with this C++ compiler (repeatable; default: spiderc's)")
    args = parser.parse_args()
    compilers = args.cxx or [None]
    repo = os.path.dirname(os.path.abspath(args.samples))
    update = os.environ.get("SPIDERC_UPDATE_GOLDENS") == "1"
    os.makedirs(args.work, exist_ok=True)
    site = os.path.join(args.work, "site")
    subprocess.run([sys.executable, os.path.join(repo, "samples", "site", "generate.py"), site,
                    "--pages", str(SITE_PAGES)], check=True, stdout=subprocess.DEVNULL)
    env = dict(os.environ)
    env["XDG_CACHE_HOME"] = os.path.join(args.work, "cache")

    server = subprocess.Popen([sys.executable, os.path.join(args.fixtures, "server.py"), "--site",
                               site, "--port", "0"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    failures = []
    try:
        first = server.stdout.readline().split()
        if len(first) != 2 or first[0] != "PORT":
            print("fixture server did not start:", first)
            return 1
        base = "http://127.0.0.1:%s" % first[1]
        for cxx in compilers:
            crawl_all(args, repo, env, base, cxx, update, failures)
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

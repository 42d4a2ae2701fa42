"""parsel's results for parsel_diff_test.

Usage: /usr/bin/python3 parsel_reference.py QUERIES PAGE...

For every page (a .xml page is parsed as type="xml", anything else as HTML) and every
query line of QUERIES (format described in that file), prints one line
    PAGE_NAME <TAB> QUERY_LINE_NUMBER <TAB> JSON
where JSON is {"r": RESULT} or {"error": true}, written by json.dumps(sort_keys=True)
with its default (ASCII-only) escaping. The C++ side renders its own results the same way
and compares the lines. Exits with status 3 if parsel cannot be imported.
"""

import json
import os
import sys

try:
    from parsel import Selector
except ImportError as exc:  # the test reports this; it must never be skipped quietly
    sys.stderr.write(f"parsel is not importable from {sys.executable}: {exc}\n")
    sys.exit(3)

SEPARATOR = " |> "


def read_queries(path):
    queries = []
    with open(path, encoding="utf-8", newline="") as f:
        for number, line in enumerate(f.read().split("\n"), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            kind, _, rest = line.partition(" ")
            query, _, op_and_arg = rest.partition(SEPARATOR)
            op, _, arg = op_and_arg.partition(" ")
            queries.append((number, kind, query, op or "getall", arg))
    return queries


def run(root, kind, query, op, arg):
    if kind == "css":
        result = root.css(query)
    elif kind == "xpath":
        result = root.xpath(query)
    else:
        raise SystemExit(f"unknown query kind {kind!r}")
    if op == "getall":
        return result.getall()
    if op == "get":
        return result.get()
    if op == "re":
        return result.re(arg)
    if op == "re-keep":
        return result.re(arg, replace_entities=False)
    if op == "re_first":
        return result.re_first(arg)
    if op == "attrib":
        return [item.attrib for item in result]
    if op == "css":
        return result.css(arg).getall()
    if op == "xpath":
        return result.xpath(arg).getall()
    if op == "each-css":
        return [item.css(arg).get() for item in result]
    if op == "each-xpath":
        return [item.xpath(arg).get() for item in result]
    raise SystemExit(f"unknown operation {op!r}")


def main():
    queries = read_queries(sys.argv[1])
    out = sys.stdout
    for page in sys.argv[2:]:
        with open(page, encoding="utf-8", errors="replace", newline="") as f:
            text = f.read()
        root = Selector(text=text, type="xml" if page.endswith(".xml") else "html")
        name = os.path.basename(page)
        for number, kind, query, op, arg in queries:
            try:
                line = json.dumps({"r": run(root, kind, query, op, arg)}, sort_keys=True)
            except SystemExit:
                raise
            except Exception:  # noqa: BLE001 - any failure is "raises", compared as such
                line = json.dumps({"error": True})
            out.write(f"{name}\t{number}\t{line}\n")


if __name__ == "__main__":
    main()

"""The quotes crawl side by side with Scrapy, the wire and the parse limit.

Run through bench/crawl/run (which installs and builds what this needs); see bench/README.md
for what each number means. The last line printed is a JSON summary.
"""

import argparse
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "lib"))

import benchlib as bl  # noqa: E402

SKIPPED = 77  # ctest's SKIP_RETURN_CODE for the smoke run when the crawler is not built


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", type=int, default=5000)
    p.add_argument("--concurrency", default="16,64", help="comma-separated (default 16,64)")
    p.add_argument("--no-scrapy", action="store_true")
    p.add_argument("--crawler", help="the crawler executable to measure")
    p.add_argument("--smoke", action="store_true",
                   help="50 pages, concurrency 4, no Scrapy, no wrk, one run of each")
    p.add_argument("--build-dir", required=True,
                   help="the build tree with the programs (run: build-bench-crawl, built first)")
    p.add_argument("--work-dir", help="default: BUILD_DIR/bench-work")
    p.add_argument("--spiderc", help="the spiderc to build samples/quotes.spider with")
    p.add_argument("--repeat", type=int, default=3,
                   help="runs of our crawler, wrk and the parse limit per setting (best kept)")
    p.add_argument("--scrapy-repeat", type=int, default=1, help="runs of Scrapy per setting")
    p.add_argument("--wrk-seconds", type=int, default=4)
    p.add_argument("--parse-seconds", type=float, default=2.0)
    p.add_argument("--nice", type=int, default=0,
                   help="run the benchmark (nginx, wrk, crawlers) at this nice value; a "
                        "negative one needs root and shields the numbers from other load")
    args = p.parse_args(argv)
    if args.smoke:
        args.pages = 50 if args.pages == 5000 else args.pages
        args.concurrency = "4"
        args.no_scrapy = True
        args.repeat = 1
        args.parse_seconds = 0.1
    try:
        args.concurrency = [int(c) for c in args.concurrency.split(",") if c.strip()]
    except ValueError:
        p.error(f"--concurrency: expected numbers like 16,64, got {args.concurrency!r}")
    if args.pages < 2 or not args.concurrency or min(args.concurrency) < 1 or args.repeat < 1:
        p.error("--pages must be >= 2, --concurrency and --repeat >= 1")
    return args


def parse_limit(build_dir, site, seconds, repeat, parse_only=False):
    binary = os.path.join(build_dir, "bench", "crawl", "bench_parse_limit")
    if not os.access(binary, os.X_OK):
        raise bl.BenchError(f"{binary} is not built (target bench_parse_limit)")
    runs = []
    for _ in range(repeat):
        argv = [binary, site, "--seconds", str(seconds)] + (["--parse-only"] if parse_only else [])
        result = subprocess.run(argv, capture_output=True, text=True, timeout=120 + 10 * seconds)
        if result.returncode != 0:
            raise bl.BenchError(f"bench_parse_limit failed:\n{result.stderr}{result.stdout}")
        runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    return max(runs, key=lambda r: r["pages_per_cpu_second"])


def crawl_once(label, argv, work, tag, manifest, timeout):
    """One crawl: measured, its feed read and checked against the site."""
    feed = os.path.join(work, f"{tag}.jsonl")
    stats_path = os.path.join(work, f"{tag}.stats.json")
    log_path = os.path.join(work, f"{tag}.log")
    for path in (feed, stats_path):
        if os.path.exists(path):
            os.remove(path)
    m = bl.run_measured(argv(feed, stats_path), timeout, stdout=log_path, stderr=log_path,
                        cwd=work)
    run = {"crawler": label, "wall_s": round(m.wall, 3), "cpu_s": round(m.cpu, 3),
           "user_s": round(m.user, 3), "sys_s": round(m.system, 3),
           "peak_rss_mb": round(m.peak_rss_mb, 1), "exit": m.returncode, "log": log_path,
           "feed": feed, "problems": []}
    if m.timed_out:
        run["problems"].append(f"timed out after {timeout} s")
    elif m.returncode != 0:
        run["problems"].append(f"exit status {m.returncode}")
    items = []
    if os.path.exists(feed):
        try:
            items = bl.read_items(feed)
        except bl.BenchError as exc:
            run["problems"].append(str(exc))
    else:
        run["problems"].append("wrote no feed")
    if not run["problems"]:
        run["problems"] += bl.check_against_manifest(items, manifest)
    stats = bl.read_stats(stats_path)
    pages = bl.pages_from_stats(stats)
    if pages is None:
        pages = len({bl.canonical_page(i.get("page")) for i in items})
        run["pages_from"] = "items"
    run["pages"] = pages
    run["items"] = len(items)
    run["pages_per_s"] = round(pages / m.wall, 1) if m.wall > 0 else None
    run["items_per_s"] = round(len(items) / m.wall, 1) if m.wall > 0 else None
    run["pages_per_cpu_s"] = round(pages / m.cpu, 1) if m.cpu > 0 else None
    if run["problems"]:
        bl.log(f"{label}: " + "; ".join(run["problems"]) + f"\n{bl.tail(log_path)}")
    return run, items


def best_run(runs):
    good = [r for r in runs if not r["problems"]] or runs
    chosen = dict(max(good, key=lambda r: r["pages_per_s"] or 0))
    chosen["runs"] = len(runs)
    chosen["pages_per_s_all"] = [r["pages_per_s"] for r in runs]
    chosen["pages_per_s_median"] = bl.median(chosen["pages_per_s_all"])
    return chosen


def main(argv):
    args = parse_args(argv)
    bl.renice(args.nice)
    build_dir = os.path.realpath(args.build_dir)
    work = os.path.realpath(args.work_dir or os.path.join(build_dir, "bench-work"))
    os.makedirs(work, exist_ok=True)
    summary = {"bench": "crawl-smoke" if args.smoke else "crawl", "machine": bl.machine(),
               "pages": args.pages, "concurrency": args.concurrency, "ok": False}
    failures = []

    crawler, label, notes = bl.choose_crawler(args.crawler, build_dir, work, args.spiderc)
    for note in notes:
        bl.log(note)
    summary["crawler"] = label
    summary["crawler_notes"] = notes
    if crawler is None:
        if args.smoke:
            print("bench/crawl smoke: SKIPPED: no crawler built in " + build_dir)
            print(json.dumps(summary))
            return SKIPPED
        bl.log("no crawler of ours to measure: running Scrapy and the limits alone")
        failures.append("no crawler of ours could be built")
    else:
        bl.log(f"our crawler: {label} ({crawler})")

    site, manifest = bl.generate_site(work, args.pages)
    summary["site"] = {"dir": site, "pages": manifest["pages"], "quotes": manifest["total_quotes"],
                       "mean_page_bytes": manifest["mean_page_bytes"],
                       "sha256": manifest["sha256"][:16]}
    bl.log(f"site: {manifest['pages']} pages, {manifest['total_quotes']} quotes ({site})")

    bl.log("parse limit (bench_parse_limit, libxml2 alone, one core)")
    limit = parse_limit(build_dir, site, args.parse_seconds, args.repeat)
    summary["parse_limit"] = limit
    limit_rate = limit["pages_per_cpu_second"]
    summary["parse_only"] = parse_limit(build_dir, site, args.parse_seconds, args.repeat,
                                        parse_only=True)

    results = {}
    with bl.Nginx(site, os.path.join(work, "nginx")) as nginx:
        bl.log(f"nginx on {nginx.base}")
        paths = bl.write_paths(work, manifest)
        for c in args.concurrency:
            row = results.setdefault(c, {})
            if not args.smoke:
                bl.log(f"wrk -c{c} over the site's {manifest['pages']} URLs")
                row["wrk"] = max((bl.run_wrk(nginx.base, paths, c, args.wrk_seconds)
                                  for _ in range(args.repeat)),
                                 key=lambda r: r["requests_per_second"])
            scrapy_items = None
            if not args.no_scrapy:
                runs = []
                for i in range(args.scrapy_repeat):
                    bl.log(f"Scrapy, concurrency {c} (run {i + 1}/{args.scrapy_repeat})")
                    run, scrapy_items = crawl_once(
                        "scrapy",
                        lambda feed, stats: bl.scrapy_argv(nginx.base, feed, c, stats),
                        work, f"scrapy-c{c}-{i}", manifest, timeout=120 + args.pages // 20)
                    runs.append(run)
                row["scrapy"] = best_run(runs)
                failures += [f"Scrapy c={c}: {p}" for p in row["scrapy"]["problems"]]
            if crawler:
                runs = []
                ours_items = None
                for i in range(args.repeat):
                    bl.log(f"ours, concurrency {c} (run {i + 1}/{args.repeat})")
                    run, items = crawl_once(
                        "ours",
                        lambda feed, stats: bl.crawler_argv(crawler, nginx.base, feed, c, stats),
                        work, f"ours-c{c}-{i}", manifest, timeout=60 + args.pages // 50)
                    runs.append(run)
                    failures += [f"ours c={c} run {i + 1}: {p}" for p in run["problems"]]
                    if ours_items is None:
                        ours_items = items
                    elif bl.compare_items(items, ours_items)["identical"] is False:
                        failures.append(f"ours c={c}: run {i + 1} scraped other items than run 1")
                row["ours"] = best_run(runs)
                if scrapy_items is not None:
                    diff = bl.compare_items(ours_items, scrapy_items,
                                            manifest["start_url_path"])
                    row["items_vs_scrapy"] = diff
                    if not diff["equivalent"]:
                        failures.append(
                            f"c={c}: items differ from Scrapy's ({diff['only_ours']} only ours, "
                            f"{diff['only_reference']} only Scrapy's)")

    # The table: one line per crawler and concurrency.
    header = ["crawler", "conc", "pages/s", "items/s", "pages/CPU-s", "CPU s", "wall s",
              "peak RSS MB", "x Scrapy", "x Scrapy CPU", "/ parse limit", "CPU / limit",
              "/ wrk", "items ok"]
    rows = []
    for c, row in results.items():
        wrk_rate = row.get("wrk", {}).get("requests_per_second")
        scrapy_rate = row.get("scrapy", {}).get("pages_per_s")
        for who in ("scrapy", "ours"):
            r = row.get(who)
            if not r:
                continue
            r["x_scrapy"] = bl.ratio(r["pages_per_s"], scrapy_rate) if who == "ours" else None
            r["x_scrapy_cpu"] = (bl.ratio(r["pages_per_cpu_s"], row["scrapy"]["pages_per_cpu_s"])
                                 if who == "ours" and "scrapy" in row else None)
            r["of_parse_limit_cpu"] = bl.ratio(r["pages_per_cpu_s"], limit_rate)
            r["of_parse_limit"] = bl.ratio(r["pages_per_s"], limit_rate)
            r["of_wrk"] = bl.ratio(r["pages_per_s"], wrk_rate)
            if who == "ours" and "scrapy" in row:
                r["rss_of_scrapy"] = bl.ratio(r["peak_rss_mb"], row["scrapy"]["peak_rss_mb"])
            rows.append([
                "Scrapy 2.8" if who == "scrapy" else "ours", c, bl.fmt(r["pages_per_s"]),
                bl.fmt(r["items_per_s"]), bl.fmt(r["pages_per_cpu_s"]), bl.fmt(r["cpu_s"], 2),
                bl.fmt(r["wall_s"], 2), bl.fmt(r["peak_rss_mb"]),
                bl.fmt(r["x_scrapy"], 1, "x"), bl.fmt(r["x_scrapy_cpu"], 1, "x"),
                bl.fmt(r["of_parse_limit"], 3), bl.fmt(r["of_parse_limit_cpu"], 3),
                bl.fmt(r["of_wrk"], 4), "yes" if not r["problems"] else "NO"])
    m = summary["machine"]
    print(f"\nbench/crawl: {manifest['pages']} pages ({manifest['mean_page_bytes']} B each), "
          f"{m['nproc']} CPUs ({m['cpu']}), load {m['load_1min']}, {m['date']}")
    print(f"our crawler: {label}")
    print(f"parse limit (libxml2 alone, one core): {limit_rate:,.0f} pages/CPU-s "
          f"(its HTML parse alone: {summary['parse_only']['pages_per_cpu_second']:,.0f})")
    for c, row in results.items():
        if "wrk" in row:
            print(f"wire limit (wrk -c{c}, nginx, one worker): "
                  f"{row['wrk']['requests_per_second']:,.0f} requests/s")
    print(f"best of {args.repeat} runs for ours, wrk and the parse limit; "
          f"{args.scrapy_repeat} run(s) for Scrapy\n")
    if rows:
        bl.print_table(header, rows)
    for c, row in results.items():
        diff = row.get("items_vs_scrapy")
        if diff:
            if diff["identical"]:
                verdict = "identical"
            elif diff["scrapy_rescraped_start_page"]:
                verdict = ("identical but for Scrapy's second scrape of the start page (it "
                           "does not record a start request's fingerprint; ours does)")
            else:
                verdict = "DIFFERENT"
            print(f"\nitems at concurrency {c} (multisets, page URLs canonicalised): "
                  f"{verdict}; ours {diff['ours']}, Scrapy {diff['reference']}")
            if not diff["equivalent"]:
                for line in diff["first_only_ours"]:
                    print(f"  only ours:   {line[:160]}")
                for line in diff["first_only_reference"]:
                    print(f"  only Scrapy: {line[:160]}")
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
    summary["results"] = {str(c): row for c, row in results.items()}
    summary["failures"] = failures
    summary["ok"] = not failures
    print(json.dumps(summary, sort_keys=True))
    return 0 if not failures else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except bl.BenchError as exc:
        print(f"bench/crawl: {exc}", file=sys.stderr)
        print(json.dumps({"bench": "crawl", "ok": False, "error": str(exc)}))
        sys.exit(1)

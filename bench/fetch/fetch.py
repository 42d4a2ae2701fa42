"""Fetch only: the crawler's HTTP path against wrk on the same URLs and connection count.

Run through bench/fetch/run; see bench/README.md. The last line printed is a JSON summary.
"""

import argparse
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "lib"))

import benchlib as bl  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", type=int, default=5000, help="site size (default 5000)")
    p.add_argument("--requests", type=int, default=20000,
                   help="requests per fetch run: the site's URLs, cycled (default 20000)")
    p.add_argument("--concurrency", default="16,64")
    p.add_argument("--repeat", type=int, default=3, help="runs of each (best kept)")
    p.add_argument("--wrk-seconds", type=int, default=4)
    p.add_argument("--build-dir", required=True,
                   help="the build tree with the programs (run: build-bench-crawl, built first)")
    p.add_argument("--work-dir")
    p.add_argument("--fetcher", help="default: BUILD_DIR/bench/fetch/bench_fetch_only")
    p.add_argument("--client", help="default: BUILD_DIR/bench/fetch/bench_fetch_client")
    p.add_argument("--nice", type=int, default=0,
                   help="run the benchmark (nginx, wrk, crawlers) at this nice value; a "
                        "negative one needs root and shields the numbers from other load")
    args = p.parse_args(argv)
    args.concurrency = [int(c) for c in args.concurrency.split(",") if c.strip()]
    if args.pages < 1 or args.requests < 1 or args.repeat < 1 or not args.concurrency:
        p.error("--pages, --requests, --repeat and --concurrency must be positive")
    return args


def fetch_once(fetcher, base, paths, rounds, expected, c, work, tag):
    stats_path = os.path.join(work, f"{tag}.stats.json")
    log_path = os.path.join(work, f"{tag}.log")
    if os.path.exists(stats_path):
        os.remove(stats_path)
    argv = [fetcher, "-a", f"base={base}", "-a", f"paths={paths}", "-a", f"rounds={rounds}",
            "-s", f"concurrent_requests={c}", "-s", f"concurrent_requests_per_domain={c}",
            "-s", "log_level=INFO", "--stats-json", stats_path]
    m = bl.run_measured(argv, 60 + expected // 500, stdout=log_path, stderr=log_path, cwd=work)
    stats = bl.read_stats(stats_path)
    responses = bl.pages_from_stats(stats)
    ok200 = stats.get("downloader/response_status_count/200")
    problems = []
    if m.timed_out:
        problems.append("timed out")
    elif m.returncode != 0:
        problems.append(f"exit status {m.returncode}")
    if responses != expected:
        problems.append(f"{responses} responses, expected {expected}")
    if ok200 is not None and ok200 != expected:
        problems.append(f"{ok200} responses with status 200, expected {expected}")
    if problems:
        bl.log("fetch: " + "; ".join(problems) + "\n" + bl.tail(log_path))
    return {"requests": responses, "wall_s": round(m.wall, 3), "cpu_s": round(m.cpu, 3),
            "peak_rss_mb": round(m.peak_rss_mb, 1),
            "requests_per_s": round((responses or 0) / m.wall, 1) if m.wall > 0 else None,
            "requests_per_cpu_s": round((responses or 0) / m.cpu, 1) if m.cpu > 0 else None,
            "problems": problems}


def client_once(client, base, paths, rounds, expected, c):
    """bench_fetch_client: the same fetches on the HttpClient alone (no engine)."""
    result = subprocess.run([client, base, paths, str(rounds), str(c)], capture_output=True,
                            text=True, timeout=60 + expected // 500)
    lines = result.stdout.strip().splitlines()
    report = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}
    problems = []
    if result.returncode != 0:
        problems.append(f"bench_fetch_client exit {result.returncode}: {result.stderr.strip()}")
    elif report.get("requests") != expected:
        problems.append(f"bench_fetch_client made {report.get('requests')} requests, "
                        f"expected {expected}")
    report["problems"] = problems
    return report


def main(argv):
    args = parse_args(argv)
    bl.renice(args.nice)
    build_dir = os.path.realpath(args.build_dir)
    work = os.path.realpath(args.work_dir or os.path.join(build_dir, "bench-work"))
    os.makedirs(work, exist_ok=True)
    fetcher = args.fetcher or os.path.join(build_dir, "bench", "fetch", "bench_fetch_only")
    if not os.access(fetcher, os.X_OK):
        raise bl.BenchError(f"{fetcher} is not built (target bench_fetch_only)")
    client = args.client or os.path.join(build_dir, "bench", "fetch", "bench_fetch_client")
    if not os.access(client, os.X_OK):
        raise bl.BenchError(f"{client} is not built (target bench_fetch_client)")
    site, manifest = bl.generate_site(work, args.pages)
    rounds = max(1, -(-args.requests // manifest["pages"]))
    expected = rounds * manifest["pages"]
    paths = bl.write_paths(work, manifest)
    summary = {"bench": "fetch", "machine": bl.machine(), "fetcher": fetcher,
               "pages": manifest["pages"], "requests": expected, "results": {}}
    failures = []
    with bl.Nginx(site, os.path.join(work, "nginx-fetch")) as nginx:
        bl.log(f"nginx on {nginx.base}; {expected} requests per fetch run")
        for c in args.concurrency:
            wrk_runs, runs, client_runs = [], [], []
            for i in range(args.repeat):
                bl.log(f"concurrency {c}: wrk, bench_fetch_client, bench_fetch_only "
                       f"(run {i + 1}/{args.repeat})")
                wrk_runs.append(bl.run_wrk(nginx.base, paths, c, args.wrk_seconds))
                client_runs.append(client_once(client, nginx.base, paths, rounds, expected, c))
                failures += [f"c={c} run {i + 1}: {p}" for p in client_runs[-1]["problems"]]
                runs.append(fetch_once(fetcher, nginx.base, paths, rounds, expected, c, work,
                                       f"fetch-c{c}-{i}"))
                failures += [f"c={c} run {i + 1}: {p}" for p in runs[-1]["problems"]]
            wrk_best = max(wrk_runs, key=lambda r: r["requests_per_second"])
            ours_best = max(runs, key=lambda r: r["requests_per_s"] or 0)
            client_best = max(client_runs, key=lambda r: r.get("requests_per_s") or 0)
            summary["results"][str(c)] = {
                "wrk": wrk_best, "ours": ours_best, "client": client_best,
                "client_of_wrk": bl.ratio(client_best.get("requests_per_s"),
                                          wrk_best["requests_per_second"]),
                "ours_all": [r["requests_per_s"] for r in runs],
                "wrk_all": [r["requests_per_second"] for r in wrk_runs],
                "of_wrk": bl.ratio(ours_best["requests_per_s"], wrk_best["requests_per_second"]),
            }

    m = summary["machine"]
    print(f"\nbench/fetch: {expected} requests over {manifest['pages']} URLs, {m['nproc']} CPUs "
          f"({m['cpu']}), load {m['load_1min']}, {m['date']}")
    print("crawler: bench_fetch_only, a C++ spider on runtime/crawler (crawlerMain), no parsing")
    print("client:  bench_fetch_client, the runtime's HttpClient on a Reactor, no engine")
    print(f"best of {args.repeat} runs of each, the three alternating\n")
    rows = []

    def pct(x):
        return bl.fmt(x * 100 if x else None, 1, "%")

    for c, r in summary["results"].items():
        rows.append([c, bl.fmt(r["wrk"]["requests_per_second"]),
                     bl.fmt(r["client"].get("requests_per_s")),
                     bl.fmt(r["client"].get("requests_per_cpu_s")),
                     bl.fmt(r["ours"]["requests_per_s"]), bl.fmt(r["ours"]["requests_per_cpu_s"]),
                     bl.fmt(r["ours"]["peak_rss_mb"]), pct(r["client_of_wrk"]),
                     pct(r["of_wrk"])])
    bl.print_table(["conc", "wrk req/s", "client req/s", "client req/CPU-s", "crawler req/s",
                    "crawler req/CPU-s", "crawler RSS MB", "client / wrk", "crawler / wrk"],
                   rows)
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
    summary["failures"] = failures
    summary["ok"] = not failures
    print(json.dumps(summary, sort_keys=True))
    return 0 if not failures else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except bl.BenchError as exc:
        print(f"bench/fetch: {exc}", file=sys.stderr)
        print(json.dumps({"bench": "fetch", "ok": False, "error": str(exc)}))
        sys.exit(1)

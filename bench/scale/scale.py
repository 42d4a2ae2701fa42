"""Cost as the work grows: pages/s by site size, frontier memory, start-up to first request.

Run through bench/scale/run; see bench/README.md. The last line printed is a JSON summary.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "lib"))

import benchlib as bl  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000,5000,20000", help="site sizes in pages")
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--repeat", type=int, default=2, help="crawls per size (best kept)")
    p.add_argument("--requests", type=int, default=1_000_000, help="queued requests (memory)")
    p.add_argument("--fingerprints", type=int, default=10_000_000, help="seen fingerprints")
    p.add_argument("--startup-runs", type=int, default=7)
    p.add_argument("--no-scrapy", action="store_true", help="skip Scrapy's start-up time")
    p.add_argument("--skip", default="", help="comma-separated parts to skip: "
                                              "pages,memory,startup")
    p.add_argument("--crawler")
    p.add_argument("--spiderc")
    p.add_argument("--build-dir", required=True,
                   help="the build tree with the programs (run: build-bench-crawl, built first)")
    p.add_argument("--work-dir")
    p.add_argument("--nice", type=int, default=0,
                   help="run the benchmark (nginx, wrk, crawlers) at this nice value; a "
                        "negative one needs root and shields the numbers from other load")
    args = p.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    return args


def pages_by_size(crawler, args, work):
    rows, failures = [], []
    for size in args.sizes:
        site, manifest = bl.generate_site(work, size)
        runs = []
        with bl.Nginx(site, os.path.join(work, "nginx-scale")) as nginx:
            for i in range(args.repeat):
                bl.log(f"crawl of {size} pages, concurrency {args.concurrency} "
                       f"(run {i + 1}/{args.repeat})")
                tag = f"scale-{size}-{i}"
                feed = os.path.join(work, f"{tag}.jsonl")
                stats_path = os.path.join(work, f"{tag}.stats.json")
                log_path = os.path.join(work, f"{tag}.log")
                argv = bl.crawler_argv(crawler, nginx.base, feed, args.concurrency, stats_path)
                m = bl.run_measured(argv, 60 + size // 50, stdout=log_path, stderr=log_path,
                                    cwd=work)
                problems = []
                if m.timed_out or m.returncode != 0:
                    problems.append("timed out" if m.timed_out else f"exit {m.returncode}")
                else:
                    problems = bl.check_against_manifest(bl.read_items(feed), manifest)
                if problems:
                    bl.log("; ".join(problems) + "\n" + bl.tail(log_path))
                    failures += [f"{size} pages: {p}" for p in problems]
                pages = bl.pages_from_stats(bl.read_stats(stats_path)) or 0
                runs.append({"pages": pages, "wall_s": round(m.wall, 3), "cpu_s": round(m.cpu, 3),
                             "peak_rss_mb": round(m.peak_rss_mb, 1),
                             "pages_per_s": round(pages / m.wall, 1),
                             "pages_per_cpu_s": round(pages / m.cpu, 1) if m.cpu else None})
                os.remove(feed) if os.path.exists(feed) else None
        chosen = dict(max(runs, key=lambda r: r["pages_per_s"]))
        chosen["size"] = size
        chosen["pages_per_s_all"] = [r["pages_per_s"] for r in runs]
        rows.append(chosen)
    return rows, failures


def frontier_memory(build_dir, args):
    binary = os.path.join(build_dir, "bench", "scale_memory", "bench_frontier_memory")
    if not os.access(binary, os.X_OK):
        return None, f"{binary} is not built (target bench_frontier_memory, bench/scale_memory)"
    bl.log(f"bench_frontier_memory {args.requests} {args.fingerprints}")
    result = subprocess.run([binary, str(args.requests), str(args.fingerprints)],
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        return None, f"bench_frontier_memory failed ({result.returncode}): {result.stderr[-500:]}"
    lines = result.stdout.strip().splitlines()
    report = json.loads(lines[-1])
    report["table"] = lines[:-1]
    return report, None


def first_request_time(argv_for_base, work, timeout=60):
    """Seconds from just before exec to the first request's bytes arriving at a listening
    socket on 127.0.0.1 (both instants on this process's monotonic clock); the client is
    killed once it has asked."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(timeout)
    base = f"http://127.0.0.1:{server.getsockname()[1]}"
    argv = argv_for_base(base)
    proc = None
    try:
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, cwd=work, start_new_session=True)
        conn, _ = server.accept()
        conn.settimeout(timeout)
        first = conn.recv(4096)
        elapsed = time.monotonic() - start
        conn.close()
        if not first.startswith(b"GET "):
            raise bl.BenchError(f"{argv[0]}: the first request was not a GET: {first[:80]!r}")
        return elapsed, first.split(b"\r\n", 1)[0].decode("latin-1")
    except socket.timeout as exc:
        raise bl.BenchError(f"{argv[0]} made no request within {timeout} s") from exc
    finally:
        if proc:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        server.close()


def startup(crawler, args, work):
    clients = [("curl (exec + connect floor)",
                lambda base: ["curl", "-s", "-o", "/dev/null", base + "/p/0.html"])]
    if crawler:
        clients.append(("ours", lambda base: bl.crawler_argv(
            crawler, base, os.path.join(work, "startup.jsonl"), 16,
            os.path.join(work, "startup.stats.json"))))
    if not args.no_scrapy:
        clients.append(("Scrapy 2.8", lambda base: bl.scrapy_argv(
            base, os.path.join(work, "startup-scrapy.jsonl"), 16,
            os.path.join(work, "startup-scrapy.stats.json"))))
    results = {}
    for name, argv_for_base in clients:
        runs = args.startup_runs if name != "Scrapy 2.8" else max(1, min(args.startup_runs, 3))
        bl.log(f"start-up to first request: {name} ({runs} runs)")
        times, line = [], ""
        for _ in range(runs):
            elapsed, line = first_request_time(argv_for_base, work)
            times.append(elapsed)
        results[name] = {"ms_min": round(min(times) * 1000, 2),
                         "ms_median": round(bl.median(times) * 1000, 2), "runs": runs,
                         "first_request": line}
    return results


def main(argv):
    args = parse_args(argv)
    bl.renice(args.nice)
    build_dir = os.path.realpath(args.build_dir)
    work = os.path.realpath(args.work_dir or os.path.join(build_dir, "bench-work"))
    os.makedirs(work, exist_ok=True)
    summary = {"bench": "scale", "machine": bl.machine()}
    failures = []
    crawler, label, notes = bl.choose_crawler(args.crawler, build_dir, work, args.spiderc)
    for note in notes:
        bl.log(note)
    summary["crawler"] = label
    if crawler is None:
        failures.append("no crawler of ours could be built")

    if "pages" not in args.skip and crawler:
        rows, problems = pages_by_size(crawler, args, work)
        failures += problems
        summary["pages_by_size"] = rows
    if "memory" not in args.skip:
        report, problem = frontier_memory(build_dir, args)
        summary["frontier_memory"] = report
        if problem:
            bl.log(problem)
            failures.append(problem)
    if "startup" not in args.skip:
        summary["startup"] = startup(crawler, args, work)

    m = summary["machine"]
    print(f"\nbench/scale: {m['nproc']} CPUs ({m['cpu']}), load {m['load_1min']}, {m['date']}")
    print(f"our crawler: {label}\n")
    rows = summary.get("pages_by_size")
    if rows:
        first = rows[0]["pages_per_s"]
        print(f"pages/s by site size (concurrency {args.concurrency}, best of {args.repeat})")
        table = [[r["size"], bl.fmt(r["pages_per_s"]), bl.fmt(r["pages_per_cpu_s"]),
                  bl.fmt(r["peak_rss_mb"]), bl.fmt(bl.ratio(r["pages_per_s"], first), 3)]
                 for r in rows]
        bl.print_table(["pages", "pages/s", "pages/CPU-s", "peak RSS MB", "vs smallest"], table)
        summary["largest_vs_smallest"] = bl.ratio(rows[-1]["pages_per_s"], first)
        print()
    memory = summary.get("frontier_memory")
    if memory:
        print("frontier memory (bench/scale_memory's bench_frontier_memory):")
        print("\n".join("  " + line for line in memory["table"] if line.strip()))
        print()
    if summary.get("startup"):
        print("start-up: exec to the first request's bytes at the server")
        bl.print_table(["client", "min ms", "median ms", "runs"],
                       [[k, bl.fmt(v["ms_min"], 2), bl.fmt(v["ms_median"], 2), v["runs"]]
                        for k, v in summary["startup"].items()])
    if memory:
        summary["frontier_memory"] = {k: v for k, v in memory.items() if k != "table"}
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
        print(f"bench/scale: {exc}", file=sys.stderr)
        print(json.dumps({"bench": "scale", "ok": False, "error": str(exc)}))
        sys.exit(1)

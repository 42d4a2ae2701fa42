"""Shared by bench/crawl, bench/fetch and bench/scale (run with Debian's /usr/bin/python3).

What is here: the work directory and the cached generated sites, nginx on a free 127.0.0.1
port, measured child processes (wall time, user+sys CPU and peak RSS from wait4), wrk runs,
the crawler under test (which binary, and its command line), the item comparison used to
check two crawls scraped the same thing, and table/JSON printing.

Nothing here ever talks to an address other than 127.0.0.1.
"""

import collections
import ctypes
import json
import os
import posixpath
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.dont_write_bytecode = True  # never leave __pycache__ in the source tree

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
PYTHON = "/usr/bin/python3"
GENERATOR = os.path.join(ROOT, "samples", "site", "generate.py")
NGINX_TEMPLATE = os.path.join(ROOT, "bench", "crawl", "nginx.conf.in")
WRK_SCRIPT = os.path.join(ROOT, "bench", "lib", "urls.lua")
SCRAPY_SPIDER = os.path.join(ROOT, "bench", "crawl", "quotes_scrapy.py")
DEFAULT_SEED = 20240601
TIME = "/usr/bin/time"  # GNU time (Debian package `time`)


class BenchError(Exception):
    """A step of a benchmark failed; the message says which and why."""


def log(message):
    print(f"==> {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# Sites

def generate_site(work, pages, seed=DEFAULT_SEED):
    """The generated site with `pages` pages under work/sites (reused when up to date).
    Returns (site_dir, manifest)."""
    site = os.path.join(work, "sites", f"quotes-{pages}-{seed}")
    result = subprocess.run([PYTHON, GENERATOR, site, "--pages", str(pages), "--seed", str(seed)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"the site generator failed:\n{result.stderr}")
    with open(os.path.join(site, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    return site, manifest


def page_paths(manifest):
    return [manifest["page_url_pattern"].format(n=n) for n in range(manifest["pages"])]


def write_paths(work, manifest, repeat=1):
    """A file with the site's page paths, one a line (repeated `repeat` times)."""
    path = os.path.join(work, f"paths-{manifest['pages']}-{repeat}.txt")
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(repeat):
            f.write("\n".join(page_paths(manifest)) + "\n")
    return path


# ---------------------------------------------------------------------------------------
# Processes

def _die_with_parent():
    # The child gets SIGTERM when the benchmark dies, so no nginx outlives a killed run.
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)


def renice(value):
    """Sets this process's nice value (inherited by every child it starts)."""
    if value == 0:
        return
    try:
        os.setpriority(os.PRIO_PROCESS, 0, value)
    except OSError as exc:
        raise BenchError(f"--nice {value}: {exc} (a negative value needs root)") from exc


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Measured:
    """The outcome of one measured child process."""

    def __init__(self, returncode, wall, user, system, maxrss_kb, timed_out):
        self.returncode = returncode
        self.wall = wall
        self.user = user
        self.system = system
        self.cpu = user + system
        self.peak_rss_mb = maxrss_kb / 1024.0
        self.timed_out = timed_out


def run_measured(argv, timeout, stdout=None, stderr=None, cwd=None, env=None):
    """Runs argv to completion (killing its process group after `timeout` seconds) and
    returns its wall time, CPU seconds and peak RSS.

    The child runs under /usr/bin/time, which reports its user and system time and peak RSS
    from wait4. Not wait4 from here: Python starts children with vfork, and Linux records
    the hiwater RSS of the address space an exec replaces, which for a vfork child is this
    process's, so ru_maxrss would report the benchmark's own peak, not the crawler's."""
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL
    if stderr and stderr == stdout:
        err = subprocess.STDOUT
    else:
        err = open(stderr, "wb") if stderr else subprocess.DEVNULL
    fd, usage_path = tempfile.mkstemp(prefix="usage-", suffix=".txt")
    os.close(fd)
    try:
        timed = [TIME, "-q", "-f", "%U %S %M", "-o", usage_path] + list(argv)
        start = time.monotonic()
        try:
            proc = subprocess.Popen(timed, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                    cwd=cwd, env=env, start_new_session=True)
        except OSError as exc:
            raise BenchError(f"cannot run {argv[0]}: {exc}") from exc
        try:
            proc.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            timed_out = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        wall = time.monotonic() - start
        user = system = maxrss = 0.0
        with open(usage_path, encoding="utf-8", errors="replace") as f:
            fields = f.read().split()
        if len(fields) >= 3:
            user, system, maxrss = float(fields[-3]), float(fields[-2]), float(fields[-1])
        return Measured(proc.returncode, wall, user, system, maxrss, timed_out)
    finally:
        os.unlink(usage_path)
        for f in (out, err):
            if hasattr(f, "close"):
                f.close()


def tail(path, lines=15):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


# ---------------------------------------------------------------------------------------
# nginx

class Nginx:
    """nginx serving `root` on a free 127.0.0.1 port, all of its files under `work`.
    access_log: None (off) or a path; entries are '$msec $request_uri $status'."""

    def __init__(self, root, work, access_log=None):
        self.root = os.path.realpath(root)
        self.work = os.path.realpath(work)
        self.access_log = access_log
        self.proc = None
        self.port = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def _config(self, port):
        with open(NGINX_TEMPLATE, encoding="utf-8") as f:
            text = f.read()
        user_line = ""
        if os.geteuid() == 0:  # otherwise nginx ignores `user`; as root it must be told
            user_line = "user root root;"
        access = f"{self.access_log} timed" if self.access_log else "off"
        nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        if nofile == resource.RLIM_INFINITY:
            nofile = 65536
        nofile = min(nofile, 65536)
        cached = min(50000, nofile - 1024 - 256)  # room for connections and nginx's own
        file_cache = (f"open_file_cache max={cached} inactive=60s;\n    "
                      "open_file_cache_valid 600s;") if cached >= 256 else "open_file_cache off;"
        for name, value in {"@USER_LINE@": user_line, "@WORK@": self.work,
                            "@ROOT@": self.root, "@PORT@": str(port),
                            "@ACCESS_LOG@": access, "@NOFILE@": str(nofile),
                            "@FILE_CACHE@": file_cache}.items():
            text = text.replace(name, value)
        path = os.path.join(self.work, "nginx.conf")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def start(self):
        if not shutil.which("nginx") and not os.path.exists("/usr/sbin/nginx"):
            raise BenchError("nginx is not installed (apt-get install nginx)")
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        os.makedirs(self.work, exist_ok=True)
        last_error = ""
        for _ in range(5):  # the port may be taken between free_port() and nginx's bind
            port = free_port()
            config = self._config(port)
            errlog = os.path.join(self.work, "nginx.stderr")
            with open(errlog, "wb") as err:
                self.proc = subprocess.Popen([binary, "-p", self.work, "-c", config],
                                             stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                                             preexec_fn=_die_with_parent)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        self.port = port
                        return self
                except OSError:
                    time.sleep(0.05)
            last_error = tail(errlog) + tail(os.path.join(self.work, "error.log"))
            self.stop()
        raise BenchError(f"nginx did not start:\n{last_error}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: workers finish, then exit
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


# ---------------------------------------------------------------------------------------
# wrk

def run_wrk(base, paths_file, connections, seconds):
    """wrk's requests/s over the URLs in paths_file (cycled), one thread, `connections`
    keep-alive connections. Fails when any response was not 2xx/3xx or a socket errored."""
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", WRK_SCRIPT,
            base, "--", paths_file]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 30)
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}):\n{result.stderr}{result.stdout}")
    text = result.stdout
    rps = re.search(r"Requests/sec:\s*([0-9.]+)", text)
    if not rps:
        raise BenchError(f"wrk printed no Requests/sec:\n{text}")
    bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       text)
    if bad and int(bad.group(1)) > 0:
        raise BenchError(f"wrk got {bad.group(1)} non-2xx responses:\n{text}")
    if errors and sum(int(g) for g in errors.groups()[:3]) > 0:
        raise BenchError(f"wrk had socket errors:\n{text}")
    requests = re.search(r"(\d+) requests in", text)
    return {"requests_per_second": float(rps.group(1)),
            "requests": int(requests.group(1)) if requests else None,
            "connections": connections, "seconds": seconds}


# ---------------------------------------------------------------------------------------
# The crawler under test

def crawler_argv(crawler, base, feed, concurrency, stats_json, extra_args=()):
    """The shared crawler command line (runtime/engine/command_line.h)."""
    argv = [crawler, "-a", f"base={base}", "-O", feed,
            "-s", f"concurrent_requests={concurrency}",
            "-s", f"concurrent_requests_per_domain={concurrency}",
            "-s", "log_level=INFO", "--stats-json", stats_json]
    for name, value in extra_args:
        argv += ["-a", f"{name}={value}"]
    return argv


def scrapy_argv(base, feed, concurrency, stats_json):
    return [PYTHON, "-m", "scrapy", "runspider", SCRAPY_SPIDER, "-a", f"base={base}",
            "-O", feed, "-s", f"CONCURRENT_REQUESTS={concurrency}",
            "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}", "-s", "LOG_LEVEL=INFO",
            "-a", f"stats_json={stats_json}"]


def choose_crawler(explicit, build_dir, work, spiderc=None):
    """The crawler to measure and a label saying which one it is: --crawler PATH; else
    samples/quotes.spider built by `spiderc build` when that works; else cpp_quotes (the
    hand-written equivalent on runtime/crawler). Returns (path, label, notes)."""
    notes = []
    if explicit:
        path = os.path.realpath(explicit)
        if not os.access(path, os.X_OK):
            raise BenchError(f"--crawler {explicit}: not an executable file")
        return path, f"--crawler {explicit}", notes
    spiderc = spiderc or os.path.join(build_dir, "compiler", "spiderc")
    if os.access(spiderc, os.X_OK):
        out = os.path.join(work, "quotes_spider")
        source = os.path.join(ROOT, "samples", "quotes.spider")
        inputs = [spiderc, source, os.path.join(build_dir, "runtime", "libspider_runtime.a")]
        newest_input = max(os.path.getmtime(p) for p in inputs if os.path.exists(p))
        if os.access(out, os.X_OK) and os.path.getmtime(out) > newest_input:
            return out, "samples/quotes.spider (spiderc build, cached)", notes
        argv = [spiderc, "build", source, "-o", out]
        try:
            result = subprocess.run(argv, capture_output=True, text=True, timeout=600)
            if result.returncode == 0 and os.access(out, os.X_OK):
                return out, "samples/quotes.spider (spiderc build)", notes
            first = (result.stderr or result.stdout).strip().splitlines()[:1]
            notes.append(f"`spiderc build samples/quotes.spider` failed "
                         f"({result.returncode}): {first[0] if first else 'no output'}")
        except (OSError, subprocess.TimeoutExpired) as exc:
            notes.append(f"`spiderc build samples/quotes.spider` failed: {exc}")
    else:
        notes.append(f"no spiderc at {spiderc}")
    fallback = os.path.join(build_dir, "samples", "cpp_quotes", "cpp_quotes")
    if os.access(fallback, os.X_OK):
        notes.append("measuring samples/cpp_quotes (the hand-written equivalent) instead")
        return fallback, "samples/cpp_quotes (hand-written C++)", notes
    return None, None, notes + [f"no cpp_quotes at {fallback}"]


def read_stats(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def pages_from_stats(stats):
    for key in ("response_received_count", "downloader/response_count"):
        if isinstance(stats.get(key), int):
            return stats[key]
    return None


# ---------------------------------------------------------------------------------------
# Items

def read_items(path):
    """The items of a JSON Lines feed; BenchError on a line that is not a JSON object."""
    items = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError as exc:
                raise BenchError(f"{path}:{number}: not JSON ({exc}): {line[:200]!r}") from exc
            if not isinstance(item, dict):
                raise BenchError(f"{path}:{number}: not a JSON object: {line[:200]!r}")
            items.append(item)
    return items


def canonical_page(url):
    """The page a quote came from, independent of which spelling of the link was crawled
    first and of the server's port: '/p/7.html' for 'http://127.0.0.1:1234/p/./%37.html?#x'."""
    if not isinstance(url, str):
        return url
    parts = urllib.parse.urlsplit(url)
    path = posixpath.normpath(urllib.parse.unquote(parts.path or "/"))
    return path + (f"?{parts.query}" if parts.query else "")


def normalise(item):
    """An item as a canonical JSON string, comparable across crawlers and runs."""
    item = dict(item)
    if "page" in item:
        item["page"] = canonical_page(item["page"])
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def compare_items(ours, reference, start_page=None, limit=5):
    """Compares two item lists as multisets of normalised items.

    identical: the multisets are equal. equivalent: equal, or the only difference is that
    the reference (Scrapy) has the start page's items once more than ours: Scrapy does not
    record a dont_filter start request's fingerprint and scrapes the start page again when
    page 1 links back to it; our engine records it on purpose (runtime/crawler/engine.cpp,
    enqueueStart). Any other difference is a real one."""
    a = collections.Counter(normalise(i) for i in ours)
    b = collections.Counter(normalise(i) for i in reference)
    only_ours = list((a - b).elements())
    only_reference = list((b - a).elements())
    start_rescrape = bool(
        start_page and only_reference and not only_ours
        and all(json.loads(x).get("page") == start_page for x in only_reference)
        and all(a[x] == 1 and b[x] == 2 for x in set(only_reference)))
    return {"identical": not only_ours and not only_reference,
            "equivalent": (not only_ours and not only_reference) or start_rescrape,
            "scrapy_rescraped_start_page": start_rescrape,
            "ours": sum(a.values()), "reference": sum(b.values()),
            "only_ours": len(only_ours), "only_reference": len(only_reference),
            "first_only_ours": sorted(only_ours)[:limit],
            "first_only_reference": sorted(only_reference)[:limit]}


def check_against_manifest(items, manifest):
    """Problems with a crawl's items, judged from the site alone: every quote of every page
    scraped, each field present. Scrapy scrapes the start page twice (the start request is
    dont_filter, so its fingerprint is never recorded and page 1's pager link fetches it
    again), so page 0's quotes may appear twice; anything else duplicated is a bug."""
    problems = []
    per_page = manifest["quotes_per_page"]
    texts = collections.Counter()
    pages = collections.Counter()
    for item in items:
        for field in ("text", "author", "tags", "page"):
            if item.get(field) in (None, "", []):
                problems.append(f"an item has no {field}: {json.dumps(item)[:200]}")
                break
        texts[item.get("text")] += 1
        pages[canonical_page(item.get("page"))] += 1
    if len(texts) != manifest["total_quotes"]:
        problems.append(f"{len(texts)} distinct quotes scraped, the site has "
                        f"{manifest['total_quotes']}")
    start = manifest["start_url_path"]
    for page, count in pages.items():
        allowed = (per_page, 2 * per_page) if page == start else (per_page,)
        if count not in allowed:
            problems.append(f"{count} items from {page} (expected {per_page})")
    if len(pages) != manifest["pages"]:
        problems.append(f"items from {len(pages)} pages, the site has {manifest['pages']}")
    return problems[:10]


# ---------------------------------------------------------------------------------------
# Output

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(a, b):
    return round(a / b, 3) if a and b else None


def fmt(value, digits=1, suffix=""):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{suffix}"
    return f"{value:,}{suffix}"


def print_table(header, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(header)]
    line = "  ".join(f"{h:<{w}}" if i == 0 else f"{h:>{w}}" for i, (h, w) in
                     enumerate(zip(header, widths)))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(f"{c:<{w}}" if i == 0 else f"{c:>{w}}" for i, (c, w) in
                        enumerate(zip(row, widths))))


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"nproc": os.cpu_count(), "cpu": model, "load_1min": round(load, 2) if load else None,
            "nice": os.getpriority(os.PRIO_PROCESS, 0),
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}

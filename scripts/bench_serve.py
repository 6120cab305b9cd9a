#!/usr/bin/env python3
"""Time from saving a file to `tradekb serve` serving the change, against `hugo server`,
on the shared generated corpus.

    python3 scripts/bench_serve.py [--size 10000] [--edits 5] [--hugo] [--no-search]
        [--bench-dir /dev/shm/tradekb-bench] [--binary target/release/tradekb]

1. Uses the corpus `scripts/bench.py` generates (OUT/corpus-N); run that first. The corpus
   is copied, since the edits change it.
2. Starts the server on the copy and waits for its first build (reported as "first build").
3. Body edit, `--edits` times: appends a paragraph with a fresh marker to an article and polls
   the article's URL every 5 ms until the marker is served.
4. Title edit, `--edits` times: changes the title of the section's newest article and polls
   the section's first list page until the new title is listed (so a list is up to date,
   not only the article).
   For tradekb, also until its log says the search index that holds the edit is served
   ("search lag"); the edits start once the first index is served ("first index"), and each
   waits for the index of the one before (title edits too), so that none competes with it.
5. Memory of the server process once the edits are done and it has idled a second and a
   half (`VmRSS`), and its peak (`VmHWM`), from /proc (Linux only).
6. With `--hugo`, the same edits on the Hugo copy of the same articles under `hugo server`
   (its defaults: rendering to memory, fast render), then the ratios.

Edits alternate between the tools only per tool run (one server at a time, so they do not
compete for the two cores); the machine is noisy, compare ratios from one run.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.read().decode("utf-8", "replace")
    except Exception:
        return ""


def wait_for(url, text, timeout=120.0):
    start = time.monotonic()
    while text not in get(url):
        if time.monotonic() - start > timeout:
            sys.exit("bench_serve: %s never showed %r" % (url, text))
        time.sleep(0.005)
    return time.monotonic() - start


def newest(folder):
    """The article with the latest `date:` in a folder of Markdown files."""
    best = None
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".md") or name.startswith("_"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            head = f.read(2000)
        m = re.search(r"^date:\s*\"?([^\"\n]+)", head, re.M)
        if m and (best is None or m.group(1) > best[0]):
            best = (m.group(1), name)
    return best[1]


def set_title(path, title):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"^title:.*$", 'title: "%s"' % title, text, count=1, flags=re.M)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def append(path, text):
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)


INDEXED = "Search index updated"


def lines_saying(path, text):
    with open(path, encoding="utf-8", errors="replace") as f:
        return sum(text in line for line in f)


def wait_for_line(path, text, count, start, timeout=600.0):
    """Seconds from `start` until the log at `path` has `count` lines saying `text`."""
    while lines_saying(path, text) < count:
        if time.monotonic() - start > timeout:
            sys.exit("bench_serve: %s never said %r" % (path, text))
        time.sleep(0.005)
    return time.monotonic() - start


class Tool:
    def __init__(self, name, command, cwd, base, article, page_url, section, list_url,
                 indexes=False):
        self.name, self.command, self.cwd, self.base = name, command, cwd, base
        self.article, self.page_url = article, page_url
        self.section, self.list_url = section, list_url
        self.indexes = indexes

    def run(self, edits):
        start = time.monotonic()
        log_path = os.path.join(self.cwd, "..", self.name + ".log")
        log = open(log_path, "w")
        proc = subprocess.Popen(self.command, cwd=self.cwd, stdout=log, stderr=log)
        try:
            wait_for(self.base, "<", timeout=600)
            first = time.monotonic() - start
            index, lag = None, []
            if self.indexes:
                index = wait_for_line(log_path, INDEXED, 1, start)
            body, title = [], []
            for k in range(edits):
                marker = "基准标记%s%d" % (self.name, k)
                indexed = self.indexes and lines_saying(log_path, INDEXED)
                saved = time.monotonic()
                append(self.article, "\n\n新增一段：%s。\n" % marker)
                body.append(wait_for(self.page_url, marker))
                if self.indexes:
                    lag.append(wait_for_line(log_path, INDEXED, indexed + 1, saved))
                time.sleep(0.5)
            newest_file = os.path.join(self.section, newest(self.section))
            for k in range(edits):
                new_title = "新标题%s%d" % (self.name, k)
                indexed = self.indexes and lines_saying(log_path, INDEXED)
                saved = time.monotonic()
                set_title(newest_file, new_title)
                title.append(wait_for(self.list_url, new_title))
                if self.indexes:
                    # Not timed: the next edit waits for this one's index, as body edits do.
                    wait_for_line(log_path, INDEXED, indexed + 1, saved)
                time.sleep(0.5)
            time.sleep(1.5)
            return first, body, title, memory(proc.pid), index, lag
        finally:
            proc.terminate()
            proc.wait()
            log.close()


def memory(pid):
    """The resident and peak resident memory of a process, in MiB, from /proc."""
    found = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return found.get("VmRSS", float("nan")), found.get("VmHWM", float("nan"))


def ms(seconds):
    return "%.0f ms" % (seconds * 1000)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=5)
    ap.add_argument("--hugo", action="store_true")
    ap.add_argument("--no-search", action="store_true",
                    help="serve without a search index, as tradekb did before it had one")
    ap.add_argument("--bench-dir", default="/dev/shm/tradekb-bench")
    ap.add_argument("--binary", default=os.path.join(REPO, "target", "release", "tradekb"))
    args = ap.parse_args()

    corpus = os.path.join(args.bench_dir, "corpus-%d" % args.size)
    if not os.path.isdir(corpus):
        sys.exit("bench_serve: no corpus at %s; run scripts/bench.py --sizes %d first"
                 % (corpus, args.size))
    if not os.path.exists(args.binary):
        subprocess.run(["cargo", "build", "--release"], cwd=REPO, check=True)
    work = tempfile.mkdtemp(prefix="bench-serve-", dir=args.bench_dir)
    try:
        results = {}
        tk = os.path.join(work, "tradekb")
        shutil.copytree(os.path.join(corpus, "tradekb"), tk)
        port = free_port()
        base = "http://127.0.0.1:%d/" % port
        section = os.path.join(tk, "content", "policies")
        name = sorted(n for n in os.listdir(section) if not n.startswith("_"))[7]
        serve = [args.binary, "serve", "--port", str(port)]
        if args.no_search:
            serve.append("--no-search")
        tools = [Tool("tradekb", serve, tk, base,
                      os.path.join(section, name), base + "policies/%s/" % name[:-3],
                      section, base + "policies/", indexes=not args.no_search)]
        if args.hugo:
            hg = os.path.join(work, "hugo")
            shutil.copytree(os.path.join(corpus, "hugo"), hg)
            port = free_port()
            base = "http://127.0.0.1:%d/" % port
            posts = os.path.join(hg, "content", "posts")
            tools.append(Tool("hugo", ["hugo", "server", "--port", str(port), "--bind",
                                       "127.0.0.1", "--disableLiveReload", "--quiet"],
                              hg, base, os.path.join(posts, name),
                              base + "posts/%s/" % name[:-3], posts, base + "posts/"))
        for tool in tools:
            results[tool.name] = tool.run(args.edits)
        print("### Saving a file → the change served, %s articles\n" % format(args.size, ","))
        print("| tool | first build | body edit (median) | body edit (min–max) "
              "| title edit, list updated (median) | title edit (min–max) "
              "| memory after the edits | peak memory | first search index "
              "| body edit in search (median) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for tool, (first, body, title, (rss, peak), index, lag) in results.items():
            search = (ms(index), ms(statistics.median(lag))) if lag else ("—", "—")
            print("| %s | %s | %s | %s–%s | %s | %s–%s | %.0f MiB | %.0f MiB | %s | %s |" % (
                tool, ms(first), ms(statistics.median(body)), ms(min(body)), ms(max(body)),
                ms(statistics.median(title)), ms(min(title)), ms(max(title)), rss, peak,
                *search))
        if "hugo" in results:
            t, h = results["tradekb"], results["hugo"]
            print("\ntradekb / Hugo: body edit %.2f×, title edit %.2f×" % (
                statistics.median(t[1]) / statistics.median(h[1]),
                statistics.median(t[2]) / statistics.median(h[2])))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

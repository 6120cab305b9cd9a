#!/usr/bin/env python3
"""Benchmark `tradekb build` on the shared generated corpus, optionally against Hugo.

    python3 scripts/bench.py [--sizes 1000,10000,50000] [--runs 3] [--hugo] [--hugo-max N]
        [--out /dev/shm/tradekb-bench] [--binary target/release/tradekb]
        [--generator ../shared/bench/gen_corpus.py] [--json FILE] [--jobs N]
        [--regenerate] [--keep-output] [--search]

What it does:

1. Builds the release binary (`cargo build --release`) unless `--binary` names an
   existing file.
2. For each size N, generates the corpus once with
   `python3 GENERATOR --n N --out OUT/corpus-N` (OUT is on tmpfs by default). A corpus
   left by an earlier run is reused when its stamp (generator hash, N) matches, unless
   `--regenerate`.
3. Runs one untimed warm-up of each tool, then `--runs` timed builds of each tool. With
   `--hugo` the tools alternate, and the order flips every round (T H, H T, T H, ...), so
   neither always runs right after the other. Every build writes into a fresh folder on
   the same file system as OUT, removed after the run (the removal is not timed).
     tradekb build --root OUT/corpus-N/tradekb -v --force --no-search -o RUN/public
     hugo --source OUT/corpus-N/hugo --minify --quiet --destination RUN/public
   Hugo makes no search index, so tradekb's is left out of the comparison; `--search`
   times tradekb's whole build, search index included.
4. Measures each run: wall time (perf_counter around the child), CPU time (user + sys of
   that child, from os.wait4), peak memory (the child's max RSS, from os.wait4), articles
   per second (N / wall), tradekb's stage times (its `-v` line), and the files and bytes
   written.
5. Prints, per size, a Markdown table of medians (wall also as min-max), the
   tradekb/Hugo ratios, the targets and whether each is met, and the machine.
6. `--json FILE` writes every raw measurement.
7. Exits 1 when a build fails (its stderr is printed), 2 on bad usage.

Python 3 standard library only.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Targets from the performance issue.
TARGET_WALL_RATIO = 0.25       # tradekb wall <= 1/4 of Hugo's, on 10,000 articles
TARGET_RSS_MIB = 400.0         # tradekb peak memory
TARGET_GROWTH = 5.5            # wall(50,000) / wall(10,000) for tradekb

STAGES_RE = re.compile(
    r"stages: load ([\d.]+) ms, resolve ([\d.]+) ms, render ([\d.]+) ms, write ([\d.]+) ms")
BUILT_RE = re.compile(r"Built (\d+) articles? into (\d+) pages? \((\d+) files?\)")
STAGES = ("load", "resolve", "render", "write")


class BuildFailed(Exception):
    pass


# --------------------------------------------------------------------------
# Machine
# --------------------------------------------------------------------------


def run_text(cmd, cwd=None):
    """stdout of cmd, stripped, or None if it cannot run or fails."""
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return p.stdout.strip() if p.returncode == 0 else None


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mem_total_gib():
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def loadavg():
    try:
        with open("/proc/loadavg", encoding="utf-8") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return None


def fs_type(path):
    """File system type of the mount holding path, from /proc/mounts."""
    path = os.path.realpath(path)
    best, kind = "", None
    try:
        with open("/proc/mounts", encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 3:
                    continue
                mnt = parts[1]
                if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) and len(mnt) > len(best):
                    best, kind = mnt, parts[2]
    except OSError:
        pass
    return kind


def hugo_version():
    if shutil.which("hugo") is None:
        return None
    return run_text(["hugo", "version"])


def machine_info(binary, hugo):
    commit = run_text(["git", "rev-parse", "--short", "HEAD"], cwd=REPO)
    dirty = run_text(["git", "status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock"],
                     cwd=REPO)
    if commit and dirty:
        commit += " (+ uncommitted changes in src/ or Cargo files)"
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": run_text(["nproc"]) or str(os.cpu_count()),
        "cpu": cpu_model(),
        "memory_gib": mem_total_gib(),
        "kernel": platform.release(),
        "tradekb_commit": commit,
        "tradekb_binary": binary,
        "rustc": run_text(["rustc", "--version"]),
        "hugo": hugo,
        "python": platform.python_version(),
        "loadavg_start": loadavg(),
    }


# --------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------


def find_generator(explicit):
    if explicit:
        if not os.path.isfile(explicit):
            sys.exit("bench: --generator %s: no such file" % explicit)
        return os.path.abspath(explicit)
    candidates = [os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py"),
                  os.path.join(os.getcwd(), "..", "shared", "bench", "gen_corpus.py")]
    for c in candidates:
        if os.path.isfile(c):
            return os.path.abspath(c)
    sys.exit("bench: gen_corpus.py not found at ../shared/bench/ (relative to the repo); "
             "pass --generator PATH")


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def ensure_corpus(generator, n, out, regenerate):
    """Generate OUT/corpus-N unless a matching one is there; return (dir, seconds, reused)."""
    corpus = os.path.join(out, "corpus-%d" % n)
    stamp_path = os.path.join(corpus, ".bench-stamp.json")
    stamp = {"n": n, "generator_sha256": file_sha256(generator)}
    if not regenerate and os.path.isfile(stamp_path):
        try:
            with open(stamp_path, encoding="utf-8") as f:
                if json.load(f) == stamp:
                    return corpus, 0.0, True
        except (OSError, ValueError):
            pass
    if os.path.exists(corpus):
        shutil.rmtree(corpus)
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, generator, "--n", str(n), "--out", corpus],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    secs = time.perf_counter() - t0
    if p.returncode != 0:
        sys.stderr.write(p.stdout + p.stderr)
        raise BuildFailed("corpus generator failed for N=%d (exit %d)" % (n, p.returncode))
    with open(stamp_path, "w", encoding="utf-8") as f:
        json.dump(stamp, f)
    return corpus, secs, False


# --------------------------------------------------------------------------
# One measured run
# --------------------------------------------------------------------------


def dir_size(path):
    files = 0
    size = 0
    for root, _dirs, names in os.walk(path):
        for name in names:
            try:
                size += os.lstat(os.path.join(root, name)).st_size
                files += 1
            except OSError:
                pass
    return files, size


def measure(cmd, scratch):
    """Run cmd once; return its measurements. Raises BuildFailed on a non-zero exit."""
    out_f = tempfile.TemporaryFile(dir=scratch)
    err_f = tempfile.TemporaryFile(dir=scratch)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out_f, stderr=err_f, stdin=subprocess.DEVNULL)
    _pid, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped by wait4
    out_f.seek(0)
    err_f.seek(0)
    stdout = out_f.read().decode("utf-8", "replace")
    stderr = err_f.read().decode("utf-8", "replace")
    out_f.close()
    err_f.close()
    if proc.returncode != 0:
        raise BuildFailed("`%s` exited with %d\n--- stderr ---\n%s\n--- stdout ---\n%s" % (
            " ".join(cmd), proc.returncode, stderr.rstrip(), stdout.rstrip()[-4000:]))
    return {
        "wall_s": wall,
        "user_s": ru.ru_utime,
        "sys_s": ru.ru_stime,
        "cpu_s": ru.ru_utime + ru.ru_stime,
        "max_rss_mib": ru.ru_maxrss / 1024.0,  # Linux reports KiB
        "stdout": stdout[-2000:],
        "stderr": stderr[-2000:],
    }


def run_tool(tool, binary, corpus, scratch, jobs, keep_output, search=False):
    run_dir = tempfile.mkdtemp(prefix="run-%s-" % tool, dir=scratch)
    dest = os.path.join(run_dir, "public")
    if tool == "tradekb":
        cmd = [binary, "build", "--root", os.path.join(corpus, "tradekb"), "-v", "--force",
               "-o", dest]
        if jobs:
            cmd += ["-j", str(jobs)]
        if not search:
            cmd += ["--no-search"]
    else:
        cmd = ["hugo", "--source", os.path.join(corpus, "hugo"), "--minify", "--quiet",
               "--destination", dest]
    try:
        m = measure(cmd, run_dir)
        m["files"], m["bytes"] = dir_size(dest)
    finally:
        if not keep_output:
            shutil.rmtree(run_dir, ignore_errors=True)
    m["tool"] = tool
    m["command"] = cmd
    if tool == "tradekb":
        s = STAGES_RE.search(m["stdout"])
        m["stages_ms"] = dict(zip(STAGES, map(float, s.groups()))) if s else None
        b = BUILT_RE.search(m["stdout"])
        if b:
            m["built_articles"], m["built_pages"], m["built_files"] = map(int, b.groups())
    return m


# --------------------------------------------------------------------------
# Summaries and printing
# --------------------------------------------------------------------------


def summarize(runs, n):
    walls = [r["wall_s"] for r in runs]
    s = {
        "runs": len(runs),
        "wall_median_s": statistics.median(walls),
        "wall_min_s": min(walls),
        "wall_max_s": max(walls),
        "cpu_median_s": statistics.median(r["cpu_s"] for r in runs),
        "rss_median_mib": statistics.median(r["max_rss_mib"] for r in runs),
        "rss_max_mib": max(r["max_rss_mib"] for r in runs),
        "files": runs[-1].get("files"),
        "bytes": runs[-1].get("bytes"),
    }
    s["articles_per_s"] = n / s["wall_median_s"]
    stages = [r["stages_ms"] for r in runs if r.get("stages_ms")]
    if stages:
        s["stages_median_ms"] = {k: statistics.median(x[k] for x in stages) for k in STAGES}
    return s


def fmt_s(x):
    return "%.2f s" % x if x < 100 else "%.0f s" % x


def fmt_mib(x):
    return "%.0f MiB" % x if x < 10240 else "%.1f GiB" % (x / 1024)


def table(n, summaries):
    lines = [
        "| tool | wall (median) | wall (min–max) | CPU (user+sys) | CPU/wall | peak RSS | articles/s "
        "| files written | load | resolve | render | write |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for tool in ("tradekb", "hugo"):
        s = summaries.get(tool)
        if not s:
            continue
        st = s.get("stages_median_ms")
        stage_cells = ["%.0f ms" % st[k] for k in STAGES] if st else ["–"] * 4
        lines.append("| %s | %s | %s–%s | %s | %.2f | %s | %.0f | %s | %s |" % (
            tool, fmt_s(s["wall_median_s"]), fmt_s(s["wall_min_s"]).replace(" s", ""),
            fmt_s(s["wall_max_s"]), fmt_s(s["cpu_median_s"]),
            s["cpu_median_s"] / s["wall_median_s"], fmt_mib(s["rss_median_mib"]),
            s["articles_per_s"], "{:,}".format(s["files"]) if s["files"] is not None else "–",
            " | ".join(stage_cells)))
    out = ["### %s articles" % "{:,}".format(n), ""] + lines
    t, h = summaries.get("tradekb"), summaries.get("hugo")
    if t and h:
        out += ["", "tradekb / Hugo: wall %.2f×, CPU %.2f×, peak RSS %.2f×" % (
            t["wall_median_s"] / h["wall_median_s"], t["cpu_median_s"] / h["cpu_median_s"],
            t["rss_median_mib"] / h["rss_median_mib"])]
    return "\n".join(out)


def verdict(ok):
    return "met" if ok else "NOT met"


def targets(results, hugo_requested, hugo_available):
    """Lines saying each target, the figure measured and whether it is met."""
    lines = []
    by_n = {r["n"]: r["summary"] for r in results}
    # 1. wall at 10,000 vs Hugo
    s10 = by_n.get(10000, {})
    if "tradekb" in s10 and "hugo" in s10:
        ratio = s10["tradekb"]["wall_median_s"] / s10["hugo"]["wall_median_s"]
        lines.append("- tradekb wall ≤ 1/4 of Hugo's on 10,000 articles: %.2f× (%s vs %s) — %s" % (
            ratio, fmt_s(s10["tradekb"]["wall_median_s"]), fmt_s(s10["hugo"]["wall_median_s"]),
            verdict(ratio <= TARGET_WALL_RATIO)))
    else:
        why = ("size 10000 not measured" if 10000 not in by_n else
               "Hugo not run (pass --hugo)" if not hugo_requested else
               "Hugo is not installed" if not hugo_available else "no Hugo figure")
        lines.append("- tradekb wall ≤ 1/4 of Hugo's on 10,000 articles: not measured (%s)" % why)
    # 2. peak memory on 10,000 articles (the other sizes are shown for growth)
    rss = [(n, s["tradekb"]["rss_max_mib"]) for n, s in sorted(by_n.items()) if "tradekb" in s]
    if "tradekb" in s10:
        peak = s10["tradekb"]["rss_max_mib"]
        per = ", ".join("%s: %s" % ("{:,}".format(n), fmt_mib(v)) for n, v in rss)
        lines.append("- tradekb peak memory ≤ %.0f MiB on 10,000 articles: %s (all sizes: %s) — %s"
                     % (TARGET_RSS_MIB, fmt_mib(peak), per, verdict(peak <= TARGET_RSS_MIB)))
    else:
        lines.append("- tradekb peak memory ≤ %.0f MiB on 10,000 articles: not measured "
                     "(needs size 10000)" % TARGET_RSS_MIB)
    # 3. growth 10k -> 50k
    if "tradekb" in by_n.get(10000, {}) and "tradekb" in by_n.get(50000, {}):
        g = by_n[50000]["tradekb"]["wall_median_s"] / by_n[10000]["tradekb"]["wall_median_s"]
        lines.append("- 50,000 articles ≤ %.1f × the 10,000 wall time: %.2f× — %s" % (
            TARGET_GROWTH, g, verdict(g <= TARGET_GROWTH)))
    else:
        lines.append("- 50,000 articles ≤ %.1f × the 10,000 wall time: not measured "
                     "(needs sizes 10000 and 50000)" % TARGET_GROWTH)
    return lines


def machine_lines(m):
    mem = "%.1f GiB" % m["memory_gib"] if m.get("memory_gib") else "unknown"
    return [
        "- date: %s" % m["date"],
        "- nproc: %s; CPU: %s; memory: %s; kernel: %s" % (m["nproc"], m["cpu"], mem, m["kernel"]),
        "- tradekb commit: %s; binary: %s%s; %s" % (
            m["tradekb_commit"] or "unknown", m["tradekb_binary"],
            "" if m.get("binary_built", True) else
            " (given with --binary, not built by this run: the commit is the repo's HEAD)",
            m["rustc"] or "rustc ?"),
        "- hugo: %s" % (m["hugo"] or "not installed (apt-get install -y hugo)"),
        "- output file system: %s (%s)" % (m.get("out_dir"), m.get("out_fs") or "unknown"),
        "- load average at start / end: %s / %s" % (m.get("loadavg_start"), m.get("loadavg_end")),
    ]


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def parse_args(argv):
    ap = argparse.ArgumentParser(description="Benchmark tradekb build (and Hugo) on the "
                                             "shared generated corpus.")
    ap.add_argument("--sizes", default="1000,10000,50000",
                    help="comma-separated article counts (default 1000,10000,50000)")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per tool and size (default 3)")
    ap.add_argument("--hugo", action="store_true", help="also build the Hugo copy, alternating")
    ap.add_argument("--hugo-max", type=int, default=None, metavar="N",
                    help="with --hugo, run Hugo only on sizes up to N articles (its 50,000-"
                         "article builds take minutes each and no target needs them)")
    ap.add_argument("--out", default="/dev/shm/tradekb-bench",
                    help="where corpora and build outputs go (default /dev/shm/tradekb-bench)")
    ap.add_argument("--binary", default=None,
                    help="tradekb binary to measure; when it exists, nothing is built "
                         "(default: cargo build --release, then target/release/tradekb)")
    ap.add_argument("--generator", default=None,
                    help="path of gen_corpus.py (default ../shared/bench/gen_corpus.py "
                         "from the repo root)")
    ap.add_argument("--json", metavar="FILE", help="write every raw measurement to FILE")
    ap.add_argument("--jobs", "-j", type=int, default=None, help="pass -j N to tradekb")
    ap.add_argument("--search", action="store_true",
                    help="time tradekb's build with its search index (Hugo makes none)")
    ap.add_argument("--regenerate", action="store_true",
                    help="regenerate corpora even when a matching one is in --out")
    ap.add_argument("--keep-output", action="store_true",
                    help="keep each run's output folder under --out (default: removed)")
    args = ap.parse_args(argv)
    try:
        args.sizes = [int(x.replace("_", "")) for x in args.sizes.split(",") if x.strip()]
    except ValueError:
        ap.error("--sizes: expected comma-separated integers, e.g. 1000,10000")
    if not args.sizes or any(n <= 0 for n in args.sizes):
        ap.error("--sizes: every size must be a positive integer")
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    return args


def build_binary(explicit):
    if explicit and os.path.isfile(explicit):
        return os.path.abspath(explicit), False
    print("bench: cargo build --release ...", file=sys.stderr, flush=True)
    p = subprocess.run(["cargo", "build", "--release"], cwd=REPO, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stderr)
        raise BuildFailed("cargo build --release failed (exit %d)" % p.returncode)
    binary = os.path.abspath(explicit) if explicit else os.path.join(REPO, "target", "release",
                                                                      "tradekb")
    if not os.path.isfile(binary):
        raise BuildFailed("no binary at %s after cargo build --release" % binary)
    return binary, True


def main(argv=None):
    args = parse_args(argv)
    t_start = time.perf_counter()
    generator = find_generator(args.generator)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    scratch = os.path.join(out, "runs")
    os.makedirs(scratch, exist_ok=True)

    hugo = hugo_version() if args.hugo else None
    hugo_available = hugo is not None
    if args.hugo and not hugo_available:
        print("bench: hugo is missing (apt-get install -y hugo); measuring tradekb only",
              file=sys.stderr)

    results = []
    report = {"argv": sys.argv, "results": results}
    failure = None
    try:
        t0 = time.perf_counter()
        binary, built = build_binary(args.binary)
        report["cargo_build_s"] = time.perf_counter() - t0 if built else None
        machine = machine_info(binary, hugo if args.hugo else hugo_version())
        machine["binary_built"] = built
        machine["out_dir"], machine["out_fs"] = out, fs_type(out)
        report["machine"] = machine
        tools = ["tradekb"] + (["hugo"] if hugo_available else [])
        for n in args.sizes:
            t_size = time.perf_counter()
            print("bench: N=%d: corpus ..." % n, file=sys.stderr, flush=True)
            corpus, gen_s, reused = ensure_corpus(generator, n, out, args.regenerate)
            entry = {"n": n, "corpus": corpus, "generate_s": gen_s, "corpus_reused": reused,
                     "warmup": {}, "runs": []}
            results.append(entry)
            size_tools = [t for t in tools
                          if t != "hugo" or args.hugo_max is None or n <= args.hugo_max]
            for tool in size_tools:
                print("bench: N=%d: warm-up %s ..." % (n, tool), file=sys.stderr, flush=True)
                w = run_tool(tool, binary, corpus, scratch, args.jobs, args.keep_output, args.search)
                entry["warmup"][tool] = w
            for i in range(args.runs):
                order = size_tools if i % 2 == 0 else list(reversed(size_tools))
                for tool in order:
                    m = run_tool(tool, binary, corpus, scratch, args.jobs, args.keep_output, args.search)
                    m["round"] = i
                    entry["runs"].append(m)
                    print("bench: N=%d: run %d/%d %s: %.2f s, %.0f MiB" % (
                        n, i + 1, args.runs, tool, m["wall_s"], m["max_rss_mib"]),
                        file=sys.stderr, flush=True)
            entry["summary"] = {
                tool: summarize([r for r in entry["runs"] if r["tool"] == tool], n)
                for tool in size_tools}
            entry["builds_s"] = time.perf_counter() - t_size - gen_s
            entry["total_s"] = time.perf_counter() - t_size
            built_n = entry["runs"][0].get("built_articles")
            if built_n is not None and built_n != n:
                print("bench: warning: tradekb built %d articles of %d" % (built_n, n),
                      file=sys.stderr)
    except BuildFailed as e:
        failure = str(e)
    report["machine"] = report.get("machine") or machine_info(args.binary, hugo)
    report["machine"]["loadavg_end"] = loadavg()
    report["total_s"] = time.perf_counter() - t_start

    # ---- print
    print("## tradekb benchmark\n")
    print("Command: `python3 scripts/bench.py %s`\n" % " ".join(sys.argv[1:]))
    print("Machine:\n")
    print("\n".join(machine_lines(report["machine"])))
    if args.hugo and not hugo_available:
        print("\n**Hugo is missing** (`apt-get install -y hugo`): only tradekb was measured.")
    print("\nMedians of %d timed run(s) per tool after one untimed warm-up%s. CPU is user+sys "
          "of the build process; peak RSS is its max resident set; articles/s = articles / "
          "median wall; stages are tradekb's own `-v` timings (medians)." % (
              args.runs, ", tools alternating" if len(results) and args.hugo and hugo_available
              else ""))
    for entry in results:
        if "summary" in entry:
            print()
            print(table(entry["n"], entry["summary"]))
    done = [e for e in results if "summary" in e]
    if done:
        print("\nTargets:\n")
        print("\n".join(targets(done, args.hugo, hugo_available)))
        t10, t50 = None, None
        for e in done:
            if e["n"] == 10000:
                t10 = e["summary"]["tradekb"]["wall_median_s"]
            if e["n"] == 50000:
                t50 = e["summary"]["tradekb"]["wall_median_s"]
        print("\nTime taken by this script:\n")
        if report.get("cargo_build_s") is not None:
            print("- cargo build --release: %.0f s" % report["cargo_build_s"])
        for e in results:
            if "total_s" in e:
                print("- %s articles: %.0f s (corpus %s, builds %.0f s)" % (
                    "{:,}".format(e["n"]), e["total_s"],
                    "reused" if e["corpus_reused"] else "%.0f s" % e["generate_s"],
                    e["builds_s"]))
        print("- total: %.0f s" % report["total_s"])
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, ensure_ascii=False, indent=1)
        print("\nRaw measurements: %s" % args.json)
    if failure:
        print("\nbench: a build failed:\n%s" % failure, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

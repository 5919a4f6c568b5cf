#!/usr/bin/env python3
"""Idle (issue 10): kassert's CPU and memory with 50 live suites, nobody touching it.

Starts kassert offscreen against a test API server whose 50 simulated suites re-run every
5 s (so watch events and new metrics keep coming, as on a real cluster), lets it settle,
then measures over a window (60 s; --smoke: 5 s). Twice, in the two setups kassert knows:

  with Prometheus (the usual cluster: a real Prometheus scraping the suite pods and a real
  Alertmanager, registered as the operator's services; kassert queries them):
  idle.cpu_pct   (utime + stime of the kassert process over the window) / window × 100,
                 from /proc/PID/stat; 100 = one core busy
  idle.rss_mb    its resident memory (VmRSS) at the end of the window
  idle.peak_rss_mb   VmHWM at the end (peak since start, start-up included)

  without them (kassert scrapes every suite pod itself through the pod proxy):
  idle.direct.cpu_pct, idle.direct.rss_mb, idle.direct.peak_rss_mb

  idle.py --build-dir DIR [--smoke] [--window S] [--settle S] [--only with|direct]
"""

import argparse
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True   # no __pycache__ beside the sources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import appbench  # noqa: E402
import benchlib  # noqa: E402


def measure(build_dir, server, settle, window):
    """(cpu %, RSS MiB, peak RSS MiB) of kassert idling against `server`, or None."""
    proc = appbench.start_kassert(build_dir, server, stderr=subprocess.DEVNULL)
    try:
        time.sleep(settle)
        if proc.poll() is not None:
            benchlib.note("idle: not measured: kassert exited with %d" % proc.returncode)
            return None
        cpu0, t0 = benchlib.cpu_seconds(proc.pid), time.monotonic()
        time.sleep(window)
        cpu1, t1 = benchlib.cpu_seconds(proc.pid), time.monotonic()
        rss = benchlib.proc_status(proc.pid, "VmRSS")
        peak = benchlib.proc_status(proc.pid, "VmHWM")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return 100.0 * (cpu1 - cpu0) / (t1 - t0), rss, peak


def report(prefix, setup, figures, settle, window):
    cpu_pct, rss, peak = figures
    benchlib.note("idle with %d live suites, %s, over %.0f s (after %.0f s settling): CPU %.2f %%, RSS %.1f MiB, "
                  "peak %.1f MiB (load %s)" % (appbench.SUITES, setup, window, settle, cpu_pct, rss, peak,
                                               benchlib.load()))
    benchlib.bench(prefix + ".cpu_pct", cpu_pct, "%")
    benchlib.bench(prefix + ".rss_mb", rss, "MB")
    benchlib.bench(prefix + ".peak_rss_mb", peak, "MB")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(benchlib.REPO, "build-bench"))
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--window", type=float)
    parser.add_argument("--settle", type=float)
    parser.add_argument("--only", choices=("with", "direct"))
    args = parser.parse_args()
    window = args.window or (5.0 if args.smoke else 60.0)
    settle = args.settle or (3.0 if args.smoke else 10.0)
    failed = False
    if args.only != "direct":
        with benchlib.TestServer() as server:
            appbench.seed_suites(server)
            with appbench.Monitoring(server) as monitoring:
                # kassert starts once Prometheus has every suite, as on a cluster that runs.
                monitoring.wait_for_samples(appbench.SUITES)
                figures = measure(args.build_dir, server, settle, window)
                if figures:
                    report("idle", "Prometheus and Alertmanager", figures, settle, window)
                failed |= figures is None
    if args.only != "with":
        with benchlib.TestServer() as server:
            appbench.seed_suites(server)
            figures = measure(args.build_dir, server, settle, window)
            if figures:
                report("idle.direct", "no Prometheus: every suite pod scraped directly", figures, settle, window)
            failed |= figures is None
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

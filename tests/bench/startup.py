#!/usr/bin/env python3
"""Start-up (issue 10): process start → first populated suite tree, 50 suites, offscreen.

Starts `kassert --kubeconfig K -A --bench-exit-when-populated` (a bench-only flag: the
app quits right after the suite tree's first paint that shows suites) against a test
API server with 50 simulated suites, and times process start → exit from outside.
Prints `startup.wall_s` (that time), `startup.populated_s` (what the app itself
reports: main() → populated paint, without dynamic loading and teardown) and
`startup.cpu_s` (kassert's user + system CPU time over its life, from RUSAGE_CHILDREN).

  startup.py --build-dir DIR [--smoke]       (--smoke: the same, it takes ~1 s)
"""

import argparse
import os
import re
import resource
import sys
import time

sys.dont_write_bytecode = True   # no __pycache__ beside the sources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import appbench  # noqa: E402
import benchlib  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(benchlib.REPO, "build-bench"))
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    with benchlib.TestServer() as server:
        appbench.seed_suites(server)
        # The server is not waited for until the end, so the children's usage that grows
        # meanwhile is kassert's alone.
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        proc = appbench.start_kassert(args.build_dir, server, ["--bench-exit-when-populated"])
        try:
            _, err = proc.communicate(timeout=args.timeout)
        except Exception:
            proc.kill()
            proc.communicate()
            benchlib.note("startup: not measured: kassert did not quit within %d s" % args.timeout)
            return 1
        wall = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        text = err.decode(errors="replace")
        found = re.search(r"suite tree populated (\d+) ms", text)
        if proc.returncode != 0 or not found:
            benchlib.note("startup: not measured: exit %d, stderr:\n%s" % (proc.returncode, text[-2000:]))
            return 1
        benchlib.note("start-up with %d suites: %.3f s process start → exit, populated %d ms after main(), "
                      "%.3f s of CPU, peak RSS %.1f MiB (load %s)" % (appbench.SUITES, wall, int(found.group(1)), cpu,
                                                                      after.ru_maxrss / 1024.0, benchlib.load()))
        benchlib.bench("startup.wall_s", wall, "s")
        benchlib.bench("startup.populated_s", int(found.group(1)) / 1000.0, "s")
        benchlib.bench("startup.cpu_s", cpu, "s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

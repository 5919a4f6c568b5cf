#!/usr/bin/env python3
"""Watch scale, side by side (issues 5 and 10): 5,000 suite pods, then 10,000 watch events.

For each client, a fresh test API server gets 5,000 static suite pods (`bench-pods`);
the client starts and lists them; then `bench-events` commits 10,000 events at once
(status/restarts/annotation changes, every tenth a pod replaced by DELETED + ADDED), the
last being the ADDED of a marker pod. Measured from outside, the same way for each client:

  list_s    process start → all pods seen (kassert: in the tracker; kubectl: printed)
  events_s  events committed (control call answered) → marker seen
  wall_s    list_s + events_s
  rss_mb    peak RSS (VmHWM of /proc/PID/status) of the client process alone, read once
            the marker was seen
  cpu_s     the client's utime + stime (/proc/PID/stat) at that moment: its own work,
            whatever the server's speed (the Python server bounds the events phase)

Clients: `kassert` = bench/watchscale_client (kubeconfig → KubeClient → Reflector →
SuiteTracker, the app's own path); `kubectl` = `kubectl get pods -A -w -o json`;
`kubectl_table` = `kubectl get pods -A -w` (default columns, the server sends Tables);
both with --chunk-size=0 (one list request, as kassert).
The ratio in tests/bench/run compares kassert with `-o json`, which, like kassert, reads
every full object; the table output is printed beside it.

  watchscale.py --build-dir DIR [--smoke] [--pods N] [--events N] [--clients a,b]
"""

import argparse
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True   # no __pycache__ beside the sources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402


def kassert_client(build_dir, server, expect, marker):
    exe = benchlib.find_executable(build_dir, "watchscale_client")
    return [exe, "--kubeconfig", server.kubeconfig, "--expect", str(expect), "--marker", marker], None


def kubectl_client(output):
    def make(build_dir, server, expect, marker):
        # --chunk-size=0: one list request, as kassert's reflector makes. The test server
        # copies the whole store for every page, so kubectl's default 500-pod pages would
        # cost it ten full lists there (a real API server pages cheaply).
        args = ["kubectl", "--kubeconfig", server.kubeconfig, "get", "pods", "-A", "-w", "--chunk-size=0"]
        if output:
            args += ["-o", output]
        return args, {"HOME": server.dir}   # its discovery cache goes with the server
    return make


CLIENTS = {
    "kassert": (kassert_client, "LISTED", b"MARKER"),
    "kubectl": (kubectl_client("json"), b"\n}\n", None),
    "kubectl_table": (kubectl_client(None), b"\n", None),
}


def run_client(name, build_dir, pods, events, timeout):
    make, list_pattern, _ = CLIENTS[name]
    marker = "bench-marker-%d" % os.getpid()
    with benchlib.TestServer() as server:
        server.control("bench-pods", {"count": pods, "namespaces": 50})
        args, env_extra = make(build_dir, server, pods, marker)
        env = dict(os.environ)
        env.update(env_extra or {})
        start = time.monotonic()
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        try:
            reader = benchlib.StreamReader(proc.stdout)
            if name == "kassert":
                listed = benchlib.Counter(b"LISTED ")
                first = []
                reader.wait_for(lambda chunk: first.append(chunk) or listed.feed(chunk) or listed.count > 0, timeout)
                # "LISTED pods suites peakKiB": how much of the peak the list alone takes.
                fields = b"".join(first).split(b"LISTED ", 1)[1].split()
                benchlib.note("kassert: %s pods listed, %s suites, peak RSS so far %.1f MiB"
                              % (fields[0].decode(), fields[1].decode(), int(fields[2]) / 1024.0))
            else:
                # -o json prints one object per pod, each closed by "}" alone on a line;
                # the table prints a header line, then a line per pod.
                need = pods if name == "kubectl" else pods + 1
                listed = benchlib.Counter(list_pattern)
                reader.wait_for(lambda chunk: listed.feed(chunk) or listed.count >= need, timeout)
            list_s = time.monotonic() - start
            answer = server.control("bench-events", {"count": events, "marker": marker})
            committed = time.monotonic()
            seen = benchlib.Counter(b"\x00", (b"MARKER" if name == "kassert" else marker.encode()))
            reader.wait_for(seen.feed, timeout)
            events_s = time.monotonic() - committed
            rss_mb = benchlib.proc_status(proc.pid, "VmHWM")
            cpu_s = benchlib.cpu_seconds(proc.pid)
        finally:
            proc.stdin.close()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.terminate()
                proc.wait()
        benchlib.note("%-14s list %7.3f s  events %7.3f s (%d events, server built them in %.2f s)  "
                      "peak RSS %6.1f MiB  CPU %.2f s  read %.1f MiB of output  load %s"
                      % (name, list_s, events_s, answer["events"], answer["buildSeconds"], rss_mb, cpu_s,
                         reader.total / 1048576.0, benchlib.load()))
        benchlib.bench("watch.%s.list_s" % name, list_s, "s")
        benchlib.bench("watch.%s.events_s" % name, events_s, "s")
        benchlib.bench("watch.%s.wall_s" % name, list_s + events_s, "s")
        benchlib.bench("watch.%s.rss_mb" % name, rss_mb, "MB")
        benchlib.bench("watch.%s.cpu_s" % name, cpu_s, "s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(benchlib.REPO, "build-bench"))
    parser.add_argument("--smoke", action="store_true", help="500 pods, 1,000 events")
    parser.add_argument("--pods", type=int)
    parser.add_argument("--events", type=int)
    parser.add_argument("--clients", default="kassert,kubectl,kubectl_table")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    pods = args.pods or (500 if args.smoke else 5000)
    events = args.events or (1000 if args.smoke else 10000)
    benchlib.note("watch scale: %d suite pods, then %d watch events (load %s)" % (pods, events, benchlib.load()))
    failed = False
    for name in args.clients.split(","):
        if name not in CLIENTS:
            parser.error("unknown client %s (known: %s)" % (name, ", ".join(CLIENTS)))
        try:
            run_client(name, args.build_dir, pods, events, args.timeout)
        except (OSError, RuntimeError, TimeoutError, EOFError) as e:
            benchlib.note("%s: not measured: %s" % (name, e))
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

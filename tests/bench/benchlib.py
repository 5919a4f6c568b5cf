"""Shared pieces of the Python bench drivers in tests/bench (stdlib only, Python 3.11+).

- TestServer: tests/fixtures/apiserver/server.py in a temporary state directory, with
  its control API (POST /_test/<op>).
- StreamReader: reads a child's stdout in large chunks and waits for a condition, so the
  reading costs little CPU beside the process being measured.
- Figures: /proc/PID/status (VmHWM = peak RSS, VmRSS), /proc/PID/stat CPU ticks, the load,
  and the protocol's `BENCH <key> <value> <unit>` lines.
"""

import json
import os
import select
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SERVER = os.path.join(REPO, "tests", "fixtures", "apiserver", "server.py")


def bench(key, value, unit):
    print("BENCH %s %.4f %s" % (key, value, unit), flush=True)


def load():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def note(text):
    print(text, flush=True)


class TestServer:
    def __init__(self, extra_args=()):
        self.dir = tempfile.mkdtemp(prefix="kassert-bench-")
        self.proc = subprocess.Popen([sys.executable, "-B", SERVER, "--state-dir", self.dir] + list(extra_args),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("test API server did not start")
        self.info = json.loads(line)
        self.kubeconfig = self.info["kubeconfig"]
        self._ssl = ssl.create_default_context(cafile=self.info["ca"])

    def control(self, op, args=None, timeout=300):
        req = urllib.request.Request(self.info["url"] + "/_test/" + op, data=json.dumps(args or {}).encode(),
                                     headers={"Authorization": "Bearer " + self.info["controlToken"],
                                              "Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(req, context=self._ssl, timeout=timeout) as answer:
                return json.load(answer)
        except urllib.error.HTTPError as e:
            raise RuntimeError("control %s: %s %s" % (op, e.code, e.read().decode(errors="replace")))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()   # the server exits when its stdin closes
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class StreamReader:
    """Reads a pipe in big chunks; wait_for(pred) feeds each chunk to pred until it says True."""

    def __init__(self, pipe):
        self.fd = pipe.fileno()
        self.total = 0

    def wait_for(self, feed, timeout):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer within %d s" % timeout)
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                raise EOFError("the process closed its output")
            self.total += len(chunk)
            if feed(chunk):
                return


class Counter:
    """Counts a byte pattern across chunk boundaries and spots a marker."""

    def __init__(self, pattern, marker=None):
        self.pattern, self.marker = pattern, marker
        self.count = 0
        self.seen = False
        self.tail = b""

    def feed(self, chunk):
        data = self.tail + chunk
        keep = max(len(self.pattern), len(self.marker or b"")) - 1
        # Patterns wholly inside the kept tail were counted with the previous chunk.
        self.count += data.count(self.pattern) - self.tail.count(self.pattern)
        if self.marker and self.marker in data:
            self.seen = True
        self.tail = data[-keep:] if keep > 0 else b""
        return self.seen


def proc_status(pid, field):
    """A kB field of /proc/PID/status (VmHWM: peak RSS, VmRSS: current) in MiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    raise KeyError(field)


def cpu_seconds(pid):
    """utime + stime of a process from /proc/PID/stat."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # After the command: state is field 3, utime 14, stime 15 (1-based in proc(5)).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def find_executable(build_dir, *names):
    for name in names:
        for folder in ("bench", "app", "bin", ""):
            path = os.path.join(build_dir, folder, name)
            if os.path.isfile(path) and os.access(path, os.X_OK):
                return path
    raise FileNotFoundError("%s not found in %s (build with -DKASSERT_BUILD_BENCH=ON)" % (names[0], build_dir))

"""The kassert executable against a test API server with 50 live suites (start-up and idle benches).

The suites are the server's simulated ones (add-suite): a Deployment, ReplicaSet and pod
each, the pod running a Jest iteration at start and again every `rerun` seconds, with
metrics on its assert port; every fifth fails, so the tree has both states.
"""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

import benchlib

SUITES = 50


def seed_suites(server, count=SUITES, rerun=5.0):
    for i in range(count):
        server.control("add-suite", {"namespace": "team-%d" % (i % 5), "name": "suite-%02d" % i,
                                     "scenario": "failing" if i % 5 == 4 else "passing",
                                     "rerunWaitSeconds": rerun})


def start_kassert(build_dir, server, extra_args=(), stderr=subprocess.PIPE):
    """Starts kassert offscreen on the server's kubeconfig, all namespaces, with its own
    settings and home (nothing from the user's desktop applies)."""
    exe = benchlib.find_executable(build_dir, "kassert")
    home = tempfile.mkdtemp(prefix="home-", dir=server.dir)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=home,
               XDG_CONFIG_HOME=os.path.join(home, ".config"), XDG_CACHE_HOME=os.path.join(home, ".cache"),
               XDG_DATA_HOME=os.path.join(home, ".local", "share"), KUBECONFIG=server.kubeconfig)
    return subprocess.Popen([exe, "--kubeconfig", server.kubeconfig, "-A"] + list(extra_args),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, env=env)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def yaml_quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Monitoring:
    """A real Prometheus and Alertmanager for the test server, wired as `kassert --demo`
    wires them (app/session/demomonitoringconfig.cpp): Prometheus scrapes every suite pod
    each 2 s through the server's pod proxy (found by its HTTP service discovery), and both
    are registered as the Prometheus Operator's services, where kassert discovers them.
    Debian's `prometheus` and `prometheus-alertmanager`, on free loopback ports."""

    def __init__(self, server):
        self.dir = tempfile.mkdtemp(prefix="monitoring-", dir=server.dir)
        self.procs = []
        token_file = self._write("token", server.info["token"], 0o600)

        def tls_and_auth(indent):   # the token stays in its file, as in the demo
            return ("{0}tls_config:\n{0}  ca_file: {1}\n{0}authorization:\n{0}  credentials_file: {2}\n"
                    .format(indent, yaml_quoted(server.info["ca"]), yaml_quoted(token_file)))

        am_port, prom_port = free_port(), free_port()
        am_config = self._write("alertmanager.yml",
                                "route:\n  receiver: 'null'\n  group_by: [alertname, namespace, pod]\n"
                                "  group_wait: 1s\n  group_interval: 5s\n  repeat_interval: 1h\n"
                                "receivers:\n  - name: 'null'\n")
        self._start("alertmanager", ["prometheus-alertmanager", "alertmanager"], am_port,
                    ["--config.file=" + am_config, "--storage.path=" + os.path.join(self.dir, "am"),
                     "--web.listen-address=127.0.0.1:%d" % am_port, "--cluster.listen-address=", "--log.level=warn"])
        rules = self._write("rules.yml",
                            "groups:\n  - name: kubernetes-assert\n    rules:\n"
                            "      - alert: KubernetesAssertFailed\n        expr: assertions_failed > 0\n"
                            "        labels: {severity: warning}\n")
        sd_url = "https://127.0.0.1:%d/_demo/prometheus-targets" % urllib.parse.urlsplit(server.info["url"]).port
        prom_config = self._write(
            "prometheus.yml",
            "global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\n  evaluation_interval: 2s\n"
            "rule_files:\n  - " + yaml_quoted(rules) + "\n"
            "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [\"127.0.0.1:%d\"]\n" % am_port
            + "scrape_configs:\n  - job_name: metrics\n    scheme: https\n" + tls_and_auth("    ")
            + "    http_sd_configs:\n      - url: " + yaml_quoted(sd_url) + "\n        refresh_interval: 2s\n"
            + tls_and_auth("        "))
        self._start("prometheus", ["prometheus"], prom_port,
                    ["--config.file=" + prom_config, "--storage.tsdb.path=" + os.path.join(self.dir, "tsdb"),
                     "--web.listen-address=127.0.0.1:%d" % prom_port, "--log.level=warn"])
        for name, port in (("prometheus", prom_port), ("alertmanager", am_port)):
            server.control("add-service", {"namespace": "monitoring", "name": name + "-operated",
                                           "labels": {"operated-" + name: "true"},
                                           "ports": [{"name": "web", "port": port}],
                                           "target": "http://127.0.0.1:%d" % port})
        self.prometheus_url = "http://127.0.0.1:%d" % prom_port

    def _write(self, name, text, mode=0o644):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def _start(self, name, programs, port, args):
        program = next((shutil.which(p) for p in programs if shutil.which(p)), None)
        if not program:
            raise RuntimeError("%s is not installed (Debian: %s)" % (name, programs[0]))
        proc = subprocess.Popen([program] + args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        self.procs.append(proc)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError("%s exited with %d" % (name, proc.returncode))
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/-/ready" % port, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("%s did not become ready" % name)

    def wait_for_samples(self, count, timeout=60):
        """Until Prometheus holds a current test_suites_run_total for `count` pods."""
        url = self.prometheus_url + "/api/v1/query?query=count(test_suites_run_total)"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:
                    result = json.load(answer)["data"]["result"]
                    if result and int(float(result[0]["value"][1])) >= count:
                        return
            except (OSError, ValueError, KeyError, IndexError):
                pass
            time.sleep(0.5)
        raise RuntimeError("Prometheus did not scrape %d suite pods within %d s" % (count, timeout))

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

"""The kassert executable against a test API server with 50 live suites (start-up and idle benches).

The suites are the server's simulated ones (add-suite): a Deployment, ReplicaSet and pod
each, the pod running a Jest iteration at start and again every `rerun` seconds, with
metrics on its assert port; every fifth fails, so the tree has both states.
"""

import os
import subprocess
import tempfile

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

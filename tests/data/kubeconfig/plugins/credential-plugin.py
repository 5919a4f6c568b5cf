#!/usr/bin/env python3
# Test exec credential plugin for kassert's tests. The first argument picks the behaviour;
# every run is logged (args, exec info, selected env, stdin) to $KASSERT_PLUGIN_LOG.
import json
import os
import sys
import time

mode = sys.argv[1] if len(sys.argv) > 1 else "token"
info = json.loads(os.environ.get("KUBERNETES_EXEC_INFO", "{}"))
api_version = info.get("apiVersion", "client.authentication.k8s.io/v1")

log_path = os.environ.get("KASSERT_PLUGIN_LOG")
run = 1
if log_path:
    if os.path.exists(log_path):
        with open(log_path) as f:
            run = sum(1 for _ in f) + 1
    entry = {
        "args": sys.argv[1:],
        "info": info,
        "env": {k: os.environ.get(k) for k in ("PLUGIN_FOO", "PLUGIN_EMPTY", "KASSERT_PARENT", "PLUGIN_OVERRIDE")},
        "stdin": sys.stdin.read() if not sys.stdin.closed else None,
        "isatty": sys.stdin.isatty(),
    }
    with open(log_path, "a") as f:
        f.write(json.dumps(entry) + "\n")


def emit(status, version=api_version, kind="ExecCredential"):
    print(json.dumps({"apiVersion": version, "kind": kind, "status": status}))


def read(path):
    with open(path) as f:
        return f.read()


if mode == "token":
    status = {"token": "secret-token-%d" % run}
    if os.environ.get("PLUGIN_EXPIRY"):
        status["expirationTimestamp"] = os.environ["PLUGIN_EXPIRY"]
    emit(status)
elif mode == "env-token":
    emit({"token": os.environ["PLUGIN_TOKEN"]})
elif mode == "stale-then-env":
    # The first run hands out a token the server rejects (401), later runs the real one.
    emit({"token": "secret-token-stale" if run == 1 else os.environ["PLUGIN_TOKEN"]})
elif mode == "cert":
    emit({"clientCertificateData": read(sys.argv[2]), "clientKeyData": read(sys.argv[3])})
elif mode == "only-cert":
    emit({"clientCertificateData": read(sys.argv[2])})
elif mode == "fail":
    sys.stderr.write("error: you are not logged in; run `corp-login --cluster dev` first\n")
    sys.exit(3)
elif mode == "slow":
    time.sleep(60)
    emit({"token": "secret-token-too-late"})
elif mode == "wrong-api":
    other = ("client.authentication.k8s.io/v1beta1" if api_version.endswith("/v1")
             else "client.authentication.k8s.io/v1")
    emit({"token": "secret-token-wrong-api"}, version=other)
elif mode == "wrong-kind":
    emit({"token": "secret-token-wrong-kind"}, kind="Secret")
elif mode == "no-status":
    print(json.dumps({"apiVersion": api_version, "kind": "ExecCredential"}))
elif mode == "empty-status":
    emit({})
elif mode == "bad-expiry":
    emit({"token": "secret-token-bad-expiry", "expirationTimestamp": "next tuesday"})
elif mode == "garbage":
    print('{"apiVersion": "' + api_version + '", "status": {"token": "secret-token-garbage"')
elif mode == "empty":
    pass
elif mode == "huge":
    sys.stdout.write("x" * (5 * 1024 * 1024))
elif mode == "crash":
    os.kill(os.getpid(), 9)
else:
    sys.stderr.write("unknown mode %s\n" % mode)
    sys.exit(2)

#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target into tests/fuzz/corpus/<target>/.

The seeds are the repository's own test data (tests/data) plus a few hand-written
inputs for what that data lacks (labels and escapes in exposition text, every kubeconfig
field, watch streams). Run it again after changing the test data; the files it writes
are committed, so run-fuzz needs nothing but the repository. Inputs that made a
fuzzer fail are added by hand as corpus/<target>/regression-<what>, and kept here.
"""
import base64
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
OUT = ROOT / "tests" / "fuzz" / "corpus"


def put(target, name, content):
    folder = OUT / target
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    (folder / name).write_bytes(content)


def copy(target, *paths):
    for path in paths:
        put(target, path.name, path.read_bytes())


def kubeconfig():
    copy("fuzz_kubeconfig", *sorted((DATA / "kubeconfig").glob("*.yaml")))
    for path in sorted((DATA / "kubeconfig" / "merge").rglob("*.yaml")):
        put("fuzz_kubeconfig", "merge-" + path.name, path.read_bytes())
    ca = base64.b64encode((DATA / "kubeconfig" / "certs" / "ca.pem").read_bytes()).decode()
    put("fuzz_kubeconfig", "every-field.yaml", f"""apiVersion: v1
kind: Config
preferences: {{}}
current-context: dev
clusters:
- name: dev
  cluster:
    server: https://user:secret@10.0.0.1:6443/prefix
    tls-server-name: api.dev
    certificate-authority-data: {ca}
    proxy-url: socks5://proxy.local:1080
    disable-compression: true
    extensions:
    - name: client.authentication.k8s.io/exec
      extension: {{audience: dev, nested: [1, 2, {{a: b}}]}}
- name: insecure
  cluster: {{server: "http://127.0.0.1:8080", insecure-skip-tls-verify: true, certificate-authority: ca.pem}}
users:
- name: token
  user: {{token: abcdefghijklmnop, as: admin, as-groups: [system:masters, dev]}}
- name: basic
  user: {{username: admin, password: hunter2hunter2}}
- name: certs
  user: {{client-certificate: client.crt, client-key: /abs/client.key, client-key-data: bm90IGEga2V5}}
- name: files
  user: {{tokenFile: ./token}}
- name: exec
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ../bin/credential-plugin
      args: [get-token, --cluster, dev]
      env: [{{name: AWS_PROFILE, value: dev}}]
      installHint: install the plugin
      provideClusterInfo: true
      interactiveMode: IfAvailable
- name: gcp
  user:
    auth-provider: {{name: gcp, config: {{access-token: ya29.secret, expiry: "2025-01-01T00:00:00Z"}}}}
contexts:
- name: dev
  context: {{cluster: dev, user: token, namespace: shop}}
- name: broken
  context: {{cluster: missing, user: missing}}
- name: basic
  context: {{cluster: insecure, user: basic}}
""")
    put("fuzz_kubeconfig", "anchors-and-tags.yaml", """apiVersion: v1
kind: Config
clusters:
- &c {name: a, cluster: {server: "https://a"}}
- *c
users: !!seq [ {name: u, user: {token: !!str 123}} ]
contexts: [{name: x, context: {cluster: a, user: u}}]
current-context: x
---
second: document
""")
    put("fuzz_kubeconfig", "wrong-types.yaml", """apiVersion: v1
kind: Config
clusters: {name: not-a-list}
users:
- name: [list]
  user: token
contexts:
- context: {cluster: 1, user: 2.5, namespace: ~}
current-context: [a]
""")


POD_FILES = ["running.json", "pending.json", "crashloop.json", "legacy-port.json"]


def watch():
    pods = [json.loads((DATA / "pods" / name).read_text()) for name in POD_FILES]
    lines = []
    for index, pod in enumerate(pods):
        lines.append(json.dumps({"type": ["ADDED", "MODIFIED", "DELETED", "ADDED"][index], "object": pod}))
    lines.append(json.dumps({"type": "BOOKMARK", "object": {"kind": "Pod", "apiVersion": "v1",
                                                            "metadata": {"resourceVersion": "12345"}}}))
    expired = json.loads((DATA / "kube" / "status-expired.json").read_text())
    lines.append(json.dumps({"type": "ERROR", "object": expired}))
    # The first byte chooses the chunk size (1 + byte % 64).
    put("fuzz_watchevent", "stream-chunks-17", b"\x10" + "\n".join(lines).encode() + b"\n")
    put("fuzz_watchevent", "stream-crlf-chunks-1", b"\x00" + "\r\n".join(lines[:2]).encode() + b"\r\n")
    for index, line in enumerate(lines):
        put("fuzz_watchevent", f"event-{index}", b"\x3f" + line.encode() + b"\n")
    put("fuzz_watchevent", "wrong-kind", b"\x07" + json.dumps(
        {"type": "ADDED", "object": {"kind": "Service", "metadata": {"name": "x"}}}).encode() + b"\n")
    put("fuzz_watchevent", "wrong-types", b"\x07" + json.dumps(
        {"type": "MODIFIED", "object": {"kind": "Pod", "metadata": {"name": 5, "labels": []},
                                        "status": {"containerStatuses": {"a": 1}}}}).encode() + b"\n")


def podlist():
    copy("fuzz_listsplitter", DATA / "kube" / "podlist.json")
    pods = [json.loads((DATA / "pods" / name).read_text()) for name in POD_FILES]
    put("fuzz_listsplitter", "compact.json", json.dumps(
        {"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "7"}, "items": pods},
        separators=(",", ":")))
    put("fuzz_listsplitter", "null-items.json", '{"kind":"PodList","metadata":{"resourceVersion":"1"},"items":null}')
    put("fuzz_listsplitter", "odd-items.json",
        '{"items":[1,"x",[],{"metadata":{"name":"a\\"b]}"}},null],"metadata":{}}')


def exposition():
    copy("fuzz_exposition", *sorted((DATA / "monitoring").glob("runtime-*.txt")))
    put("fuzz_exposition", "labels-escapes.txt", r'''# HELP http_requests_total The total number of HTTP requests.\nSecond line \\ here
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400",} 3 1395066363000
msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9
metric_without_timestamp_and_labels 12.47
something_weird{problem="division by zero"} +Inf -3982045
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.5"} 4773
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
nan_value NaN
negative -Inf
''')


def prometheus():
    monitoring = DATA / "monitoring"
    copy("fuzz_prometheus_json", *sorted(monitoring.glob("prom-*.json")), *sorted(monitoring.glob("snapshot-*.json")),
         monitoring / "proxy-bad-gateway.html", monitoring / "k8s-status-forbidden.json")
    put("fuzz_prometheus_json", "scalar.json", '{"status":"success","data":{"resultType":"scalar","result":[1700000000.123,"+Inf"]}}')
    put("fuzz_prometheus_json", "string.json", '{"status":"success","data":{"resultType":"string","result":[1700000000,"hello"]},"warnings":["w"],"infos":["i"]}')


def alertmanager():
    copy("fuzz_alertmanager_json", *sorted((DATA / "monitoring").glob("am-*.json")))
    put("fuzz_alertmanager_json", "error-string.json", '"bad matcher format: {namespace=}"')
    put("fuzz_alertmanager_json", "error-object.json", '{"code":422,"message":"endsAt must be after startsAt"}')


def logs():
    for path in sorted((DATA / "logs").glob("*.log")):
        put("fuzz_jest", path.name, path.read_bytes())
    colour = (DATA / "logs" / "failing-colour.log").read_bytes()
    put("fuzz_ansi", "failing-colour.log", colour)
    for index, line in enumerate(colour.split(b"\n")[:6]):
        put("fuzz_ansi", f"jest-line-{index}", line)
    put("fuzz_ansi", "sgr-256-truecolour", b"\x1b[38;5;208mamber\x1b[48;2;10;20;30m bg \x1b[38:2::255:0:0mred\x1b[0m")
    put("fuzz_ansi", "osc-hyperlink", b"\x1b]8;;https://example.com\x07link\x1b]8;;\x1b\\ \x1b]0;title\x07text")
    put("fuzz_ansi", "cursor-and-c1", b"a\tb\x1b[2K\x1b[1G\r\x9b31mc1\x9b0m\x1b(B\x1b=ok\x08\x07")
    put("fuzz_ansi", "flags", b"\x1b[1;2;3;4;7;9mall\x1b[22;23;24;27;29m none\x1b[?25l\x1b[m")


def skaffold():
    events = [
        {"timestamp": "2025-03-01T10:00:00.123456789Z", "metaEvent": {"entry": "Starting Skaffold: &{Version:v2.13.2}",
                                                                    "metadata": {"runID": "5f0c6d2e"}}},
        {"timestamp": "2025-03-01T10:00:01Z", "taskEvent": {"id": "Build-2", "task": "Build", "iteration": 2,
                                                          "status": "Failed", "actionableErr": {
                "errCode": "BUILD_USER_ERROR", "message": "build [app] failed",
                "suggestions": [{"suggestionCode": "FIX", "action": "Fix the Dockerfile"}]}}},
        {"timestamp": "2025-03-01T10:00:02Z", "buildSubtaskEvent": {"id": "0", "task_id": "Build-0", "artifact": "app",
                                                                  "step": "Cache", "status": "InProgress"}},
        {"timestamp": "2025-03-01T10:00:03Z", "statusCheckSubtaskEvent": {
            "id": "deployment/app", "task_id": "StatusCheck-0", "resource": "deployment/app", "status": "Failed",
            "message": "container crashed", "actionableErr": {"errCode": "STATUSCHECK", "message": "pod crashed"}}},
        {"timestamp": "2025-03-01T10:00:04Z", "applicationLogEvent": {"containerName": "app", "podName": "app-1",
                                                                    "message": "\u001b[32mPASS\u001b[39m x"}},
        {"timestamp": "2025-03-01T10:00:05Z", "skaffoldLogEvent": {"task_id": "Deploy-0", "message": "Deploying"}},
        {"timestamp": "2025-03-01T10:00:06Z", "terminationEvent": {"status": "Failed",
                                                                 "err": {"errCode": "DEPLOY", "message": "apply failed"}}},
        {"timestamp": "2025-03-01T10:00:07Z", "portEvent": {"localPort": 8080}},
    ]
    lines = [json.dumps({"result": event}, separators=(",", ":")) for event in events]
    put("fuzz_skaffold_event", "stream.jsonl", "\n".join(lines) + "\n")
    for index, line in enumerate(lines):
        put("fuzz_skaffold_event", f"event-{index}.json", line)
    put("fuzz_skaffold_event", "stream-error.json", '{"error":{"grpc_code":14,"http_code":503,"message":"unavailable"}}')


if __name__ == "__main__":
    # Inputs the fuzzers found (regression-*) are kept; the generated seeds are remade.
    for path in OUT.rglob("*"):
        if path.is_file() and not path.name.startswith("regression-"):
            path.unlink()
    for make in (kubeconfig, watch, podlist, exposition, prometheus, alertmanager, logs, skaffold):
        make()
    total = sum(path.stat().st_size for path in OUT.rglob("*") if path.is_file())
    print(f"{sum(1 for _ in OUT.rglob('*') if _.is_file())} files, {total} bytes in {OUT}")

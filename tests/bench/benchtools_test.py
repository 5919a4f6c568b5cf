"""Unit tests of the bench tools: the test server's bench-pods/bench-events and table.py.

  python3 -B tests/bench/benchtools_test.py      (stdlib only; no server process needed)

Not a bench (no "#!" line): tests/bench/run does not run it.
"""

import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "fixtures", "apiserver"))

import benchlib  # noqa: E402
import benchpods  # noqa: E402
import cluster  # noqa: E402
import table  # noqa: E402
from cluster import ApiError  # noqa: E402


class FakeServer:
    def __init__(self):
        self.cluster = cluster.Cluster()


class BenchPodsTest(unittest.TestCase):
    def setUp(self):
        self.server = FakeServer()
        self.c = self.server.cluster

    def test_pods_are_suite_pods(self):
        benchpods.op_bench_pods(self.server, {"count": 120, "namespaces": 7})
        pods, _ = self.c.list("pods", label=cluster.parse_label_selector("kubernetes-assert=metrics"))
        self.assertEqual(len(pods), 120)
        self.assertEqual(len({p["metadata"]["namespace"] for p in pods}), 7)
        for pod in pods:
            meta = pod["metadata"]
            owner = meta["ownerReferences"][0]
            self.assertEqual(owner["kind"], "ReplicaSet")
            self.assertEqual(owner["name"], "%s-%s" % (meta["labels"]["app"], meta["labels"]["pod-template-hash"]))
            self.assertTrue(meta["name"].startswith(owner["name"] + "-"))
            self.assertTrue(meta["labels"]["skaffold.dev/run-id"])
            self.assertEqual(pod["status"]["phase"], "Running")

    def test_events_end_with_the_marker_and_replay_to_the_store(self):
        benchpods.op_bench_pods(self.server, {"count": 50, "namespaces": 5})
        start_rv = self.c.rv
        answer = benchpods.op_bench_events(self.server, {"count": 1000, "marker": "bench-marker-t"})
        self.assertEqual(answer["events"], 1000)
        events = self.c.events_since("pods", start_rv)   # no 410: the history holds them all
        self.assertEqual(len(events), 1000)
        self.assertEqual(events[-1][1], "ADDED")
        self.assertEqual(events[-1][2]["metadata"]["name"], "bench-marker-t")
        self.assertEqual(sum(1 for e in events if "bench-marker-t" in str(e[2])), 1)
        types = [t for _, t, _ in events]
        self.assertGreater(types.count("DELETED"), 50)
        self.assertEqual(types.count("DELETED"), types.count("ADDED") - 1)
        # Replaying the events over the first list gives exactly the store.
        state = {}
        for _, t, obj in self.c.history["pods"]:
            key = (obj["metadata"]["namespace"], obj["metadata"]["name"])
            if t == "DELETED":
                state.pop(key)
            else:
                state[key] = obj["metadata"]["resourceVersion"]
        store = {k: o["metadata"]["resourceVersion"] for k, o in self.c.objects["pods"].items()}
        self.assertEqual(state, store)
        self.assertEqual(len(store), 51)
        # Resource versions strictly increase.
        rvs = [rv for rv, _, _ in events]
        self.assertEqual(rvs, sorted(set(rvs)))

    def test_a_deleted_store_pod_keeps_its_history(self):
        benchpods.op_bench_pods(self.server, {"count": 3, "namespaces": 1})
        name = next(iter(self.c.objects["pods"]))
        before = [o["metadata"]["resourceVersion"] for _, _, o in self.c.history["pods"]]
        self.c.remove("pods", name[0], name[1])
        after = [o["metadata"]["resourceVersion"] for _, _, o in self.c.history["pods"]][:len(before)]
        self.assertEqual(before, after)

    def test_second_burst_and_repeated_marker(self):
        benchpods.op_bench_pods(self.server, {"count": 10})
        benchpods.op_bench_events(self.server, {"count": 100, "marker": "bench-marker-a"})
        benchpods.op_bench_events(self.server, {"count": 100, "marker": "bench-marker-b"})
        with self.assertRaises(ApiError) as e:
            benchpods.op_bench_events(self.server, {"count": 100, "marker": "bench-marker-b"})
        self.assertEqual(e.exception.code, 409)

    def test_hostile_arguments(self):
        bad = [("bench-pods", {"count": 0}), ("bench-pods", {"count": 10 ** 9}), ("bench-pods", {"count": "x"}),
               ("bench-pods", {"namespaces": -1}), ("bench-pods", {"prefix": "Bad_Prefix"}),
               ("bench-pods", {"prefix": "a" * 21}), ("bench-pods", {"prefix": "../x"}),
               ("bench-events", {"count": 5}),   # no pods yet
               ]
        for op, args in bad:
            with self.assertRaises((ApiError, ValueError), msg="%s %s" % (op, args)):
                benchpods.OPS[op](self.server, args)
        benchpods.op_bench_pods(self.server, {"count": 5})
        for args in ({"marker": "UPPER"}, {"marker": "a/b"}, {"marker": "x" * 64}, {"count": -3},
                     {"count": 10 ** 7}):
            with self.assertRaises((ApiError, ValueError), msg=str(args)):
                benchpods.op_bench_events(self.server, args)
        self.assertEqual(len(self.c.objects["pods"]), 5)   # nothing half-applied


class TableTest(unittest.TestCase):
    def write(self, text):
        f = tempfile.NamedTemporaryFile("w", suffix=".log", delete=False)
        f.write(text)
        f.close()
        self.addCleanup(os.unlink, f.name)
        return f.name

    def test_medians_ratio_and_verdicts(self):
        log = self.write("noise\nBENCH watch.kassert.wall_s 1 s\nBENCH watch.kassert.wall_s 3 s\n"
                         "BENCH watch.kassert.wall_s 2 s\nBENCH watch.kubectl.wall_s 5 s\n"
                         "BENCH idle.cpu_pct 0.5 %\nBENCH startup.wall_s 0.75 s\n")
        rows = {r[0]: r for r in table.rows(table.parse([log]))}
        self.assertEqual(rows["watch scale, wall time"][1:], ("2 s", "5 s", "0.4", "ratio <= 0.5", "met"))
        self.assertEqual(rows["idle CPU, 50 live suites"][5], "met")
        self.assertEqual(rows["start-up to populated tree"][5], "MISSED")
        self.assertEqual(rows["watch scale, peak RSS"][5], "not measured")
        self.assertEqual(rows["longest stall, 50,000 lines/s"][5], "not measured")

    def test_malformed_lines_are_ignored(self):
        log = self.write("BENCH\nBENCH a\nBENCH a b c\nBENCH k 1e3 s\nBENCH k nan s\nBENCH k 1 s extra\n"
                         "xBENCH k 5 s\nBENCH k -2 s\n" + "BENCH " + "x" * 100000 + " 1 s\n")
        figures = table.parse([log])
        self.assertEqual(figures["k"][0], [1000.0, -2.0])
        self.assertEqual(len(figures), 2)
        self.assertIn("Other figures", table.render(figures, 1))

    def test_kubectl_zero_gives_no_ratio(self):
        log = self.write("BENCH watch.kassert.rss_mb 10 MB\nBENCH watch.kubectl.rss_mb 0 MB\n")
        row = [r for r in table.rows(table.parse([log])) if r[0] == "watch scale, peak RSS"][0]
        self.assertEqual(row[3], "-")


class CounterTest(unittest.TestCase):
    def test_patterns_across_chunk_boundaries(self):
        c = benchlib.Counter(b"\n}\n", b"bench-marker-x")
        data = b"{\n}\n{\n}\n{\n}\n" * 10 + b"..bench-marker-x.."
        for size in (1, 2, 3, 5, 7, 64):
            c = benchlib.Counter(b"\n}\n", b"bench-marker-x")
            seen = False
            for i in range(0, len(data), size):
                seen = c.feed(data[i:i + size]) or seen
            self.assertEqual(c.count, 30, size)
            self.assertTrue(seen, size)


if __name__ == "__main__":
    unittest.main()

"""The table of tests/bench/run: the median of every BENCH figure in a log, kassert beside kubectl.

  python3 table.py [--runs N] LOG...

Rows are the workloads of issue 10, in its order, each with its target; a row whose
figures no bench printed says "not measured". Every other BENCH key follows, with its
median, under "other figures". Not a bench itself: it has no "#!" line, so `run` skips it.
"""

import argparse
import re
import statistics
import sys

LINE = re.compile(r"^BENCH (\S+) (-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?) (\S+)\s*$")

# (label, kassert key, kubectl key or None, unit, target kind, target value)
#   ratio: kassert / kubectl must be <= value;  max: the kassert figure must be <= value
ROWS = [
    ("log ingest, wall time", "log_ingest.kassert.wall_s", "log_ingest.kubectl.wall_s", "s", "ratio", 1.0),
    ("log ingest, peak RSS", "log_ingest.kassert.rss_mb", "log_ingest.kubectl.rss_mb", "MB", "ratio", 1.0),
    ("log ingest, CPU time", "log_ingest.kassert.cpu_s", "log_ingest.kubectl.cpu_s", "s", None, None),
    ("watch scale, wall time", "watch.kassert.wall_s", "watch.kubectl.wall_s", "s", "ratio", 0.5),
    ("watch scale, peak RSS", "watch.kassert.rss_mb", "watch.kubectl.rss_mb", "MB", "ratio", 0.5),
    ("watch scale, CPU time", "watch.kassert.cpu_s", "watch.kubectl.cpu_s", "s", None, None),
    ("watch scale, wall vs kubectl table", "watch.kassert.wall_s", "watch.kubectl_table.wall_s", "s", None, None),
    ("watch scale, RSS vs kubectl table", "watch.kassert.rss_mb", "watch.kubectl_table.rss_mb", "MB", None, None),
    ("start-up to populated tree", "startup.wall_s", None, "s", "max", 0.5),
    ("idle CPU, 50 live suites", "idle.cpu_pct", None, "%", "max", 1.0),
    ("idle RSS, 50 live suites", "idle.rss_mb", None, "MB", "max", 100.0),
    ("idle CPU, no Prometheus (direct scrapes)", "idle.direct.cpu_pct", None, "%", None, None),
    ("idle RSS, no Prometheus (direct scrapes)", "idle.direct.rss_mb", None, "MB", None, None),
    ("longest stall, 50,000 lines/s", "stall.max_ms", None, "ms", "max", 50.0),
]


def parse(paths):
    """key -> ([values], unit) from every BENCH line of the logs."""
    figures = {}
    for path in paths:
        with open(path, errors="replace") as f:
            for line in f:
                m = LINE.match(line.strip())
                if m:
                    values, _ = figures.setdefault(m.group(1), ([], m.group(3)))
                    values.append(float(m.group(2)))
    return figures


def fmt(value):
    if value is None:
        return "-"
    if abs(value) >= 100:
        return "%.0f" % value
    if abs(value) >= 10:
        return "%.1f" % value
    return "%.3g" % value


def rows(figures):
    """[(label, kassert, kubectl, ratio, target, verdict)] as strings."""
    out = []
    median = {k: statistics.median(v) for k, (v, _) in figures.items()}
    for label, ours, theirs, unit, kind, limit in ROWS:
        a = median.get(ours)
        b = median.get(theirs) if theirs else None
        ratio = a / b if a is not None and b else None
        if kind == "ratio":
            target = "ratio <= %g" % limit
            value = ratio
        elif kind == "max":
            target = "<= %g %s" % (limit, unit)
            value = a
        else:
            target, value = "-", None
        if a is None or (theirs and not b):
            verdict = "not measured"   # a kubectl figure of 0 gives no ratio either
        elif kind is None:
            verdict = "(for information)"
        else:
            verdict = "met" if value <= limit else "MISSED"
        out.append((label, "%s %s" % (fmt(a), unit) if a is not None else "-",
                    "%s %s" % (fmt(b), unit) if b is not None else "-",
                    fmt(ratio) if ratio is not None else "-", target, verdict))
    return out


def render(figures, runs):
    header = ("workload", "kassert", "kubectl", "ratio", "target", "result")
    table = [header] + rows(figures)
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = ["Median of %d run(s) per figure." % runs]
    for i, r in enumerate(table):
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    used = {k for row in ROWS for k in (row[1], row[2]) if k}
    others = sorted(k for k in figures if k not in used)
    if others:
        lines.append("")
        lines.append("Other figures (median, runs):")
        for k in others:
            values, unit = figures[k]
            lines.append("  %-36s %10s %-3s (%d)" % (k, fmt(statistics.median(values)), unit, len(values)))
    return "\n".join(lines)


def run(argv):
    parser = argparse.ArgumentParser(description="median table of BENCH lines")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("logs", nargs="+")
    args = parser.parse_args(argv)
    print(render(parse(args.logs), args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))

"""Turns Locust's CSV reports of one run into summary.md (printed too): per endpoint the count,
failures, p50/p95/p99 and max; the checkout outcomes; totals; the errors; 429s on their own.

    python3 load/summary.py <report dir> [key=value ...]   (the pairs head the summary: users, host, ...)

Exits 1 when the run made no request at all (nothing was measured), else 0: whether the run
passed is Locust's exit code, which scripts/load.sh keeps.
"""

import csv
import json
import pathlib
import re
import sys


# The load's pseudo-requests (load/locustfile.py `record`): their tables in the summary.
PSEUDO = {
    "SAGA": ("Checkouts: scenario → final state (time from the 202 to the final state)", "scenario → outcome"),
    "EVENT": ("Waits for an event to reach the cart (time from the first answer that it hadn't yet)", "event"),
}


def read(path: pathlib.Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def ms(value: str) -> str:
    return "-" if value in ("", "N/A") else f"{float(value):.0f}"


def table(rows: list[dict[str, str]], first: str) -> list[str]:
    out = [f"| {first} | requests | failures | p50 ms | p95 ms | p99 ms | max ms | req/s |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['Name']} | {r['Request Count']} | {r['Failure Count']} | {ms(r['50%'])} | {ms(r['95%'])} | {ms(r['99%'])} "
                   f"| {ms(r['Max Response Time'])} | {float(r['Requests/s']):.1f} |")
    return out


def unwrap(error: str) -> str:
    """Locust's CatchResponseError('HTTP 500 ...') → HTTP 500 ..."""
    match = re.fullmatch(r"CatchResponseError\((['\"])(.*)\1\)", error)
    return match.group(2) if match else error


def summarise(report_dir: pathlib.Path, facts: list[str]) -> tuple[str, int]:
    stats = read(report_dir / "locust_stats.csv")
    failures = read(report_dir / "locust_failures.csv")
    exceptions = read(report_dir / "locust_exceptions.csv")
    total_file = report_dir / "locust_http_total.json"
    total = json.loads(total_file.read_text(encoding="utf-8")) if total_file.exists() else None
    http = sorted((r for r in stats if r["Type"] not in ("", *PSEUDO)), key=lambda r: (r["Name"].split(" ", 1)[1], r["Name"]))

    lines = [f"# Load run {report_dir.name}", ""]
    lines += [f"- {fact}" for fact in facts]
    if total is None or total["requests"] == 0:
        lines += ["", "No request was made: nothing measured (see locust.log)."]
        return "\n".join(lines) + "\n", 1

    rate_limited = [f for f in failures if "HTTP 429" in f["Error"]]
    lines += [
        f"- HTTP requests: {total['requests']}, failed: {total['failures']} ({100 * total['failures'] / total['requests']:.2f} %), "
        f"throughput {total['rps']:.1f} req/s; latency p50 {total['p50']:.0f} ms, p95 {total['p95']:.0f} ms, "
        f"p99 {total['p99']:.0f} ms, max {total['max']:.0f} ms",
        f"- rate limited (429): {sum(int(f['Occurrences']) for f in rate_limited) or 'none'}",
        "",
        "## Per endpoint",
        "",
        *table(http, "endpoint"),
        f"| **all HTTP requests** | {total['requests']} | {total['failures']} | {total['p50']:.0f} | {total['p95']:.0f} "
        f"| {total['p99']:.0f} | {total['max']:.0f} | {total['rps']:.1f} |",
    ]
    for kind, (heading, first) in PSEUDO.items():
        rows = sorted((r for r in stats if r["Type"] == kind), key=lambda r: r["Name"])
        if rows:
            lines += ["", f"## {heading}", "", *table(rows, first)]
    lines += ["", "## Errors", ""]
    if failures:
        lines += ["| count | request | error |", "|---:|---|---|"]
        lines += [f"| {f['Occurrences']} | {f['Name']} | {unwrap(f['Error'])} |" for f in sorted(failures, key=lambda f: -int(f["Occurrences"]))]
    else:
        lines.append("none")
    if exceptions:
        lines += ["", "## Exceptions in the load script (tracebacks in locust_exceptions.csv)", "", "| count | exception |", "|---:|---|"]
        lines += [f"| {e['Count']} | {e['Message']} |" for e in exceptions]
    return "\n".join(lines) + "\n", 0


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    report_dir = pathlib.Path(sys.argv[1])
    text, code = summarise(report_dir, [arg.replace("=", ": ", 1) for arg in sys.argv[2:]])
    (report_dir / "summary.md").write_text(text, encoding="utf-8")
    print(text, end="")
    return code


if __name__ == "__main__":
    sys.exit(main())

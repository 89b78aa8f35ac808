"""A local stream under load: many feeds, some slow, failing or huge, for minutes.

    python -m bench.stream_load [--feeds 500] [--minutes 10] [--window 60]

Serves `--feeds` feeds from `bench.feed_farm` on 127.0.0.1, runs `newsbeam stream` (the
command line, as a user runs it) on them for `--minutes`, samples the RSS of its process
tree every 2 s, and reads each window's line: a window opens at its scheduled time, or
when the previous one ends if that is later, and must be written within `--window`
seconds of opening (the stream says how long after; the time its line arrived is kept
too, to check it). Reports per window its feeds due, seconds taken, whether
it met that deadline and balanced, and the RSS between windows. Writes JSON beside
`python -m bench`'s results. A window with no feed due writes nothing and prints no line,
so fewer lines than `windows_in_duration` means windows passed idle or ran late.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import tempfile
import threading
import time
from datetime import UTC, datetime

from bench import newsbeam_command, save_results, tree_rss
from bench.feed_farm import FeedFarm

_WINDOW = re.compile(
    r"^window (\d+) \((\d+) feeds due, run ([\d.]+)s, written ([\d.]+)s after it opened\): (.*)$"
)


def run(
    feeds: int,
    minutes: float,
    window: float,
    http_timeout: float,
    poll: float,
    hang: bool = True,
    workdir: str | None = None,
) -> dict:
    """Runs the stream on a farm and returns the figures (`_report`)."""
    import psutil

    farm = FeedFarm(feeds, hang=hang)
    workdir = workdir or tempfile.mkdtemp(prefix="newsbeam-stream-load-")
    feeds_file = os.path.join(workdir, "feeds.yaml")
    with open(feeds_file, "w", encoding="utf-8") as handle:
        handle.write("feeds:\n" + "".join(f"  - url: {url}\n" for url in farm.urls))
    output = os.path.join(workdir, "out")
    command = [
        *newsbeam_command(),
        "stream",
        "--feeds",
        feeds_file,
        "--output",
        output,
        "--window",
        str(window),
        "--poll-interval",
        str(poll),
        "--http-timeout",
        str(http_timeout),
        "--duration",
        str(int(minutes * 60)),
        "--host-interval",
        "0",
        "--allow-private-networks",
    ]
    started = time.monotonic()
    stream = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1
    )
    lines: list[tuple[float, str]] = []

    def read() -> None:
        for line in stream.stdout:
            lines.append((time.monotonic() - started, line.rstrip("\n")))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    samples: list[tuple[float, int]] = []
    root = psutil.Process(stream.pid)
    while stream.poll() is None:
        try:
            samples.append((time.monotonic() - started, tree_rss(root)))
        except psutil.Error:
            break
        time.sleep(2.0)
    reader.join(10)
    farm.close()
    from newsbeam.query import connect

    with connect(output) as db:
        balanced = [row[0] for row in db.execute("SELECT balanced FROM runs").fetchall()]
    return _report(lines, samples, balanced, feeds, minutes, window, http_timeout, poll, stream)


def _report(lines, samples, balanced, feeds, minutes, window, http_timeout, poll, stream):
    settings = next((at for at, line in lines if line.startswith("newsbeam stream:")), 0.0)
    windows, previous_end = [], settings
    for at, line in lines:
        found = _WINDOW.match(line)
        if not found:
            continue
        written_after = float(found.group(4))
        polled = re.search(r"feeds_polled=(\d+)", found.group(5))
        rss = [r for s, r in samples if previous_end <= s <= at]
        windows.append(
            {
                "window": int(found.group(1)),
                "feeds_due": int(found.group(2)),
                "feeds_polled": int(polled.group(1)) if polled else None,
                "run_s": float(found.group(3)),
                "written_after_s": written_after,  # from the window's opening, as it says
                "line_at_s": round(at - settings, 1),  # when its line reached us
                "on_time": written_after <= window,
                "rss_mb_max": round(max(rss) / 2**20) if rss else None,
            }
        )
        previous_end = at
    between = [w["rss_mb_max"] for w in windows if w["rss_mb_max"]]
    load = os.getloadavg()
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "load_average_at_end": [round(x, 2) for x in load],
        "feeds": feeds,
        "minutes": minutes,
        "window_s": window,
        "poll_interval_s": poll,
        "http_timeout_s": http_timeout,
        "exit_code": stream.returncode,
        "windows": windows,
        "windows_on_time": sum(w["on_time"] for w in windows),
        "windows_in_duration": int(minutes * 60 // window),
        "runs_balanced": f"{sum(bool(b) for b in balanced)}/{len(balanced)}",
        "polls_done_vs_due": [
            sum(w["feeds_polled"] or 0 for w in windows),
            sum(w["feeds_due"] for w in windows),
        ],
        "rss_mb_peak": round(max(r for _s, r in samples) / 2**20) if samples else None,
        "rss_mb_per_window": between,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--poll-interval", type=float, default=300.0)
    parser.add_argument("--http-timeout", type=float, default=5.0)
    parser.add_argument("--results", default="bench/results")
    args = parser.parse_args(argv)
    results = run(args.feeds, args.minutes, args.window, args.http_timeout, args.poll_interval)
    path = save_results(results, "stream-load", args.results)
    for w in results["windows"]:
        print(
            f"window {w['window']:>3}: {w['feeds_due']:>4} due, {w['feeds_polled']} polled, "
            f"written after {w['written_after_s']:>5}s (run {w['run_s']}s), "
            f"{'on time' if w['on_time'] else 'LATE'}, RSS max {w['rss_mb_max']} MB"
        )
    summary = {k: v for k, v in results.items() if k != "windows"}
    print(json.dumps(summary, indent=2))
    print(f"results: {path}")
    return 0 if results["windows_on_time"] == len(results["windows"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())

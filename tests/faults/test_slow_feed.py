"""A feed that never finishes: a few bytes at a time, each well within --http-timeout.

It has its own CLI run because, by design, it costs the whole deadline of a request
(30 s at the shortest flags, retries included): in the feed-fault run it would make that
run wait for it. The body has a Content-Length, so a read waits for a
whole chunk of it: before the fix, the deadline was only checked between chunks, and this
feed held the run for hours.
"""

from __future__ import annotations

import pytest

from tests.support.faults import (
    DEADLINE,
    NEVER_FINISHES_COST,
    NEVER_FINISHES_REQUESTS,
    RSS_TYPE,
    RUN_SLACK,
    Feed,
    Plan,
    RunResult,
    Scenario,
    feed_xml,
    item,
    story,
)
from tests.support.local_server import LocalServer, Reply

pytestmark = pytest.mark.e2e

# 16 bytes every tenth of a second: 160 B/s. The 100 kB feed would take over ten minutes.
# Pieces far inside the 1 s read timeout: a loaded machine that stalls the drip for most
# of a second must not turn the deadline into a read timeout (and a retry).
DRIP = dict(chunk_size=16, chunk_delay=0.1)


def build(server: LocalServer) -> Plan:
    body = feed_xml(
        "Drip Wire", [item("Kenya water", "https://wire.test/drip", story("kenya-water"))]
    ).encode()
    body = body.replace(b"</channel>", b" " * (100_000 - len(body)) + b"</channel>")
    server.routes["/c/drip.xml"] = Reply(200, body, dict(RSS_TYPE), **DRIP)
    feeds = [Feed("Drip Wire", server.url("/c/drip.xml"), 0)]
    return Plan(feeds, ("--fetch-pages", "never"), timeout=NEVER_FINISHES_COST + RUN_SLACK)


SCENARIO = Scenario("slow-feed", build)


def test_a_feed_that_never_finishes_is_cut_at_the_deadline(
    run: RunResult, fault_server: LocalServer
) -> None:
    assert run.returncode == 1, run.stdout + run.stderr  # a feed failed entirely
    assert f"{run.plan.feeds[0].url}: feed_timeout" in run.stderr
    assert run.elapsed < run.plan.timeout
    inputs, articles, duplicates, rejects, balanced, _sources = run.runs_row()
    assert balanced and inputs == run.plan.inputs == 1
    assert (articles, duplicates, rejects) == (0, 0, 1)
    assert run.rows("SELECT stage, reason, detail FROM rejects") == [
        ("feed", "feed_timeout", f"body not complete after {DEADLINE}s")
    ]
    # The deadline bounds the request with its retries: no second attempt after it.
    assert fault_server.hits["/c/drip.xml"] == NEVER_FINISHES_REQUESTS

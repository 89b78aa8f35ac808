"""Feeds and pages on refused addresses, in one CLI run without `--allow-private-networks`.

Every target is on this machine, spelled the ways a probe spells it: an open port (a
listening socket that never accepts) and a closed one. Each is one reject with one reason,
whichever the port, and not one TCP handshake reaches the open port: a handshake the
client completes waits in the socket's accept queue, where this test looks for it.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsbeam.query import connect
from tests.support.faults import feed_xml, item, story
from tests.support.run_cli import newsbeam

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def listener() -> Iterator[socket.socket]:
    """An open port on 127.0.0.1 that takes handshakes into its queue and answers nothing."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield sock


def rows(output: Path, sql: str) -> list[tuple]:
    return connect(str(output)).execute(sql).fetchall()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _targets(open_port: int, closed_port: int) -> list[str]:
    """`{base}` URLs of the open port in its spellings, and the closed port."""
    return [
        f"http://127.0.0.1:{open_port}",
        f"http://127.0.0.1:{closed_port}",
        f"http://2130706433:{open_port}",
        f"http://0x7f.0.0.1:{open_port}",
        f"http://0177.0.0.1:{open_port}",
        f"http://0.0.0.0:{open_port}",
        f"http://[::ffff:127.0.0.1]:{open_port}",
        f"http://localhost:{open_port}",
        f"https://127.0.0.1:{open_port}",
    ]


@pytest.fixture(scope="module")
def refused_run(listener: socket.socket, tmp_path_factory) -> tuple[Path, list[str], list[str]]:
    """(output, feed URLs, page URLs): every feed on a refused target, and a local feed
    whose entries link to pages on them."""
    workdir = tmp_path_factory.mktemp("refused")
    targets = _targets(listener.getsockname()[1], _closed_port())
    feeds = [f"{base}/feed-{n}.xml" for n, base in enumerate(targets)]
    pages = [f"{base}/story-{n}" for n, base in enumerate(targets)]
    local = workdir / "local.xml"
    local.write_text(
        feed_xml(
            "Local Wire",
            [item(f"Story {n}", page, story("kenya-water")) for n, page in enumerate(pages)],
        )
    )
    listed = workdir / "feeds.yaml"
    listed.write_text(
        "feeds:\n"
        + "".join(f"  - url: '{url}'\n    name: 'feed {n}'\n" for n, url in enumerate(feeds))
        + f"  - url: '{local}'\n    name: 'Local Wire'\n"
    )
    output = workdir / "out"
    newsbeam(
        "run",
        "--feeds",
        str(listed),
        "--output",
        str(output),
        "--fetch-pages",
        "always",
        "--http-timeout",
        "1",
        "--host-interval",
        "0",
        check=False,
        timeout=300,
    )
    return output, feeds, pages


def test_every_refused_feed_is_one_reject_with_one_reason(refused_run) -> None:
    output, feeds, _pages = refused_run
    got = dict(rows(output, "SELECT input, reason FROM rejects WHERE stage = 'feed'"))
    assert got == {url: "feed_refused_address" for url in feeds}


def test_every_refused_page_is_one_reject_with_one_reason(refused_run) -> None:
    """Pages are refused as feeds are, and not replaced by the feed's text."""
    output, _feeds, pages = refused_run
    got = dict(rows(output, "SELECT input, reason FROM rejects WHERE stage = 'fetch'"))
    assert got == {url: "page_refused_address" for url in pages}
    assert rows(output, "SELECT count(*) FROM articles") == [(0,)]


def test_no_refused_target_was_connected_to(refused_run, listener: socket.socket) -> None:
    listener.setblocking(False)
    with pytest.raises(BlockingIOError):
        connection, peer = listener.accept()
        connection.close()
        pytest.fail(f"a refused target was connected to, from {peer}")

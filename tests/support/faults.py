"""What the fault tests share: faulty replies, feed XML, and one CLI run with its results.

A `Scenario` is one `newsbeam run` against the shared fault server. Its `build` puts routes
on the server and says which feeds to read and how many inputs that makes;
`tests/faults/conftest.py` starts the scenarios of the collected modules at once, since most
of a run is waiting (for start-up, timeouts and retries), and two cores can wait for three
runs.
"""

from __future__ import annotations

import functools
import gzip
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from newsbeam.query import connect
from tests.support.local_server import LocalServer, Reply, Request
from tests.support.news_site import STORIES, page_text
from tests.support.run_cli import newsbeam_peak_rss

# Feeds and pages must answer within this many seconds (--http-timeout). The deadline for a
# whole body is then max(3 x 1, 30) = 30 s, the shortest the CLI allows.
HTTP_TIMEOUT = 1.0
DEADLINE = 30.0
ATTEMPTS = 4  # one try and three retries, for failures that come fast
# What a body that never finishes costs by design: one deadline, which bounds a request and
# all its retries, so the first attempt, cut at the deadline, is the only one.
NEVER_FINISHES_REQUESTS = 1
NEVER_FINISHES_COST = DEADLINE + 1.0
# On top of that, what a run may take to start, read its feeds and write, with two other
# runs beside it on two cores: about 20 s here, so a margin for a loaded machine.
RUN_SLACK = 90.0
MAX_PAGE_BYTES = 5_000_000  # the default --max-page-bytes: the bodies below are real sizes


# -- texts -------------------------------------------------------------------------------


def story(slug: str) -> str:
    """A news_site story as one feed text: long enough to pass cleaning."""
    return " ".join(page_text(slug))


def brief(slug: str) -> str:
    """Another write-up of a news_site story, in other words than `story`: no near copy."""
    country, city, person, body, action = STORIES[slug]
    return (
        f"Officials in {city} confirmed on Monday that the {body} of {country} had {action}. "
        f"{person} said the plan had been debated for more than a year and would go before "
        f"parliament ahead of the budget vote. Local newspapers reported that the first "
        f"contracts could be signed within weeks, although unions asked for more consultation "
        f"with the workers affected."
    )


# Two Russian stories: what a mislabelled windows-1251 feed turns into mojibake.
RUSSIAN = {
    "buses": (
        "Москва расширяет сеть электробусов",
        "Власти Москвы объявили в понедельник, что до конца года город получит ещё четыреста "
        "электробусов, которые заменят старые дизельные автобусы на маршрутах в северных и "
        "восточных районах. По словам заместителя мэра, закупка обойдётся бюджету в двенадцать "
        "миллиардов рублей, а первые машины выйдут на линии уже в апреле. Жители новых районов "
        "давно жаловались на длинные интервалы движения и переполненные автобусы в часы пик.",
    ),
    "bridge": (
        "В Казани открыли новый мост",
        "В Казани в субботу открыли движение по новому мосту через реку, строительство которого "
        "продолжалось почти четыре года. Мост длиной восемьсот метров соединил два крупных "
        "жилых района и, как ожидают городские власти, сократит время поездки в центр на "
        "двадцать минут. Инженеры отметили, что конструкция рассчитана на сильные морозы и "
        "весенние паводки, а по краям моста проложены широкие велосипедные дорожки.",
    ),
}


# -- feed XML ----------------------------------------------------------------------------


def item(title: str, link: str, text: str | None = None, raw: str = "") -> str:
    """An RSS item published on 2025-03-04; without `text` it has no description at all.
    `raw` is XML put unescaped at the end of the description: entity references."""
    description = f"<description>{escape(text)}{raw}</description>" if text is not None else ""
    return (
        f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<guid>{escape(link)}</guid><pubDate>Tue, 04 Mar 2025 09:00:00 GMT</pubDate>"
        f"{description}</item>"
    )


def feed_xml(title: str, items: list[str], prolog: str = "<?xml version='1.0'?>") -> str:
    """An RSS 2.0 document; `prolog` is what comes before the root (declaration, DOCTYPE)."""
    return (
        f"{prolog}<rss version='2.0'><channel><title>{escape(title)}</title>"
        f"{''.join(items)}</channel></rss>"
    )


RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}


def feed_reply(xml: str) -> Reply:
    return Reply(200, xml.encode(), dict(RSS_TYPE))


# -- faulty replies ----------------------------------------------------------------------


BOMB_GIB = 2


def bounded_by_bomb(run: RunResult) -> bool:
    """Whether the run the bomb was sent to peaked well below what the bomb inflates to:
    under half of it (a run takes about 0.5 GiB; the bomb, 2 GiB)."""
    return run.peak_rss < (BOMB_GIB << 30) / 2


@functools.cache
def gzip_bomb() -> bytes:
    """2 GiB of zeros in about 2 MB: gzip members of 16 MiB each, end to end (a gzip
    stream may hold several; the first alone is over any limit here)."""
    member = gzip.compress(bytes(16 << 20), compresslevel=9)
    return member * (64 * BOMB_GIB)


def bomb_reply(content_type: str) -> Reply:
    return Reply(200, gzip_bomb(), {"Content-Type": content_type, "Content-Encoding": "gzip"})


def binary_body(size: int = 20_000) -> bytes:
    """Seeded random bytes, NULs included: an image or a PDF where text was expected."""
    return random.Random(size).randbytes(size)


@dataclass
class Streamed:
    """A chunked body of `total` bytes, made while it is sent; `sent` counts what the server
    got to write, so a test can tell that the client stopped reading early."""

    head: bytes = field(repr=False)
    piece: bytes = field(repr=False)
    total: int
    sent: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def reply(self, content_type: str) -> Reply:
        return Reply(200, headers={"Content-Type": content_type}, stream=self._pieces)

    def _pieces(self) -> Iterator[bytes]:
        size, block = 0, self.head
        while size < self.total:
            block = block[: self.total - size]
            with self._lock:
                self.sent += len(block)
            size += len(block)
            yield block
            block = self.piece


def endless(piece: bytes, every: float) -> Callable[[], Iterator[bytes]]:
    """A chunked body that never ends: `piece` every `every` seconds, until the client goes."""

    def pieces() -> Iterator[bytes]:
        while True:
            yield piece
            time.sleep(every)

    return pieces


def redirect(location: str | None, status: int = 302) -> Reply:
    return Reply(status, b"", {"Location": location} if location is not None else {})


def slow(reply: Reply, seconds: float, times: int | None = None) -> Callable[[Request], Reply]:
    """Answers only after `seconds` (the first `times` requests, or always): a timeout."""

    def route(request: Request) -> Reply:
        if times is None or request.count <= times:
            time.sleep(seconds)
        return reply

    return route


def failing(
    failures: list[Reply], then: Reply, times: list[float] | None = None
) -> Callable[[Request], Reply]:
    """The replies in `failures` for the first requests, then `then`; when `times` is given,
    the moment of each request is appended to it."""

    def route(request: Request) -> Reply:
        if times is not None:
            times.append(time.monotonic())
        return failures[request.count - 1] if request.count <= len(failures) else then

    return route


# -- one run -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Feed:
    """A feed of a scenario: `entries` it should yield, or 0 when the feed is rejected."""

    name: str
    url: str
    entries: int

    @property
    def inputs(self) -> int:
        """A feed's inputs: its entries, or the one reject that stands for the feed."""
        return self.entries or 1


@dataclass(frozen=True)
class Plan:
    feeds: list[Feed]
    flags: tuple[str, ...]
    timeout: float  # seconds the whole CLI run may take before it counts as hung

    @property
    def inputs(self) -> int:
        return sum(feed.inputs for feed in self.feeds)


@dataclass(frozen=True)
class Scenario:
    """One CLI run: `build` serves its faults and returns the plan."""

    name: str
    build: Callable[[LocalServer], Plan]


@dataclass
class RunResult:
    plan: Plan
    output: Path
    returncode: int
    stdout: str
    stderr: str
    elapsed: float
    peak_rss: int  # bytes: the largest process of this run alone

    def rows(self, sql: str) -> list[tuple]:
        return connect(str(self.output)).execute(sql).fetchall()

    def runs_row(self) -> tuple:
        """(inputs, articles, duplicates, rejects, balanced, sources by name) of the run."""
        (row,) = self.rows(
            "SELECT inputs, articles, duplicates, rejects, balanced, sources FROM runs"
        )
        sources = {s["source"]: s for s in row[5]}
        return (*row[:5], sources)

    def tally(self, source: str) -> tuple[int, int, int, int]:
        """(inputs, articles, duplicates, rejects) of one source, from the runs row."""
        counts = self.runs_row()[5].get(source)
        if counts is None:
            return (0, 0, 0, 0)
        return (counts["inputs"], counts["articles"], counts["duplicates"], counts["rejects"])

    def everything(self) -> str:
        """Every row of every table as text: to prove something appears nowhere."""
        tables = ("articles", "duplicates", "rejects", "entity_variants", "runs")
        return "\n".join(str(self.rows(f"SELECT * FROM {table}")) for table in tables)


def run_scenario(server: LocalServer, scenario: Scenario, workdir: Path) -> RunResult:
    """Serves the scenario's faults and runs `newsbeam run` on its feeds, named in a YAML."""
    plan = scenario.build(server)
    feeds = workdir / "feeds.yaml"
    feeds.write_text(
        "feeds:\n"
        + "".join(f"  - url: '{feed.url}'\n    name: '{feed.name}'\n" for feed in plan.feeds)
    )
    output = workdir / "out"
    started = time.monotonic()
    result, peak_rss = newsbeam_peak_rss(
        "run",
        "--feeds",
        str(feeds),
        "--output",
        str(output),
        "--allow-private-networks",
        "--http-timeout",
        str(HTTP_TIMEOUT),
        "--host-interval",
        "0",
        *plan.flags,
        timeout=plan.timeout,
    )
    elapsed = time.monotonic() - started
    return RunResult(
        plan, output, result.returncode, result.stdout, result.stderr, elapsed, peak_rss
    )

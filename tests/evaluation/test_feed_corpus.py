"""Hundreds of feeds, well-formed and broken, through the batch feed reader.

`tests/data/feeds/corpus` is written by `tests/data/feeds/make_corpus.py`: every feed format,
date form and encoding, and the broken documents the web sends (truncated, mis-encoded,
entity bombs, XXE, binary, HTML). A bad feed must cost that feed only: it gives entries or
one reject saying why, never an exception that fails the run, never a local file's content.
`manifest.json` says what each file must give; well-formed files are checked item by item.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newsbeam.transforms.sources.feed_config import FeedConfig
from newsbeam.transforms.sources.feed_parsing import FeedEntry, html_to_text, parse_feed
from newsbeam.transforms.sources.feed_polling import PollOutcome, poll_feed
from newsbeam.transforms.sources.feed_state import FeedState
from newsbeam.transforms.sources.http import HttpClient, HttpPolicy
from tests.support.paths import SHARED, TEST_DATA

FEEDS = TEST_DATA / "feeds"
CORPUS = FEEDS / "corpus"
MANIFEST: dict[str, dict] = json.loads((FEEDS / "manifest.json").read_text(encoding="utf-8"))[
    "files"
]
FEED_REJECTS = {"feed_empty", "feed_unparseable"}
NOW = 1_750_000_000.0  # a fixed poll time: nothing here depends on the clock
MAX_BYTES = HttpPolicy().max_body_bytes
# What /etc/passwd starts with on every Unix: the XXE documents point at it.
PASSWD_MARKER = "root:"


def _poll_all(paths: list[Path]) -> dict[Path, PollOutcome]:
    """One batch poll of each local feed file, exactly as `ReadFeeds` does it."""
    client = HttpClient(HttpPolicy())
    outcomes = {}
    try:
        for path in paths:
            feed = FeedConfig(url=str(path))
            try:
                outcomes[path] = poll_feed(
                    client, feed, FeedState(), NOW, 300.0, 7 * 86_400.0, MAX_BYTES
                )
            except Exception as error:  # named, so that the failure says which file
                pytest.fail(f"{path.name} crashed the feed reader: {error!r}")
    finally:
        client.close()
    return outcomes


@pytest.fixture(scope="module")
def outcomes() -> dict[str, PollOutcome]:
    polled = _poll_all([CORPUS / name for name in sorted(MANIFEST)])
    return {path.name: outcome for path, outcome in polled.items()}


def _result(outcome: PollOutcome) -> str:
    return "entries" if outcome.entries else outcome.problem[0]


def _published(entry: FeedEntry) -> str | None:
    """The instant, in UTC (an entry keeps the offset its feed wrote, for the day); or the
    day alone, where the feed wrote no time."""
    if not isinstance(entry.published_at, datetime):
        return entry.published_at.isoformat() if entry.published_at else None
    return entry.published_at.astimezone(UTC).isoformat()


def _mismatches(expected: dict, entries: list[FeedEntry], field: str) -> str | None:
    """Why `entries` do not give the manifest's `field`, or None when they do."""
    titles = [entry.title for entry in entries]
    if field == "titles" and titles != expected["titles"]:
        return f"titles {titles} != {expected['titles']}"
    if field == "count" and len(entries) != expected["count"]:
        return f"{len(entries)} entries, expected {expected['count']}"
    if field == "recovered" and titles[: len(expected["recovered"])] != expected["recovered"]:
        return f"titles {titles} do not start with the whole items {expected['recovered']}"
    if field == "links" and [entry.link for entry in entries] != expected["links"]:
        return f"links {[entry.link for entry in entries]} != {expected['links']}"
    if field == "published":
        got = [_published(entry) for entry in entries]
        wanted = expected["published"]
        allowed = [{want, None} if expected.get("lenient") else {want} for want in wanted]
        if len(got) != len(wanted) or any(g not in ok for g, ok in zip(got, allowed, strict=True)):
            return (
                f"published {got}, expected {wanted}{' or none' if expected.get('lenient') else ''}"
            )
    return None


def _known_issues() -> list:
    """One expected failure per known misreading, over all the files that show it."""
    files: dict[tuple[str, str], list[str]] = {}
    for name, expected in sorted(MANIFEST.items()):
        for field, why in expected.get("known_issue", {}).items():
            files.setdefault((field, why), []).append(name)
    return [
        pytest.param(field, names, id=names[0], marks=pytest.mark.xfail(strict=True, reason=why))
        for (field, why), names in files.items()
    ]


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_corpus", FEEDS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["make_corpus"]
    return module


def test_the_corpus_is_what_its_generator_writes() -> None:
    """The committed files are reproducible: edit make_corpus.py and re-run it, never the files."""
    cases = _load_generator().build().cases
    on_disk = sorted(path.name for path in CORPUS.iterdir())
    assert on_disk == sorted(MANIFEST) == sorted(case.name for case in cases)
    assert len(on_disk) >= 300
    assert all((CORPUS / case.name).read_bytes() == case.data for case in cases)
    assert sum(len(case.data) for case in cases) < 2_000_000


def test_every_file_is_accounted_for_exactly_once(outcomes: dict[str, PollOutcome]) -> None:
    """Each file gives entries or one feed reject, never both, never neither, never a crash."""
    with_entries = {name for name, outcome in outcomes.items() if outcome.entries}
    rejected = {name for name, outcome in outcomes.items() if outcome.problem}
    assert not with_entries & rejected
    assert len(with_entries) + len(rejected) == len(MANIFEST) == len(outcomes)
    assert {outcomes[name].problem[0] for name in rejected} <= FEED_REJECTS
    wrong = [
        f"{name}: expected {expected['outcome']}, got {_result(outcomes[name])}"
        f" ({outcomes[name].problem})"
        for name, expected in sorted(MANIFEST.items())
        if expected["outcome"] != "any" and expected["outcome"] != _result(outcomes[name])
    ]
    assert not wrong, "\n".join(wrong)
    # Both kinds really occur: the corpus is not all good or all broken.
    assert len(with_entries) > 250 and len(rejected) > 40


def test_files_yield_their_items_titles_and_links(outcomes: dict[str, PollOutcome]) -> None:
    """N items in, N entries out, with the document's titles (decoded, HTML stripped) and
    links (resolved against xml:base, credentials removed); broken files keep whole items."""
    wrong = []
    for name, expected in sorted(MANIFEST.items()):
        issues = expected.get("known_issue", {})
        for field in ("titles", "count", "recovered", "links"):
            if field in expected and field not in issues:
                problem = _mismatches(expected, outcomes[name].entries, field)
                if problem:
                    wrong.append(f"{name}: {problem}")
    assert not wrong, "\n".join(wrong)


def test_dates_are_right_or_absent(outcomes: dict[str, PollOutcome]) -> None:
    """Every date form in RSS, Atom and RDF gives the right UTC instant; garbage gives none.
    Localized forms may give none, never a wrong date (known misreadings are listed apart)."""
    checked = 0
    wrong = []
    for name, expected in sorted(MANIFEST.items()):
        if "published" in expected and "published" not in expected.get("known_issue", {}):
            checked += 1
            problem = _mismatches(expected, outcomes[name].entries, "published")
            if problem:
                wrong.append(f"{name}: {problem}")
    assert not wrong, "\n".join(wrong)
    assert checked > 100


@pytest.mark.parametrize(("field", "names"), _known_issues())
def test_known_misreadings(outcomes: dict[str, PollOutcome], field: str, names: list[str]) -> None:
    """What the reader gets wrong today (the manifest's `known_issue`), kept visible: strict,
    so the test fails once every file of an issue is read right, to retire the issue."""
    wrong = [_mismatches(MANIFEST[name], outcomes[name].entries, field) for name in names]
    assert not any(wrong), wrong


def test_repeated_guids_are_parsed_and_every_item_emitted(
    outcomes: dict[str, PollOutcome],
) -> None:
    """Every repeated item is parsed and a poll emits each: an item is an input whatever its
    guid (distinct items under one guid get keys of their own; a copy becomes a duplicate)."""
    repeated = {name: e for name, e in MANIFEST.items() if "items" in e}
    assert repeated
    for name, expected in repeated.items():
        parsed = parse_feed((CORPUS / name).read_bytes(), str(CORPUS / name))
        assert len(parsed.entries) == expected["items"], name
        assert len(outcomes[name].entries) == len(expected["titles"]) == expected["items"], name


def _strings(outcome: PollOutcome) -> list[str]:
    values = [outcome.feed_title or ""]
    for entry in outcome.entries:
        values += [entry.title or "", entry.text, entry.link or "", *entry.authors, *entry.tags]
    return values


def test_no_entity_reads_a_local_file_or_explodes(outcomes: dict[str, PollOutcome]) -> None:
    """XXE documents point entities at /etc/passwd; billion laughs nests entities 10^9 deep.
    Neither may put a local file's content in an entry or blow an entry up."""
    passwd = Path("/etc/passwd")
    assert not passwd.exists() or passwd.read_text().startswith(PASSWD_MARKER)
    for name, outcome in outcomes.items():
        for value in _strings(outcome):
            assert PASSWD_MARKER not in value, name
            assert len(value) < 100_000, f"{name}: a value of {len(value)} characters"


def test_links_never_carry_credentials(outcomes: dict[str, PollOutcome]) -> None:
    """A `user:password@` in a feed's link is never stored."""
    links = [entry.link for outcome in outcomes.values() for entry in outcome.entries]
    assert any(link and "news.example/private/1" in link for link in links)
    for link in filter(None, links):
        parts = urlsplit(link)
        assert parts.username is None and parts.password is None, link
        assert "s3cret" not in link


def test_read_feeds_in_beam_accounts_for_every_file(
    outcomes: dict[str, PollOutcome], pipeline
) -> None:
    """The whole corpus through the real `ReadFeeds` transform: entries and rejects per file
    are the per-file results, and each file has exactly one state."""
    import apache_beam as beam
    from apache_beam.testing.util import assert_that, equal_to

    from newsbeam.transforms.sources.read_feeds import ReadFeeds

    paths = {name: str(CORPUS / name) for name in sorted(MANIFEST)}
    feeds = [(FeedConfig(url=path), FeedState()) for path in paths.values()]
    counts = [(paths[n], len(o.entries)) for n, o in outcomes.items() if o.entries]
    rejects = [(paths[n], o.problem[0]) for n, o in outcomes.items() if o.problem]
    with pipeline as p:
        read = p | ReadFeeds(feeds, HttpPolicy())
        assert_that(
            read.entries
            | "FeedOfEntry" >> beam.Map(lambda element: element["feed"].url)
            | beam.combiners.Count.PerElement(),
            equal_to(counts),
            label="EntriesPerFile",
        )
        assert_that(
            read.rejects | "Reason" >> beam.Map(lambda row: (row["input"], row["reason"])),
            equal_to(rejects),
            label="RejectPerFile",
        )
        assert_that(
            read.states | "FeedOfState" >> beam.Map(lambda state: state[0].url),
            equal_to(list(paths.values())),
            label="StatePerFile",
        )


# --- the shared real feeds, when they are beside the repo --------------------------------

SHARED_FEEDS = SHARED / "data"
_NOT_FEEDS = ("SOURCE.txt", "LICENSE")


def _shared_feed_files() -> list[Path]:
    files = [
        path
        for root in sorted(SHARED_FEEDS.glob("feeds_*"))
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and not path.name.startswith(_NOT_FEEDS)
        and "output" not in path.relative_to(root).parts  # rss-parser's expected JSON
        and "html_to_text_pairs" not in path.relative_to(root).parts
    ]
    if not files:
        pytest.skip(f"the shared real feeds are absent ({SHARED_FEEDS}/feeds_*)")
    return files


def test_shared_real_feeds_are_each_accounted_for() -> None:
    """Every real feed file (RSS, Atom, RDF, JSON, odd encodings) gives entries or one
    feed reject."""
    outcomes = _poll_all(_shared_feed_files())
    for path, outcome in outcomes.items():
        assert bool(outcome.entries) != bool(outcome.problem), path
        assert not outcome.problem or outcome.problem[0] in FEED_REJECTS, (path, outcome.problem)
    # Some files are deliberately empty encoding probes, and JSON Feed is not read from disk
    # (feedparser needs a JSON Content-Type): most, not all, give entries.
    with_entries = sum(bool(outcome.entries) for outcome in outcomes.values())
    assert with_entries >= 100, f"only {with_entries} of {len(outcomes)} files gave entries"


def test_shared_rss_parser_titles_match_its_expected_output() -> None:
    """rss-parser's expected output names each item's link and title; ours must agree
    (where its title is not itself mis-decoded: it has U+FFFD)."""
    root = SHARED_FEEDS / "feeds_rss_parser_js"
    if not (root / "output").is_dir():
        pytest.skip(f"the shared rss-parser feeds are absent ({root})")
    checked = 0
    wrong = []
    for expected_file in sorted((root / "output").glob("*.json")):
        try:
            expected = json.loads(expected_file.read_bytes().decode("utf-8"))
        except ValueError:
            continue  # encoding.json is itself not UTF-8
        (source,) = (root / "input").glob(expected_file.stem + ".*")
        entries = parse_feed(source.read_bytes(), str(source)).entries
        by_link: dict[str | None, FeedEntry] = {}
        for entry in entries:
            by_link.setdefault(entry.link, entry)
        for item in expected["feed"]["items"]:
            link, title = item.get("link"), item.get("title")
            if not isinstance(title, str) or "\ufffd" in title:
                continue
            if not isinstance(link, str) or not link.startswith(("http://", "https://")):
                continue
            checked += 1
            entry = by_link.get(link.strip())
            if entry is None or entry.title != (html_to_text(title) or None):
                wrong.append(f"{source.name}: {link}: {entry and entry.title!r} != {title!r}")
    assert checked > 300
    assert not wrong, "\n".join(wrong)

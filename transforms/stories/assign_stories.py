"""`AssignStories`: every article and duplicate gets its story; the `stories` and
`story_merges` rows of the run (or window).

    articles -> cards ─┐
    duplicates -> refs ┴─> one group per run/window -> assign_batch -> story ids
                                                                    -> stories, merges
    articles, duplicates + story ids -> rows with `story_id`

The index is online, so a batch must be seen whole and in one order: the cards (a few
hundred bytes an article: its terms, time, source) go to one worker, are sorted, and
assigned there; the rows themselves stay where they are and are joined back by id.
Between runs and local stream windows the open stories live in a file beside the output
(`story_state_files`); on true streaming runners, in keyed state in the global window,
which Beam processes one window's group at a time.
"""

from __future__ import annotations

import typing
from datetime import UTC, datetime, time

import apache_beam as beam
from apache_beam.coders import PickleCoder
from apache_beam.metrics import Metrics
from apache_beam.transforms import window
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec

from newsbeam.transforms.records import DateSource, Tagged
from newsbeam.transforms.split_outputs import SplitOutputs
from newsbeam.transforms.stories.story_batches import StoryCard, StoryState, assign_batch
from newsbeam.transforms.stories.story_state_files import load_story_state, written_story_ids
from newsbeam.transforms.stories.story_terms import (
    bridge_features,
    story_terms,
    with_entity_terms,
)

__all__ = ["AssignStories", "story_card"]

_BATCH_KEY = "stories"


def story_card(article: dict) -> StoryCard:
    """What the story index needs of an article row."""
    title, language = article.get("title") or "", _language(article)
    bridges = bridge_features(title, article["text"], article.get("entities") or ())
    return StoryCard(
        article_id=article["id"],
        published=_published_seconds(article),
        terms=with_entity_terms(story_terms(title, article["text"], language), bridges),
        source=article.get("source") or "",
        title=title,
        main_country=article.get("main_country"),
        names=tuple(article.get("persons") or ()) + tuple(article.get("organizations") or ()),
        dated=article.get("date_source") != DateSource.INGESTED,
        language=language,
        bridges=bridges,
    )


def _language(article: dict) -> str:
    return (article.get("language") or "en").split("-")[0]


def _published_seconds(article: dict) -> float:
    """Publication time; a date-only one is its day's start; none known: the ingestion time."""
    if article.get("published_at") is not None:
        return article["published_at"].timestamp()
    if article.get("date_source") != DateSource.INGESTED and article.get("date") is not None:
        return datetime.combine(article["date"], time(), UTC).timestamp()
    return article["ingested_at"].timestamp()


class _WrittenStories(typing.NamedTuple):
    """The stories of articles the state has forgotten: the output's `articles` written
    within `--state-expiry` of `now` (none without an output); `finished_only`: of
    finished runs only (see `written_story_ids`)."""

    output_dir: str | None
    expiry_s: float
    now: datetime
    finished_only: bool = False

    def stories_of(self, article_ids: set[str]) -> dict[str, str]:
        if not article_ids or not self.output_dir:
            return {}
        since = self.now.timestamp() - self.expiry_s
        return written_story_ids(self.output_dir, article_ids, since, self.finished_only)


def _stories_of(state: StoryState, grouped: list, ingested_at: datetime, written: _WrittenStories):
    """Assigns one group's cards; yields (row id, story id) for articles and duplicates, and
    `Tagged` stories and merges rows. Updates `state`."""
    cards = [value for kind, value in grouped if kind == "card"]
    refs = [value for kind, value in grouped if kind == "ref"]
    kept_ids = [kept_id for _copy, kept_id in refs]
    result = assign_batch(state, cards, kept_ids=kept_ids, written=written.stories_of)
    yield from ((card.article_id, result.story_of[card.article_id]) for card in cards)
    for duplicate_id, kept_id in refs:  # every row hears of its story, known or not
        yield duplicate_id, result.story_of.get(kept_id)
    for row in result.summaries:
        yield Tagged("stories", {**row, "ingested_at": ingested_at})
    for merge in result.merges:
        row = {"story_id": merge.merged, "continues_as": merge.continues}
        yield Tagged("story_merges", {**row, "ingested_at": ingested_at})


class _AssignFromFileFn(beam.DoFn):
    """Batch runs and local stream windows: the stories resume from the output's state file
    (none without an output); what they leave is an output (`open_stories`), which
    `newsbeam.compose.write` stages beside the tables."""

    def __init__(self, output_dir: str | None, expiry_s: float, now: datetime):
        self._output_dir, self._expiry_s, self._now = output_dir, expiry_s, now
        self._stories = Metrics.counter("newsbeam", "stories_added_to")

    def process(self, element):
        _key, grouped = element
        state = StoryState()
        if self._output_dir:
            state = load_story_state(self._output_dir, self._expiry_s, self._now.timestamp())
        # A run killed after writing articles left no open stories: those it wrote are
        # assigned again, so that the rerun of the same input gives its stories.
        written = _WrittenStories(self._output_dir, self._expiry_s, self._now, finished_only=True)
        for item in _stories_of(state, list(grouped), self._now, written):
            if isinstance(item, Tagged) and item.tag == "stories":
                self._stories.inc()
            yield item
        yield Tagged("open_stories", state)


class _AssignInKeyedStateFn(beam.DoFn):
    """True streaming runners: the stories live in keyed state across windows."""

    STATE = ReadModifyWriteStateSpec("open_stories", PickleCoder())

    def __init__(self, output_dir: str | None, expiry_s: float):
        self._output_dir, self._expiry_s = output_dir, expiry_s

    def process(self, element, saved=beam.DoFn.StateParam(STATE)):
        _key, grouped = element
        stored = saved.read()
        state = StoryState.from_json(stored) if stored else StoryState()
        now = datetime.now(UTC)
        written = _WrittenStories(self._output_dir, self._expiry_s, now)
        yield from _stories_of(state, list(grouped), now, written)
        saved.write(state.to_json())


def _with_story(kind: str, row: dict, story_id: str | None):
    if kind == "article":
        return {**row, "story_id": story_id}
    return Tagged("duplicates", {**row, "story_id": story_id})


class _WithStoryFn(beam.DoFn):
    """(id, [article or duplicate, story id]) -> the row with its `story_id` (bounded input:
    one group holds both)."""

    def process(self, element):
        _id, values = element
        story_ids = [value for kind, value in values if kind == "story"]
        story_id = story_ids[0] if story_ids else None
        for kind, row in values:
            if kind != "story":
                yield _with_story(kind, row, story_id)


class _GatherStoryFn(beam.DoFn):
    """Per row id, in keyed state: waits for the row and its story id, then joins them.

    Unbounded input: a late pane can bring a row and its story id in separate firings of a
    windowed join, so the join waits in state in the global window instead (like
    `CrossWindowDedupe`); the state is cleared once joined, so it holds rows in flight."""

    ROW = ReadModifyWriteStateSpec("row", PickleCoder())
    STORY = ReadModifyWriteStateSpec("story", PickleCoder())

    def process(
        self, element, row_state=beam.DoFn.StateParam(ROW), story_state=beam.DoFn.StateParam(STORY)
    ):
        _id, (kind, value) = element
        if kind == "story":
            story_state.write((value,))
        else:
            row_state.write((kind, value))
        row, story = row_state.read(), story_state.read()
        if row is None or story is None:
            return
        row_state.clear()
        story_state.clear()
        yield _with_story(row[0], row[1], story[0])


def _windowing_of(collection) -> dict:
    windowing = collection.windowing
    return {
        "windowfn": windowing.windowfn,
        "trigger": windowing.triggerfn,
        "accumulation_mode": windowing.accumulation_mode,
        "allowed_lateness": windowing.allowed_lateness,
    }


class AssignStories(beam.PTransform):
    """{"articles", "duplicates"} -> {"articles", "duplicates", "stories", "story_merges"}.

    and "open_stories": the `StoryState` the run leaves (none in keyed state), to be staged
    beside the output (`story_state_files`) when the tables are written.

    `output_dir`: where the open stories of earlier runs are read from (None: none);
    `in_keyed_state`: hold them in Beam state across windows instead (true streaming).
    """

    def __init__(
        self, output_dir: str | None, expiry_s: float, in_keyed_state: bool = False
    ) -> None:
        super().__init__()
        self._output_dir = output_dir
        self._expiry_s = expiry_s
        self._in_keyed_state = in_keyed_state

    def expand(self, tables):
        articles, duplicates = tables["articles"], tables["duplicates"]
        cards = articles | "StoryCards" >> beam.Map(lambda a: ("card", story_card(a)))
        refs = duplicates | "KeptIds" >> beam.Map(lambda d: ("ref", (d["id"], d["duplicate_of"])))
        batches = (
            (cards, refs)
            | "CardsAndRefs" >> beam.Flatten()
            | "OneBatch"
            >> beam.Map(lambda item: (_BATCH_KEY, item)).with_output_types(tuple[str, typing.Any])
            | "GatherBatch" >> beam.GroupByKey()
        )
        now = datetime.now(UTC)
        if self._in_keyed_state:
            assigned = (
                batches
                | "AcrossWindows" >> beam.WindowInto(window.GlobalWindows())
                | "AssignInKeyedState"
                >> beam.ParDo(_AssignInKeyedStateFn(self._output_dir, self._expiry_s))
                | "BackToWindows" >> beam.WindowInto(**_windowing_of(articles))
            )
        else:
            assigned = batches | "AssignInPublicationOrder" >> beam.ParDo(
                _AssignFromFileFn(self._output_dir, self._expiry_s, now)
            )
        decided = assigned | "SplitStoryRows" >> SplitOutputs(
            "stories", "story_merges", "open_stories", main="story_ids"
        )
        keyed = (
            articles | "KeyArticles" >> beam.Map(lambda a: (a["id"], ("article", a))),
            duplicates | "KeyDuplicates" >> beam.Map(lambda d: (d["id"], ("duplicate", d))),
            decided.story_ids | "KeyStoryIds" >> beam.Map(lambda s: (s[0], ("story", s[1]))),
        ) | "RowsAndStories" >> beam.Flatten()
        if articles.is_bounded:
            joined = (
                keyed | "ById" >> beam.GroupByKey() | "WithStoryId" >> beam.ParDo(_WithStoryFn())
            )
        else:
            joined = (
                keyed
                | "RowsAcrossPanes" >> beam.WindowInto(window.GlobalWindows())
                | "StrKeys" >> beam.Map(lambda item: item).with_output_types(tuple[str, typing.Any])
                | "GatherStoryId" >> beam.ParDo(_GatherStoryFn())
                | "RowsBack" >> beam.WindowInto(**_windowing_of(articles))
            )
        rows = joined | "SplitRows" >> SplitOutputs("duplicates", main="articles")
        return {
            "articles": rows.articles,
            "duplicates": rows.duplicates,
            "stories": decided.stories,
            "story_merges": decided.story_merges,
            "open_stories": decided.open_stories,
        }

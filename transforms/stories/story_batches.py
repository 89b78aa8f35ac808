"""A batch of articles (a run, a chunk, a window) through the story index, in one order.

The index is online and order decides its result, so a batch is fed in publication order
(then id), with the merges of stories that turn out to be one made after each
`MERGE_EVERY_SECONDS` of publication time, as a stream of hourly windows would make them,
and once more at the end. Every runner gives the same stories for the same input: the
batch is gathered in one place and sorted before anything is assigned.

What the batch says: each article's story (its id after the batch's merges: ids of this
batch are not written yet, so they may still change), the merges of stories written by an
earlier batch (those ids are on disk: the merge is recorded, the files are not rewritten),
and one summary per story the batch added to. An article the state already placed (the
same input run again) keeps its story and is not counted twice. The state remembers the
story of each recent article of an open story, and no other: memory follows the open
stories, not the history. A copy of an article it has forgotten finds the article's story
in the written `articles` table (`story_state_files.written_story_ids`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

from newsbeam.transforms.stories.story_index import Merge, StoryIndex

__all__ = ["MERGE_EVERY_SECONDS", "BatchStories", "StoryCard", "StoryState", "assign_batch"]

MERGE_EVERY_SECONDS = 3600.0
SUMMARY_COUNTRIES = 3
SUMMARY_ENTITIES = 5


@dataclass(frozen=True)
class StoryCard:
    """What the story index needs of an article: small enough to gather a batch in one place."""

    article_id: str
    published: float
    """Epoch seconds: the publication time, or the ingestion time where none is known."""
    terms: Mapping[str, float]
    source: str = ""
    title: str = ""
    main_country: str | None = None
    names: tuple[str, ...] = ()
    """The article's persons and organizations, canonical."""
    dated: bool = True
    """False when `published` is only the ingestion time."""
    language: str = ""
    bridges: frozenset[str] = frozenset()
    """Its `story_terms.bridge_features`: what another language's story can share with it."""


@dataclass
class StoryState:
    """The index, and the story of each article of its open stories published within its
    open hours of the clock: what a batch resumes from. Articles are forgotten when their
    story closes, or their time is that far behind, so that a story that never closes does
    not hold every article it ever had."""

    index: StoryIndex = field(default_factory=StoryIndex)
    story_of: dict[str, str] = field(default_factory=dict)
    published: dict[str, float] = field(default_factory=dict)
    seen_until: float | None = None
    """The newest batch clock so far: a card no newer may be one written before."""

    def place(self, article_id: str, story_id: str, published: float) -> None:
        self.story_of[article_id] = story_id
        self.published[article_id] = published

    def story_of_article(self, article_id: str) -> str | None:
        story_id = self.story_of.get(article_id)
        return story_id and self.index.continuing_id(story_id)

    def forget(self, clock: float) -> None:
        """Forgets the articles of closed stories or published over the index's open hours
        before `clock`, and the merges into closed stories."""
        open_ids, oldest = self.index.story_ids(), clock - self.index.open_seconds
        for article_id, story_id in list(self.story_of.items()):
            story_id = self.index.continuing_id(story_id)
            if story_id in open_ids and self.published[article_id] >= oldest:
                self.story_of[article_id] = story_id
            else:
                del self.story_of[article_id], self.published[article_id]
        self.index.forget_closed_merges()

    def to_json(self) -> dict:
        return {
            "index": self.index.state(),
            "seen_until": self.seen_until,
            "articles": {
                article: [self.story_of_article(article), self.published[article]]
                for article in self.story_of
            },
        }

    @classmethod
    def from_json(cls, data: Mapping) -> StoryState:
        state = cls(StoryIndex.from_state(data["index"]), seen_until=data.get("seen_until"))
        for article, (story_id, published) in data["articles"].items():
            state.place(article, story_id, published)
        return state


class BatchStories(NamedTuple):
    story_of: dict[str, str]
    """Article id -> story id, for every card of the batch and every kept article asked
    for that the state knows."""
    merges: list[Merge]
    """Merges of stories an earlier batch wrote."""
    summaries: list[dict]
    """One `stories` row (without `ingested_at`) per story the batch added to."""


def assign_batch(
    state: StoryState,
    cards: Iterable[StoryCard],
    merge_every: float = MERGE_EVERY_SECONDS,
    kept_ids: Iterable[str] = (),
    written: Callable[[set[str]], Mapping[str, str]] | None = None,
) -> BatchStories:
    """Assigns the cards to stories in publication order; updates `state`.

    `kept_ids`: the articles of the batch's copies, whose stories are answered too.
    `written` (`story_state_files.written_story_ids` over the output): the stories of
    articles an earlier run wrote and the state has forgotten. Asked, in one read, for the
    copies' articles the state does not hold and for the cards it could have forgotten
    (undated, or dated over the open hours before the newest it has seen): the same input
    again keeps its written story and is not counted twice, and a stream's new articles,
    late ones included, cost no read."""
    index, kept_ids = state.index, list(kept_ids)
    ordered = sorted(cards, key=lambda card: (card.published, card.article_id))
    written_before = index.story_ids()
    new = [card for card in ordered if card.article_id not in state.story_of]
    on_disk = _already_written(state, new, kept_ids, written)
    new = [card for card in new if card.article_id not in on_disk]
    merges: list[Merge] = []
    merge_at = None
    clock = None  # the newest dated article's time: see below
    assigned: dict[str, str] = {}
    for card in new:
        if merge_at is None:
            merge_at = card.published + merge_every
        if card.published >= merge_at:
            merges += index.merge_similar()
            index.close_before(clock if clock is not None else card.published)
            merge_at = card.published + merge_every
        if card.dated:
            clock = card.published
        assigned[card.article_id] = index.assign(
            card.article_id, card.terms, card.published, card.source, card.language, card.bridges
        )
    merges += index.merge_similar()
    for card in new:
        state.place(card.article_id, assigned[card.article_id], card.published)
    on_disk = {article: index.continuing_id(story) for article, story in on_disk.items()}
    story_of = {
        card.article_id: on_disk.get(card.article_id) or state.story_of_article(card.article_id)
        for card in ordered
    }
    for kept_id in kept_ids:
        story_id = story_of.get(kept_id) or state.story_of_article(kept_id) or on_disk.get(kept_id)
        if story_id:
            story_of[kept_id] = story_id
    if ordered:
        # The batch's clock: its newest dated article. An undated one stands at its
        # ingestion time, which in a backfill is years after the others: it must not close
        # them (a batch of undated articles only goes by ingestion time).
        clock = max((card.published for card in ordered if card.dated), default=None)
        clock = ordered[-1].published if clock is None else clock
        index.close_before(clock)
        state.forget(clock)
        state.seen_until = max(clock, state.seen_until or clock)
    recorded = [merge for merge in merges if merge.merged in written_before]
    return BatchStories(story_of, recorded, _summaries(new, story_of, index))


def _already_written(
    state: StoryState,
    new: list[StoryCard],
    kept_ids: Iterable[str],
    written: Callable[[set[str]], Mapping[str, str]] | None,
) -> Mapping[str, str]:
    if written is None:
        return {}
    # The state forgets an article only once it is over the open hours behind its clock:
    # a newer dated card is new. An undated one stands at this run's ingestion time.
    forgotten_before = (
        None if state.seen_until is None else (state.seen_until - state.index.open_seconds)
    )
    wanted = {
        card.article_id
        for card in new
        if not card.dated or forgotten_before is None or card.published < forgotten_before
    }
    wanted |= {k for k in kept_ids if k not in state.story_of} - {c.article_id for c in new}
    return written(wanted) if wanted else {}


def _summaries(
    cards: list[StoryCard], story_of: Mapping[str, str], index: StoryIndex
) -> list[dict]:
    rows = []
    by_story: dict[str, list[StoryCard]] = {}
    for card in cards:
        by_story.setdefault(story_of[card.article_id], []).append(card)
    for story_id, members in sorted(by_story.items()):
        countries = Counter(card.main_country for card in members if card.main_country)
        names = Counter(name for card in members for name in card.names)
        ids = "\x1f".join(sorted(card.article_id for card in members))
        rows.append(
            {
                "story_row_id": hashlib.sha256(f"{story_id}\x1e{ids}".encode()).hexdigest()[:32],
                "story_id": story_id,
                "first_published_at": _utc(members[0].published),
                "last_published_at": _utc(members[-1].published),
                "articles_added": len(members),
                "articles_total": _total(index, story_id, len(members)),
                "sources": sorted({card.source for card in members if card.source}),
                "main_countries": [c for c, _ in _ranked(countries)[:SUMMARY_COUNTRIES]],
                "names": [n for n, _ in _ranked(names)[:SUMMARY_ENTITIES]],
                "title": next((card.title for card in members if card.title), None),
            }
        )
    return rows


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _total(index: StoryIndex, story_id: str, added: int) -> int:
    """Articles in the story so far; a story already closed by this batch's end counts only
    what is known here."""
    return index.articles_in(story_id) if story_id in index.story_ids() else added


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)

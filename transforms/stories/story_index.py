"""Online assignment of articles to stories, and the merges of stories that turn out to be one.

The sparse method the literature affords on a CPU (Miranda et al., EMNLP 2018; GDELT's
similarity graph): each article is a TF-IDF vector of its terms, each open story the sum
of its articles' vectors (its centroid). An article joins the open story whose centroid is
most like it, if the cosine reaches `JOIN_THRESHOLD`, or opens a story of its own, whose id
is the article's. Candidates come from an inverted index of terms, so an article is
compared with the stories that share a word with it, never with all of them.

Early articles of a story can open stories of their own before the words they share are
seen often; `merge_similar` then joins stories whose centroids reach `MERGE_THRESHOLD`.
A story id is never rewritten: a merge says which id continues (the story opened first),
and later articles join that one. A story closes `OPEN_HOURS` after its last article:
closed stories leave the index, and the frequencies forget old words by halving, so memory
is bounded by the open stories and the recent vocabulary, not the history.

The same articles in the same order give the same stories: callers order a batch by
publication time, then id.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

# Chosen on two real development sets (docs/stories.md#figures): 0.1 and 0.2 served the UCI
# headlines (all in big stories) but merged articles of one topic and different events on
# full-text pages (pairwise precision 0.21); these hold the headlines within 0.02 of B-cubed
# F1 and double the pages' pairwise precision.
JOIN_THRESHOLD = 0.2
MERGE_THRESHOLD = 0.22
LARGE_STORY_ARTICLES = 5
LARGE_STORY_JOIN_FACTOR = 0.7
"""A story of `LARGE_STORY_ARTICLES` or more is joined from this share of the threshold:
its centroid spreads over the angles of its reports, so a new report's cosine with it is
lower than with a story of one article."""
LARGE_STORY_NAME_TERMS = 3
"""A story of `LARGE_STORY_ARTICLES` or more has shown what it is about: an article or a
story carrying one of its 3 heaviest words needs no second shared word to join it (the
cosine must still reach the threshold): "Snowden Inc." joins the Snowden story
(docs/stories.md#a-large-storys-name-2026-12-07)."""
JOIN_MIN_SHARED_TERMS = 2
"""Words an article must share with a story to join it (all of its words if it has fewer):
one word alone ("Trump", "Oscar") is a subject, not an event. Entity terms do not count
here: "Trump" and "n:donald trump" are one subject named once."""
ENTITY_TERM_KINDS = ("n:", "p:")
"""Prefixes of the terms that are an article's persons, organisations (`n:`) and places
(`p:`), beside its words (`story_terms.with_entity_terms`)."""
OPEN_HOURS = 48.0
PRIOR_DOCUMENTS = 100
"""Documents assumed seen before the first, none with any term: early in a run, before the
frequencies mean anything, every term weighs about the same, instead of the words a few
articles share weighing nothing."""
BOILERPLATE_MIN_ARTICLES = 8
"""A source's boilerplate is learnt from its 8th article on: a feed of listings, quotes or
alerts is a series, its template no story (docs/stories.md#a-sources-series); 20 let a
day's feed of 17 listings chain into one story."""
BOILERPLATE_SHARE = 0.5
CENTROID_TERMS = 100
FREQUENCY_HALVING_DOCUMENTS = 20_000
SOURCE_HALVING_ARTICLES = 1_000
SOURCES_REMEMBERED = 5_000
"""Every so many articles the frequencies (all, and each source's) are halved and the terms
left at none forgotten: they follow the recent news, and their memory the recent
vocabulary, not every word the stream ever brought. Of the sources, the 5,000 seen last
are remembered (a crawl's hosts would otherwise grow without end)."""
BRIDGE_MIN_SHARED = 3
BRIDGE_MAX_STORIES = 5
BRIDGE_FEATURES = 50
CANDIDATE_TERMS = 20
"""A story is a candidate for merging through its heaviest terms only: a large story's
whole vocabulary would make every story a candidate."""


class Merge(NamedTuple):
    """Story `merged` is the same story as `continues`, which goes on under its own id."""

    merged: str
    continues: str


@dataclass
class _Story:
    story_id: str
    first: float
    last: float
    centroid: dict[str, float] = field(default_factory=dict)
    norm: float = 0.0
    articles: int = 0
    languages: set[str] = field(default_factory=set)
    features: Counter[str] = field(default_factory=Counter)
    """Its articles' `bridge_features`, counted: what other languages can join it by."""

    def absorb_bridges(self, languages: Iterable[str], features: Mapping[str, int]) -> None:
        self.languages.update(languages)
        self.features.update(features)
        if len(self.features) > BRIDGE_FEATURES:
            kept = _heaviest(self.features, BRIDGE_FEATURES)
            self.features = Counter({feature: self.features[feature] for feature in kept})

    def absorb(self, vector: Mapping[str, float], first: float, last: float) -> None:
        """Adds an article's vector (or a merged story's centroid) published from `first`
        to `last`, keeping the `CENTROID_TERMS` heaviest terms: a story that kept every
        word of its articles would end up like every article, and swallow the stream."""
        for term, weight in vector.items():
            self.centroid[term] = self.centroid.get(term, 0.0) + weight
        if len(self.centroid) > CENTROID_TERMS:
            self.centroid = {term: self.centroid[term] for term in self.heaviest(CENTROID_TERMS)}
        self.norm = math.sqrt(sum(w * w for w in self.centroid.values()))
        self.first, self.last = min(self.first, first), max(self.last, last)

    def heaviest(self, count: int) -> list[str]:
        return _heaviest(self.centroid, count)


def _heaviest(weights: Mapping[str, float], count: int) -> list[str]:
    """The `count` keys of most weight, ties in key order: the same on every runner."""
    return heapq.nsmallest(count, weights, key=lambda key: (-weights[key], key))


def _is_word(term: str) -> bool:
    """A word of the text, not a name or place as a term (`ENTITY_TERM_KINDS`): the join
    rules count words alone, since a name and its word are one subject."""
    return not term.startswith(ENTITY_TERM_KINDS)


def _share_words(terms: Mapping[str, float], other: Mapping[str, float]) -> bool:
    """Whether `terms` shares `JOIN_MIN_SHARED_TERMS` words with `other` (all of its words
    if it has fewer): a join or a merge needs that many, whatever the cosine. Entity terms
    do not count ("trump" and "n:donald trump" are one subject), but for terms of names
    alone, which count their names."""
    words = [term for term in terms if _is_word(term)]
    counted = words or list(terms)
    shared = sum(1 for term in counted if term in other)
    return shared >= min(JOIN_MIN_SHARED_TERMS, len(counted))


def _names_story(terms: Mapping[str, float], story: _Story) -> bool:
    """Whether `terms` carry one of a large story's `LARGE_STORY_NAME_TERMS` heaviest words
    (its names and places as terms do not count, as in `_share_words`)."""
    if story.articles < LARGE_STORY_ARTICLES:
        return False
    words = {term: weight for term, weight in story.centroid.items() if _is_word(term)}
    return any(term in terms for term in _heaviest(words, LARGE_STORY_NAME_TERMS))


def _halved(counts: Counter[str]) -> Counter[str]:
    return Counter({term: count // 2 for term, count in counts.items() if count > 1})


class StoryIndex:
    """Open stories and the document frequencies their vectors are weighed with.

    index = StoryIndex()
    story_id = index.assign("a1", story_terms(title, text), published_seconds)
    merges = index.merge_similar()
    """

    def __init__(
        self,
        join_threshold: float = JOIN_THRESHOLD,
        merge_threshold: float = MERGE_THRESHOLD,
        open_hours: float = OPEN_HOURS,
    ):
        self.join_threshold = join_threshold
        self.merge_threshold = merge_threshold
        self.open_seconds = open_hours * 3600
        self._document_frequency: Counter[str] = Counter()
        self._documents = 0
        self._stories: dict[str, _Story] = {}
        self._postings: defaultdict[str, set[str]] = defaultdict(set)
        self._continues: dict[str, str] = {}
        self._touched: set[str] = set()
        self._source_articles: dict[str, int] = {}
        self._source_frequency: dict[str, Counter[str]] = {}

    def __len__(self) -> int:
        """Open stories."""
        return len(self._stories)

    def assign(
        self,
        article_id: str,
        terms: Mapping[str, float],
        published: float,
        source: str = "",
        language: str = "",
        features: Collection[str] = (),
    ) -> str:
        """The id of the story the article joins (or opens: then it is the article's id).

        `source` (the outlet or feed) lets the index learn each source's boilerplate: words
        in at least half of a source's articles ("Continue reading", a podcast's name) say
        who wrote an article, not what it reports, and are left out of its vector.
        `language` and `features` (`story_terms.bridge_features`): an article whose words
        join no story joins one told in another language that shares `BRIDGE_MIN_SHARED`
        of its features, of two kinds at least (a person and a place, a place and a number)."""
        vector = self._weigh(self._without_boilerplate(terms, source))
        story = self._best_story(vector, published)
        if story is None and language and features:
            story = self._bridged_story(language, features, published)
        if story is None:
            story = _Story(article_id, published, published)
            self._stories[article_id] = story
        before = set(story.centroid)
        story.absorb(vector, published, published)
        story.absorb_bridges([language] if language else [], Counter(features))
        story.articles += 1
        self._repost(story, before)
        self._touched.add(story.story_id)
        return story.story_id

    def merge_similar(self) -> list[Merge]:
        """Merges the stories touched since the last call with the open stories like them,
        most alike first; each merge once, in the order made."""
        merges: list[Merge] = []
        touched, self._touched = self._touched, set()
        while touched:
            pairs = sorted(self._similar_pairs(touched), reverse=True)
            done: set[str] = set()
            touched = set()
            for _similarity, first_id, second_id in pairs:
                if first_id in done or second_id in done:
                    touched |= {first_id, second_id} - done
                    continue
                merge = self._merge(first_id, second_id)
                merges.append(merge)
                done |= {first_id, second_id}
                touched.add(merge.continues)
            touched = {story_id for story_id in touched if story_id in self._stories}
        return merges

    def continuing_id(self, story_id: str) -> str:
        """The id a story goes on under after merges (its own if never merged)."""
        while story_id in self._continues:
            story_id = self._continues[story_id]
        return story_id

    def story_ids(self) -> set[str]:
        """The ids of the open stories."""
        return set(self._stories)

    def articles_in(self, story_id: str) -> int:
        """Articles in an open story so far, over every batch and merge."""
        return self._stories[self.continuing_id(story_id)].articles

    def state(self) -> dict:
        """Everything the index knows, as JSON-able data: what a later run resumes from."""
        return {
            "thresholds": [self.join_threshold, self.merge_threshold, self.open_seconds],
            "documents": self._documents,
            "document_frequency": dict(self._document_frequency),
            "stories": [
                [s.story_id, s.first, s.last, s.articles, s.centroid]
                + [sorted(s.languages), dict(s.features)]
                for s in self._stories.values()
            ],
            "continues": self._open_continues(),
            "source_articles": self._source_articles,
            "source_frequency": {s: dict(c) for s, c in self._source_frequency.items()},
        }

    @classmethod
    def from_state(cls, state: Mapping) -> StoryIndex:
        """The index `state()` described; merges made before it stay made."""
        join, merge, open_seconds = state["thresholds"]
        index = cls(join, merge, open_seconds / 3600)
        index._documents = int(state["documents"])
        index._document_frequency = Counter(state["document_frequency"])
        for story_id, first, last, articles, centroid, *bridges in state["stories"]:
            story = _Story(story_id, first, last, dict(centroid), articles=articles)
            if bridges:  # saved since 2026-12-06
                story.absorb_bridges(bridges[0], bridges[1])
            story.norm = math.sqrt(sum(w * w for w in story.centroid.values()))
            index._stories[story_id] = story
            index._repost(story, set())
        index._continues = dict(state["continues"])
        index._source_articles = dict(state["source_articles"])
        index._source_frequency = {
            source: Counter(counts) for source, counts in state["source_frequency"].items()
        }
        return index

    def forget_closed_merges(self) -> None:
        """Forgets the merges into stories that have closed (an article of this batch may
        still ask for its story's id until the batch ends: callers call this then)."""
        self._continues = self._open_continues()

    def close_before(self, time: float) -> list[str]:
        """Closes the stories whose last article is over `open_hours` before `time`."""
        closed = [s.story_id for s in self._stories.values() if time - s.last > self.open_seconds]
        for story_id in closed:
            self._drop(story_id)
        return closed

    # --- inner steps ----------------------------------------------------------------------

    def _open_continues(self) -> dict[str, str]:
        continuing = ((gone, self.continuing_id(gone)) for gone in self._continues)
        return {gone: story_id for gone, story_id in continuing if story_id in self._stories}

    def _without_boilerplate(self, terms: Mapping[str, float], source: str) -> dict[str, float]:
        if not source:
            return dict(terms)
        # Popped and put back: the sources stay in the order last seen, and past
        # `SOURCES_REMEMBERED` the one quiet longest is forgotten.
        seen = self._source_articles.pop(source, 0) + 1
        frequency = self._source_frequency.pop(source, None) or Counter()
        self._source_articles[source], self._source_frequency[source] = seen, frequency
        if len(self._source_articles) > SOURCES_REMEMBERED:
            quiet = next(iter(self._source_articles))
            del self._source_articles[quiet], self._source_frequency[quiet]
        frequency.update(terms.keys())
        if seen >= SOURCE_HALVING_ARTICLES:
            seen = self._source_articles[source] = seen // 2
            self._source_frequency[source] = frequency = _halved(frequency)
        if seen < BOILERPLATE_MIN_ARTICLES:
            return dict(terms)
        return {t: w for t, w in terms.items() if frequency[t] < BOILERPLATE_SHARE * seen}

    def _weigh(self, terms: Mapping[str, float]) -> dict[str, float]:
        """TF-IDF of the terms, unit length; the frequencies count this article first (and
        `PRIOR_DOCUMENTS` without any term)."""
        self._documents += 1
        self._document_frequency.update(terms.keys())
        if self._documents >= FREQUENCY_HALVING_DOCUMENTS:
            self._documents //= 2
            self._document_frequency = _halved(self._document_frequency)
        vector = {
            term: (1 + math.log(count))
            * math.log(
                (self._documents + PRIOR_DOCUMENTS + 1) / (self._document_frequency[term] + 0.5)
            )
            for term, count in terms.items()
            if count > 0
        }
        norm = math.sqrt(sum(w * w for w in vector.values()))
        return {term: w / norm for term, w in vector.items()} if norm else {}

    def _is_open(self, story: _Story, time: float) -> bool:
        return time - story.last <= self.open_seconds and story.first - time <= self.open_seconds

    def _best_story(self, vector: Mapping[str, float], published: float) -> _Story | None:
        """The open story most like the (unit) vector, if it reaches the join threshold
        (lower for a large story: `LARGE_STORY_JOIN_FACTOR`)."""
        dots = self._dots(vector)
        stories = self._stories
        best, best_similarity = None, 0.0
        for story_id in sorted(dots):
            story = stories[story_id]
            if not self._is_open(story, published) or not story.norm:
                continue
            similarity = dots[story_id] / story.norm
            large = story.articles >= LARGE_STORY_ARTICLES
            if similarity < self.join_threshold * (LARGE_STORY_JOIN_FACTOR if large else 1.0):
                continue
            if best is not None and similarity <= best_similarity:
                continue
            if _share_words(vector, story.centroid) or _names_story(vector, story):
                best, best_similarity = story, similarity
        return best

    def _dots(self, vector: Mapping[str, float]) -> dict[str, float]:
        """The dot product of the vector with each story sharing a term with it, summed
        through the postings (which hold exactly each story's centroid terms): one pass
        over the stories sharing each term, instead of a product per story over all terms."""
        dots: dict[str, float] = {}
        stories = self._stories
        for term, weight in vector.items():
            for story_id in self._postings.get(term, ()):
                dots[story_id] = dots.get(story_id, 0.0) + weight * stories[story_id].centroid[term]
        return dots

    def _bridged_story(
        self, language: str, features: Collection[str], published: float
    ) -> _Story | None:
        """The open story with none of its articles in the article's language that shares
        the most features with it, `BRIDGE_MIN_SHARED` at least and of two kinds; the
        earliest opened of equals. A feature more than `BRIDGE_MAX_STORIES` open stories
        have (an agency, a head of state, a big country) says little of which: not counted."""
        stories = [story for story in self._stories.values() if self._is_open(story, published)]
        telling = {
            f for f in features if sum(f in s.features for s in stories) <= BRIDGE_MAX_STORIES
        }
        best, most_shared = None, BRIDGE_MIN_SHARED - 1
        for story in stories:
            if language in story.languages:
                continue
            shared = story.features.keys() & telling
            if len({feature.split(":", 1)[0] for feature in shared}) < 2:
                continue
            if len(shared) > most_shared or (
                len(shared) == most_shared
                and best is not None
                and (story.first, story.story_id) < (best.first, best.story_id)
            ):
                best, most_shared = story, len(shared)
        return best

    def _similar_pairs(self, touched: Iterable[str]) -> list[tuple[float, str, str]]:
        pairs = set()
        for story_id in sorted(touched):
            story = self._stories[story_id]
            heaviest = story.heaviest(CANDIDATE_TERMS)
            candidates = set().union(*(self._postings.get(t, ()) for t in heaviest))
            dots = self._dots(story.centroid)
            for other_id in sorted(candidates - {story_id}):
                other = self._stories[other_id]
                if not (self._is_open(other, story.last) or self._is_open(story, other.last)):
                    continue
                norms = story.norm * other.norm
                similarity = dots[other_id] / norms if norms else 0.0
                if similarity >= self.merge_threshold and (
                    _share_words(story.centroid, other.centroid)
                    or _names_story(story.centroid, other)
                    or _names_story(other.centroid, story)
                ):
                    first, second = sorted((story_id, other_id))
                    pairs.add((similarity, first, second))
        return list(pairs)

    def _merge(self, a_id: str, b_id: str) -> Merge:
        """The story opened first continues (then the smaller id): ids stay stable."""
        a, b = self._stories[a_id], self._stories[b_id]
        keep, gone = (a, b) if (a.first, a.story_id) <= (b.first, b.story_id) else (b, a)
        before = set(keep.centroid)
        keep.absorb(gone.centroid, gone.first, gone.last)
        keep.absorb_bridges(gone.languages, gone.features)
        keep.articles += gone.articles
        self._repost(keep, before)
        self._drop(gone.story_id)
        self._continues[gone.story_id] = keep.story_id
        return Merge(merged=gone.story_id, continues=keep.story_id)

    def _repost(self, story: _Story, before: set[str]) -> None:
        """The postings follow the story's centroid terms, and no others."""
        for term in before - story.centroid.keys():
            self._unpost(term, story.story_id)
        for term in story.centroid.keys() - before:
            self._postings[term].add(story.story_id)

    def _unpost(self, term: str, story_id: str) -> None:
        postings = self._postings.get(term)
        if postings is not None:
            postings.discard(story_id)
            if not postings:
                del self._postings[term]

    def _drop(self, story_id: str) -> None:
        story = self._stories.pop(story_id)
        for term in story.centroid:
            self._unpost(term, story_id)

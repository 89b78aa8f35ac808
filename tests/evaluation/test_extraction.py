"""Entity and place extraction measured on hand-labelled news paragraphs.

`tests/data/extraction/paragraphs.jsonl`: 45 paragraphs written for newsbeam, from 45
countries, with every mention labelled (label, canonical name, country), the main country
and all countries. An entity counts as found when its label matches and its canonical name
or one of its surface forms matches the gold annotation (case-insensitive). Places count
as correct for place precision whatever GPE/LOC label they carry.
"""

from __future__ import annotations

import json
from collections import Counter

from newsbeam.transforms.extract.entities import ENTITY_LABELS, Mention, summarise_mentions
from tests.support.paths import TEST_DATA

PARAGRAPHS = TEST_DATA / "extraction" / "paragraphs.jsonl"
MIN_REGION_ACCURACY, MIN_PLACE_PRECISION = 0.9, 0.9
PLACES = {"GPE", "LOC"}


def _evaluate(nlp, gazetteer):
    rows = [json.loads(line) for line in PARAGRAPHS.read_text().splitlines()]
    tp, fp, fn = Counter(), Counter(), Counter()
    regions_right = places_right = places_found = 0
    for row in rows:
        doc = nlp(row["text"])
        mentions = [Mention(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents]
        found = summarise_mentions(mentions, gazetteer, row["text"])
        gold = {(e["label"], e["canonical"].casefold()) for e in row["entities"]}
        gold |= {(e["label"], e["text"].casefold()) for e in row["entities"]}
        gold_places = {name for label, name in gold if label in PLACES}
        predicted = {
            (e["label"], e["canonical"].casefold(), e["text"].casefold()) for e in found.entities
        }
        matched_gold = set()
        for label, canonical, text in predicted:
            if (label, canonical) in gold or (label, text) in gold:
                tp[label] += 1
                matched_gold |= {(label, canonical), (label, text)}
            else:
                fp[label] += 1
            if label in PLACES:
                places_found += 1
                places_right += canonical in gold_places or text in gold_places
        gold_entities = {(e["label"], e["canonical"].casefold()) for e in row["entities"]}
        for label, canonical in gold_entities:
            surfaces = {
                e["text"].casefold()
                for e in row["entities"]
                if e["label"] == label and e["canonical"].casefold() == canonical
            }
            if not ({(label, canonical)} | {(label, s) for s in surfaces}) & matched_gold:
                fn[label] += 1
        main = found.countries[0] if found.countries else None
        regions_right += gazetteer.region_of(main) == gazetteer.region_of(row["main_country"])
    return rows, tp, fp, fn, regions_right / len(rows), places_right / max(places_found, 1)


def test_region_accuracy_and_place_precision_meet_the_floors(nlp, gazetteer):
    rows, tp, fp, fn, region_accuracy, place_precision = _evaluate(nlp, gazetteer)
    print(f"\nextraction evaluation on {len(rows)} paragraphs")
    for label in ENTITY_LABELS:
        precision = tp[label] / max(tp[label] + fp[label], 1)
        recall = tp[label] / max(tp[label] + fn[label], 1)
        print(
            f"  {label:<7} precision {precision:.2f}  recall {recall:.2f}  "
            f"(found {tp[label] + fp[label]}, gold {tp[label] + fn[label]})"
        )
    print(f"  region accuracy {region_accuracy:.3f}, place precision {place_precision:.3f}")
    assert len(rows) >= 40
    assert region_accuracy >= MIN_REGION_ACCURACY
    assert place_precision >= MIN_PLACE_PRECISION

"""Builds `evaluation.jsonl`: the labelled near-duplicate evaluation set.

`base_articles.jsonl` holds 60 original articles written for newsbeam: 30 events, each
covered by two outlets independently (same facts, different articles: the hard negatives).
For each base article this script writes syndicated copies with the edits real syndication
makes, chosen at random (seeded) among:

- a dateline and agency tag before the first sentence ("ACCRA (Meridian Wire) - ");
- a credit line or a related-link line at the end or between paragraphs (which the
  pipeline's cleaning removes, as it would on real pages);
- the last paragraph cut (only from articles of six paragraphs or more);
- house style: per cent/percent, British/American spellings, "said" -> "told reporters";
- one sentence of local context added to a paragraph.

Each copy is labelled with the base article it copies. Run from the repo root:
    python tests/data/neardup/make_evaluation.py
"""

from __future__ import annotations

import json
import random
import re
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20250303
OUTLETS = [
    "Riverside Post",
    "Valley Chronicle",
    "Metro Daily",
    "Island Gazette",
    "Summit Times",
    "Plains Record",
    "Bayside Journal",
    "Frontier Review",
]
CREDITS = [
    "(With inputs from Reuters)",
    "(With AFP inputs; Image Credit - AP)",
    "Inputs: PTI/ Image: Reuters",
    "(With agency inputs)",
]
RELATED = [
    "Read: Markets Brace For A Volatile Week",
    "Also Read | Officials Promise Review",
    "READ MORE: What The Decision Means For You",
]
LOCAL = [
    "Local officials said they were following the developments closely.",
    "The news was widely shared on social media on Tuesday evening.",
    "Analysts expect further details to emerge in the coming days.",
]
STYLE = [
    (r"\bper cent\b", "percent"),
    (r"\bpercent\b", "per cent"),
    (r"\bcentre\b", "center"),
    (r"\borganisation\b", "organization"),
    (r"\bprogramme\b", "program"),
    (r"\bdefence\b", "defense"),
    (r"\blabour\b", "labor"),
]


def dateline(article: dict, outlet: str) -> str:
    city = re.findall(r"\b([A-Z][a-z]+)\b", article["text"])
    place = (city[1] if len(city) > 1 else "LONDON").upper()
    return f"{place} ({outlet}) - "


def syndicate(article: dict, rng: random.Random, outlet: str) -> str:
    paragraphs = article["text"].split("\n\n")
    edits = rng.sample(
        ["dateline", "credit", "related", "trim", "style", "said", "local"], k=rng.randint(2, 4)
    )
    if "trim" in edits and len(paragraphs) >= 6:
        paragraphs = paragraphs[:-1]
    if "dateline" in edits:
        paragraphs[0] = dateline(article, outlet) + paragraphs[0]
    if "local" in edits:
        index = rng.randrange(1, len(paragraphs))
        paragraphs[index] = paragraphs[index] + " " + rng.choice(LOCAL)
    text = "\n\n".join(paragraphs)
    if "style" in edits:
        for pattern, replacement in rng.sample(STYLE, k=3):
            text = re.sub(pattern, replacement, text)
    if "said" in edits:
        text = re.sub(r"\bsaid\b", "told reporters", text, count=2)
    paragraphs = text.split("\n\n")
    if "related" in edits:
        paragraphs.insert(rng.randrange(1, len(paragraphs)), rng.choice(RELATED))
    if "credit" in edits:
        paragraphs.append(rng.choice(CREDITS))
    return "\n\n".join(paragraphs)


def main() -> None:
    rng = random.Random(SEED)
    base = [json.loads(line) for line in (HERE / "base_articles.jsonl").read_text().splitlines()]
    rows = []
    for article in base:
        rows.append({**article, "copy_of": None})
        published = datetime.fromisoformat(article["published"].replace("Z", "+00:00"))
        for number, outlet in enumerate(rng.sample(OUTLETS, k=rng.randint(2, 3)), start=1):
            published += timedelta(minutes=rng.randint(20, 300))
            rows.append(
                {
                    "id": f"{article['id']}-copy{number}",
                    "event": article["event"],
                    "source": outlet,
                    "title": article["title"]
                    if rng.random() < 0.5
                    else f"{article['title']} - report",
                    "published": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "text": syndicate(article, rng, outlet),
                    "copy_of": article["id"],
                }
            )
    with open(HERE / "evaluation.jsonl", "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    copies = sum(row["copy_of"] is not None for row in rows)
    print(f"{len(rows)} articles: {len(base)} originals, {copies} syndicated copies")


if __name__ == "__main__":
    main()

"""Writes transforms/sources/data/date_names.tsv from the CLDR data that babel ships.

Run once by hand (`pip install babel`, then `python tests/data/dates/make_date_names.py`);
the project does not depend on babel at run time. Rows: language, kind (month|weekday),
number (month 1-12, weekday 1-7 from Monday), name casefolded without a trailing dot.
Wide and abbreviated names, formatting and stand-alone forms (Russian and Polish write
"24 сентября", the formatting genitive, but label "сентябрь").
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale

LANGUAGES = (
    "en de fr es pt it nl sv da nb fi pl cs sk hu ro hr sl tr ru uk el id ms ca "
    "af sw lt lv et bg sr"
).split()
OUT = Path(__file__).parents[3] / "transforms" / "sources" / "data" / "date_names.tsv"


def rows(language: str):
    locale = Locale.parse(language)
    seen = set()
    for kind, table, offset in (("month", locale.months, 0), ("weekday", locale.days, 1)):
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in table[context][width].items():
                    name = name.casefold().rstrip(".").strip()
                    row = (language, kind, str(number + offset), name)
                    if name and row not in seen:
                        seen.add(row)
                        yield row


def main() -> None:
    lines = ["language\tkind\tnumber\tname"]
    lines += ["\t".join(row) for language in LANGUAGES for row in rows(language)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

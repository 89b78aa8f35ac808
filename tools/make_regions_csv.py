"""Generate transforms/extract/data/regions.csv: ISO alpha-2 -> UN M49 sub-region and continent.

Run once when country_converter changes: `python tools/make_regions_csv.py`. The table is
data, not patterns: country_converter keeps some ISO codes as regular expressions
(^GB$|^UK$, ^GR$|^EL$), so reading its column as keys lost the United Kingdom and Greece.
Continents use the M49 names ("Americas", not "America"). Differences with countryinfo's
sub-regions are printed for review.
"""

import csv
import re
from pathlib import Path

import country_converter
import pycountry

OUT = Path(__file__).resolve().parents[1] / "transforms/extract/data/regions.csv"
M49_CONTINENTS = {"America": "Americas"}


def main() -> None:
    data = country_converter.CountryConverter().data
    rows = {}
    for iso2, subregion, continent in zip(
        data["ISO2"], data["UNregion"], data["continent"], strict=True
    ):
        if not isinstance(iso2, str) or not isinstance(subregion, str):
            continue
        for code in re.findall(r"[A-Z]{2}", iso2):
            if pycountry.countries.get(alpha_2=code) is not None:
                rows[code] = (subregion, M49_CONTINENTS.get(continent, continent))
    _compare_with_countryinfo(rows)
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["iso2", "subregion", "continent"])
        for code in sorted(rows):
            writer.writerow([code, *rows[code]])
    print(f"{len(rows)} countries -> {OUT}")


def _compare_with_countryinfo(rows: dict[str, tuple[str, str]]) -> None:
    import countryinfo

    for info in countryinfo.all_countries():
        try:
            code, subregion = info.iso(2), info.subregion()
        except (KeyError, TypeError, AttributeError):
            continue
        if code in rows and subregion and subregion != rows[code][0]:
            print(f"differs {code}: {rows[code][0]!r} vs countryinfo {subregion!r}")


if __name__ == "__main__":
    main()

"""Generate transforms/extract/data/regions.csv: ISO alpha-2 -> UN M49 sub-region and continent.

Run once when country_converter changes: `python -m newsbeam.transforms.extract.make_regions_csv`.
The table is
data, not patterns: country_converter keeps some ISO codes as regular expressions
(^GB$|^UK$, ^GR$|^EL$), so reading its column as keys lost the United Kingdom and Greece.
Continents use the M49 names ("Americas", not "America"). Differences with countryinfo's
sub-regions are printed for review. Three codes the gazetteer gives that ISO 3166-1 does
not assign (or no longer does) are added by hand, each in its region's row of M49.
"""

import csv
import re
from pathlib import Path

import country_converter
import pycountry

OUT = Path(__file__).resolve().parent / "data" / "regions.csv"
M49_CONTINENTS = {"America": "Americas"}
NOT_ISO = {
    # Kosovo: the code the EU, CLDR and GeoNames use; M49 counts it within Serbia's region.
    "XK": ("Southern Europe", "Europe"),
    # Codes withdrawn from ISO that names still resolve to ("Netherlands Antilles",
    # "Serbia and Montenegro"): the region their parts are in.
    "AN": ("Caribbean", "Americas"),
    "CS": ("Southern Europe", "Europe"),
}


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
    rows.update(NOT_ISO)
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

"""What `newsbeam query --format json|csv` prints: values of the type they are in DuckDB."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest

from newsbeam.report import print_query_result

_TYPED = """
SELECT DATE '2025-03-04' AS date,
       TIMESTAMPTZ '2025-03-04 09:30:00.123456+02' AS published_at,
       TIMESTAMP '2025-03-04 09:30:00' AS local,
       233::INTEGER AS word_count, 0.5::DOUBLE AS share, 1.25 AS exact, 'nan'::DOUBLE AS nan,
       NULL::INTEGER AS missing, true AS balanced, ['KE', 'TZ'] AS countries,
       {'text': 'Nairobi', 'count': 3} AS entity,
       TIMESTAMPTZ '2025-03-05 10:00:00+00' - TIMESTAMPTZ '2025-03-04 09:30:00+00' AS age
"""


def _printed(capsys, output_format: str, sql: str = _TYPED) -> str:
    print_query_result(duckdb.connect().sql(sql), output_format, 100)
    return capsys.readouterr().out


def test_json_keeps_each_value_s_type(capsys):
    (row,) = json.loads(_printed(capsys, "json"))
    assert row == {
        "date": "2025-03-04",  # was "2025-03-04T00:00:00.000"
        "published_at": "2025-03-04T07:30:00.123456+00:00",  # was cut to milliseconds
        "local": "2025-03-04T09:30:00",
        "word_count": 233,
        "share": 0.5,
        "exact": 1.25,
        "nan": None,
        "missing": None,
        "balanced": True,
        "countries": ["KE", "TZ"],
        "entity": {"text": "Nairobi", "count": 3},
        "age": "P1DT30M",
    }


def test_csv_writes_iso_dates_and_json_for_lists(capsys):
    (row,) = csv.DictReader(io.StringIO(_printed(capsys, "csv")))
    assert row["date"] == "2025-03-04"
    assert row["published_at"] == "2025-03-04T07:30:00.123456+00:00"
    assert row["word_count"] == "233" and row["missing"] == "" and row["balanced"] == "true"
    assert json.loads(row["countries"]) == ["KE", "TZ"]  # was "['KE' 'TZ']"
    assert json.loads(row["entity"]) == {"text": "Nairobi", "count": 3}


@pytest.mark.parametrize("output_format", ["table", "csv", "json"])
def test_a_failing_query_prints_nothing(capsys, output_format):
    with pytest.raises(duckdb.Error):
        _printed(capsys, output_format, "SELECT x::INTEGER FROM (VALUES ('a'), ('b')) t(x)")
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("output_format", ["table", "csv", "json"])
def test_a_result_cut_at_max_rows_says_so_on_stderr(capsys, output_format):
    """181 rows, 100 shown: a reader of the table or a script reading the CSV must know that
    rows were left out; stdout stays one whole document."""
    print_query_result(
        duckdb.connect().sql("SELECT range AS n FROM range(181)"), output_format, 100
    )
    printed = capsys.readouterr()
    shown = {
        "table": lambda out: out.count("│") // 2 - 2,  # rows of the box, less the header's
        "csv": lambda out: len(out.splitlines()) - 1,
        "json": lambda out: len(json.loads(out)),
    }[output_format](printed.out)
    assert shown == 100
    assert "more than 100 rows: the first 100 are shown" in printed.err
    print_query_result(
        duckdb.connect().sql("SELECT range AS n FROM range(100)"), output_format, 100
    )
    assert capsys.readouterr().err == ""  # all rows shown: nothing to say


@pytest.mark.parametrize("max_rows", ["0", "-1"])
def test_max_rows_below_one_is_a_usage_error(tmp_path, capsys, max_rows):
    """`--max-rows -1` crashed in DuckDB's table printer with a traceback (exit 1)."""
    from newsbeam.cli import main

    assert main(["query", str(tmp_path), "SELECT 1", "--max-rows", max_rows]) == 2
    assert f"--max-rows must be a positive number, not {max_rows}" in capsys.readouterr().err

"""The `newsbeam` command end to end: real subprocess, real files, Parquet read by DuckDB."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsbeam.query import connect
from newsbeam.schemas import SCHEMA_VERSION
from newsbeam.transforms.stories.story_state_files import load_story_state
from tests.support.builders import rss
from tests.support.paths import SAMPLES, SHARED_DATA
from tests.support.run_cli import newsbeam

pytestmark = pytest.mark.e2e

SAMPLE_PARTITIONS = {
    ("2025-03-03", "eastern-africa"),  # Kenya (and its syndicated copy, a duplicate)
    ("2025-03-03", "south-eastern-asia"),  # Indonesia, 06:00 +07:00: the 2nd in UTC
    ("2025-03-04", "south-america"),
    ("2025-03-04", "western-europe"),  # France and Germany
    ("2025-03-05", "australia-and-new-zealand"),
    ("2025-03-05", "northern-africa"),
    ("2025-03-05", "southern-asia"),
    ("2025-03-06", "northern-america"),
    ("2025-03-06", "western-africa"),
    ("2025-03-06", "central-america"),  # Mexico, 18:45 -06:00: the 7th in UTC
}


@pytest.fixture(scope="module")
def sample_output(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("samples-out")
    started = datetime.now(UTC)
    result = newsbeam("run", "--input", str(SAMPLES), "--output", str(output))
    assert f"Output: {output}" in result.stdout and "newsbeam query" in result.stdout
    # The Japan sample has no date: it goes under the day it was ingested.
    (output / ".ingest-day").write_text(started.date().isoformat())
    return output


def _rows(output: Path, sql: str) -> list[tuple]:
    return connect(str(output)).execute(sql).fetchall()


def test_samples_land_in_their_date_and_region_partitions(sample_output):
    ingest_day = (sample_output / ".ingest-day").read_text()
    partitions = set(_rows(sample_output, "SELECT DISTINCT date::VARCHAR, region FROM articles"))
    assert partitions == SAMPLE_PARTITIONS | {(ingest_day, "eastern-asia")}
    on_disk = {
        tuple(
            part.split("=", 1)[1]
            for part in path.parent.relative_to(sample_output / "articles").parts
        )
        for path in (sample_output / "articles").rglob("*.parquet")
    }
    assert on_disk == partitions


def test_every_sample_input_is_an_article_a_duplicate_or_a_reject(sample_output):
    assert _rows(sample_output, "SELECT count(*), count(DISTINCT id) FROM articles") == [(12, 12)]
    assert _rows(
        sample_output,
        "SELECT d.kind, d.source, a.source, a.title FROM duplicates d JOIN articles a ON a.id = d.duplicate_of",
    ) == [
        (
            "exact",
            "Syndicator",
            "Example News",
            "Kenya Expands Emergency Water Deliveries as Drought Grips the North-East",
        )
    ]
    assert _rows(
        sample_output, "SELECT source, duplicate_count FROM articles WHERE duplicate_count > 0"
    ) == [("Example News", 1)]
    rejects = _rows(sample_output, "SELECT stage, reason, input FROM rejects")
    assert [(stage, reason, Path(path).name) for stage, reason, path in rejects] == [
        ("clean", "too_short", "brief.txt")
    ]


def test_sample_rows_are_clean_and_complete(sample_output):
    rows = _rows(
        sample_output,
        f"""SELECT count(*) FILTER (WHERE text LIKE '%Read:%' OR text LIKE '%Inputs:%' OR text LIKE '%Image Credit%'),
                  count(*) FILTER (WHERE language = 'en'),
                  count(*) FILTER (WHERE len(countries) > 0 AND len(persons) > 0),
                  count(*) FILTER (WHERE title LIKE '%|%'),
                  count(*) FILTER (WHERE schema_version = {SCHEMA_VERSION} AND word_count >= 150)
           FROM articles""",
    )
    assert rows == [(0, 12, 12, 0, 12)]
    html_titles = _rows(
        sample_output, "SELECT title FROM articles WHERE source = 'Southern Cross Herald'"
    )
    assert html_titles and " | " not in html_titles[0][0]


def test_rerunning_the_same_input_adds_no_rows(sample_output):
    def data_files() -> list[Path]:
        files = (p.relative_to(sample_output) for p in sample_output.rglob("*.parquet"))
        return sorted(p for p in files if p.parts[0] != "runs")

    before = data_files()
    newsbeam("run", "--input", str(SAMPLES), "--output", str(sample_output))
    assert data_files() == before
    # Each run is a row of its own in `runs`, and the re-run accounts for every input too.
    assert _rows(
        sample_output, "SELECT count(*), min(inputs), max(inputs), bool_and(balanced) FROM runs"
    ) == [(2, 14, 14, True)]
    assert _rows(
        sample_output,
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM duplicates), (SELECT count(*) FROM rejects)",
    ) == [(12, 1, 1)]


def test_query_command_prints_a_table(sample_output):
    result = newsbeam(
        "query",
        str(sample_output),
        "SELECT region, count(*) AS n FROM articles GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
    )
    assert "western-europe" in result.stdout and "2" in result.stdout
    as_csv = newsbeam(
        "query", str(sample_output), "SELECT count(*) AS n FROM rejects", "--format", "csv"
    )
    assert as_csv.stdout.split() == ["n", "1"]


def test_query_errors_are_sentences_not_tracebacks(sample_output, tmp_path):
    bad_sql = newsbeam("query", str(sample_output), "SELEC nonsense", check=False)
    assert bad_sql.returncode == 2 and "query failed" in bad_sql.stderr
    assert "Traceback" not in bad_sql.stderr
    missing = newsbeam("query", str(tmp_path / "nowhere"), "SELECT 1", check=False)
    assert missing.returncode == 2 and "not a directory" in missing.stderr
    empty = newsbeam(
        "query", str(tmp_path), "SELECT count(*) AS n FROM articles", "--format", "csv"
    )
    assert empty.stdout.split() == ["n", "0"]


def test_query_json_keeps_dates_timestamps_and_numbers(sample_output):
    result = newsbeam(
        "query",
        str(sample_output),
        "SELECT date, published_at, word_count, countries FROM articles "
        "WHERE published_at IS NOT NULL ORDER BY published_at LIMIT 1",
        "--format",
        "json",
    )
    (row,) = json.loads(result.stdout)
    # The Indonesia sample: 06:00 +07:00 on the 3rd is the 2nd in UTC, and dated the 3rd.
    assert row == {
        "date": "2025-03-03",
        "published_at": "2025-03-02T23:00:00+00:00",
        "word_count": 233,
        # Not MY: "Perak" in the port's name "Tanjung Perak" is no Malaysian state.
        "countries": ["ID"],
    }
    assert datetime.fromisoformat(row["published_at"]).tzinfo is not None


def test_query_on_a_table_folder_is_an_error_naming_the_output(sample_output):
    result = newsbeam(
        "query", str(sample_output / "articles"), "SELECT count(*) FROM articles", check=False
    )
    assert result.returncode == 2, result.stdout
    assert f"pass {sample_output} " in result.stderr and "Traceback" not in result.stderr


def test_run_refuses_inputs_that_name_nothing(tmp_path):
    """A usage error runs nothing, and leaves nothing: no output folder for a typo."""
    for missing in ("missing*.txt", "missing.txt"):
        result = newsbeam(
            "run",
            "--input",
            str(tmp_path / missing),
            "--output",
            str(tmp_path / "o"),
            check=False,
        )
        assert result.returncode == 2
        assert "matches no file" in result.stderr and "Traceback" not in result.stderr
        assert not (tmp_path / "o").exists()
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "wire.rss").write_text("<rss version='2.0'><channel></channel></rss>")
    result = newsbeam("run", "--input", str(feeds), "--output", str(tmp_path / "o"), check=False)
    assert result.returncode == 2 and "holds no .txt" in result.stderr, result.stderr
    assert not (tmp_path / "o").exists()
    result = newsbeam(
        "stream",
        "--feed",
        "x.xml",
        "--runner",
        "dask",
        "--output",
        str(tmp_path / "o"),
        check=False,
    )
    assert result.returncode == 2 and "bounded pipelines only" in result.stderr
    assert not (tmp_path / "o").exists()
    result = newsbeam("run", "--input", str(SAMPLES), check=False)
    assert result.returncode == 2 and "--output is required" in result.stderr


def test_seed_articles(seeds_dir, tmp_path):
    newsbeam("run", "--input", str(seeds_dir), "--output", str(tmp_path))
    rows = _rows(
        tmp_path,
        "SELECT input, date::VARCHAR, date_source, region, text, persons, locations, countries FROM articles ORDER BY input",
    )
    assert len(rows) == 2
    assert {row[3] for row in rows} == {"western-asia"}
    first = rows[0]
    assert Path(first[0]).name == "000_b9602190ba00a2ba.txt"
    assert first[1:3] == ("2020-10-19", "header")
    for _input, _date, _source, _region, text, *_ in rows:
        assert "Read:" not in text
        assert (
            "Image Credit" not in text
            and "Inputs: ANI" not in text
            and "With ANI Inputs" not in text
        )
    persons, locations, countries = first[5], first[6], first[7]
    assert {"Antonio Guterres", "Ilham Aliyev"} <= set(persons)
    assert {"Armenia", "Azerbaijan"} <= set(locations) and {"AM", "AZ"} <= set(countries)
    assert "Ganja" in locations and "Ganja" not in persons
    assert not any("Ganja" == p for row in rows for p in row[5])
    # Two stories of one conflict, three weeks apart: two stories, each its own row.
    stories = _rows(
        tmp_path,
        "SELECT s.story_id, s.articles_added, a.input FROM stories s "
        "JOIN articles a ON a.story_id = s.story_id ORDER BY a.input",
    )
    assert len({story_id for story_id, *_ in stories}) == 2 and len(stories) == 2
    assert all(added == 1 for _id, added, _input in stories)


def test_run_reads_a_directory_of_feed_files_offline(tmp_path):
    from tests.support.news_site import page_text

    feeds = tmp_path / "feeds"
    feeds.mkdir()
    story = lambda slug: " ".join(page_text(slug))  # noqa: E731
    (feeds / "world.xml").write_text(
        rss(
            "World Wire",
            [
                ("Kenya water", "https://wire.test/kenya-water", story("kenya-water")),
                ("Chile copper", "https://wire.test/chile-copper", story("chile-copper")),
            ],
        )
    )
    (feeds / "business.rss").write_text(
        rss(
            "Business Wire",
            [
                ("Poland grid", "https://wire.test/poland-grid", story("poland-grid")),
                ("Chile copper again", "https://wire.test/chile-copper", story("chile-copper")),
                ("Too short", "https://wire.test/brief", "Markets closed higher."),
            ],
        )
    )
    (feeds / "broken.xml").write_text("<html><body>This is not a feed</body></html>")
    (feeds / "empty.atom").write_text(
        "<feed xmlns='http://www.w3.org/2005/Atom'><title>Nothing</title></feed>"
    )
    output = tmp_path / "out"
    result = newsbeam("run", "--feed", str(feeds), "--output", str(output), check=False)
    # A file that is not a feed failed entirely: the run says so and exits 1. An empty
    # feed was read: it is a reject, not a failure.
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{feeds / 'broken.xml'}: feed_unparseable" in result.stderr
    assert "empty.atom" not in result.stderr
    db = connect(str(output))
    articles = db.execute(
        "SELECT source, text_source, date_source, date::VARCHAR, region FROM articles ORDER BY url"
    ).fetchall()
    assert articles == [
        (
            "Business Wire",
            "feed",
            "feed",
            "2025-03-04",
            "south-america",
        ),  # business.rss < world.xml
        ("World Wire", "feed", "feed", "2025-03-04", "eastern-africa"),
        ("Business Wire", "feed", "feed", "2025-03-04", "eastern-europe"),
    ]
    assert db.execute("SELECT kind, source FROM duplicates").fetchall() == [("exact", "World Wire")]
    rejects = db.execute("SELECT input, stage, reason FROM rejects ORDER BY 1").fetchall()
    assert sorted((Path(i).name, s, r) for i, s, r in rejects) == [
        ("brief", "clean", "too_short"),
        ("broken.xml", "feed", "feed_unparseable"),
        ("empty.atom", "feed", "feed_empty"),
    ]


def test_run_reads_real_feed_files(tmp_path):
    root = SHARED_DATA / "feeds_rss_parser_js" / "input"
    if not root.exists():
        pytest.skip(f"the shared real feeds are absent ({root})")
    result = newsbeam(
        "run",
        "--feed",
        str(root / "guardian.rss"),
        "--feed",
        str(root / "uolNoticias.rss"),
        "--output",
        str(tmp_path),
    )
    counts = (
        connect(str(tmp_path))
        .execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM duplicates), "
            "(SELECT count(*) FROM rejects), (SELECT count(DISTINCT language) FROM articles)"
        )
        .fetchall()[0]
    )
    entries = 55 + 15  # what the two feeds hold
    assert counts[0] + counts[1] + counts[2] == entries, result.stdout
    assert counts[0] > 0 and counts[3] == 2, (counts, result.stdout)  # English, Portuguese


def test_an_unwritable_output_fails_before_the_job_starts(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file")
    result = newsbeam("run", "--input", str(SAMPLES), "--output", str(blocker / "out"), check=False)
    assert result.returncode == 2
    assert "cannot write to --output" in result.stderr and "Traceback" not in result.stderr


def test_a_full_disk_fails_before_the_job_starts(tmp_path):
    import shutil

    output = tmp_path / "out"
    output.mkdir()
    beyond_free = shutil.disk_usage(output).free + 1_000_000_000
    result = newsbeam(
        "run",
        "--input",
        str(SAMPLES),
        "--output",
        str(output),
        "--min-free-bytes",
        str(beyond_free),
        check=False,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"the disk of --output {output} is full" in result.stderr
    assert not list(output.rglob("*.parquet"))


def test_beam_flags_that_start_like_ours_reach_beam(tmp_path):
    """Dataflow's --region is not an abbreviation of --region-level."""
    result = newsbeam(
        "run",
        "--input",
        str(SAMPLES),
        "--output",
        str(tmp_path),
        "--region",
        "europe-west1",
        "--min-free-bytes",
        str(10**18),  # stop before the job: only the parsing is under test
        check=False,
    )
    assert "invalid choice" not in result.stderr
    assert result.returncode == 2 and "is full" in result.stderr


def test_a_later_run_records_a_copy_against_the_article_already_written(sample_output, tmp_path):
    import shutil

    earlier = tmp_path / "out"
    shutil.copytree(sample_output, earlier)

    kenya = (SAMPLES / "txt" / "kenya-drought.txt").read_text()
    body = kenya.split("\n\n", 1)[1]
    paragraphs = body.split("\n\n")
    copy = "NAIROBI (Wire Service) - " + "\n\n".join(paragraphs[:-1]).replace(
        "said", "told reporters", 1
    )
    copy_file = tmp_path / "later" / "kenya-copy.txt"
    copy_file.parent.mkdir()
    copy_file.write_text(
        f"date 2025-03-04\ntitle Kenya trucks water north\nsource Later Wire\n\n{copy}"
    )
    newsbeam("run", "--input", str(copy_file.parent), "--output", str(earlier))
    rows = _rows(
        earlier,
        "SELECT d.kind, d.similarity >= 0.8, d.source, a.source, d.story_id = a.story_id "
        "FROM duplicates d JOIN articles a ON a.id = d.duplicate_of "
        "WHERE d.source = 'Later Wire'",
    )
    # The copy belongs to its article's story, although that story was written a run ago
    # and closed since (Kenya's day is over 48 hours before the samples' newest article):
    # the saved stories no longer hold its article, the written articles table does.
    assert rows == [("near", True, "Later Wire", "Example News", True)]
    (kenya,) = _rows(earlier, "SELECT id FROM articles WHERE title LIKE 'Kenya%'")[0]
    assert kenya not in load_story_state(str(earlier), 7 * 86_400.0).story_of
    assert _rows(earlier, "SELECT count(*) FROM articles") == [(12,)]


def test_a_later_run_adds_an_article_to_the_story_an_earlier_run_opened(sample_output, tmp_path):
    import shutil

    earlier = tmp_path / "out"
    shutil.copytree(sample_output, earlier)
    follow_up = tmp_path / "later" / "canada-follow-up.txt"
    follow_up.parent.mkdir()
    follow_up.write_text(
        "date 2025-03-07\ntitle Alberta wants water bombers from Ottawa's wildfire money"
        "\nsource Prairie Post\n\nAlberta will ask Ottawa for water bombers out of the 850 "
        "million dollars the government of Canada pledged on Thursday to prepare provinces "
        "for the wildfire season, Forestry Minister Karen Olson said on Friday. Emergency "
        "Preparedness Minister Marc-Andre Tremblay had said the largest share of the wildfire "
        "money would go to Alberta, British Columbia and Quebec. Firefighters in northern "
        "Alberta are already watching holdover fires, with snowpack well below normal.\n"
    )
    newsbeam("run", "--input", str(follow_up.parent), "--output", str(earlier))
    rows = _rows(
        earlier,
        "SELECT source, story_id FROM articles WHERE source IN ('Prairie Post', 'Maple Daily') "
        "ORDER BY source",
    )
    assert [source for source, _ in rows] == ["Maple Daily", "Prairie Post"]
    assert rows[0][1] == rows[1][1], "the follow-up joins the story the first run opened"
    # A row per run that added to the story: its life is the sum of them.
    life = _rows(
        earlier,
        "SELECT count(*), sum(articles_added), max(articles_total), list(sources) "
        f"FROM stories WHERE story_id = '{rows[0][1]}'",
    )
    assert life[0][:3] == (2, 2, 2)


def test_seed_entities_are_normalised_and_placed(seeds_dir, tmp_path):
    newsbeam("run", "--input", str(seeds_dir), "--output", str(tmp_path))
    db = connect(str(tmp_path))
    people = db.execute(
        "SELECT input, canonical, count(*) FROM mentions JOIN articles USING (id) "
        "WHERE label = 'PERSON' AND (canonical ILIKE '%guterres%' OR canonical ILIKE '%duj%') "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    by_article: dict[str, set[str]] = {}
    for input_ref, canonical, entries in people:
        assert entries == 1  # one entity per person per article, whatever the spelling
        by_article.setdefault(Path(input_ref).name, set()).add(canonical)
    assert all("Antonio Guterres" in names and len(names) == 2 for names in by_article.values())
    dujarric = {name for names in by_article.values() for name in names if "Duj" in name}
    assert dujarric == {"Stephane Dujarric"}  # one person across the corpus, spelt right
    assert db.execute("SELECT count(*) FROM entity_variants WHERE label = 'PERSON'").fetchall() == [
        (1,)
    ]
    places = dict(
        db.execute(
            "SELECT DISTINCT canonical, country FROM mentions WHERE label IN ('GPE', 'LOC') "
            "AND canonical IN ('Ganja', 'Tartar', 'Nagorno-Karabakh')"
        ).fetchall()
    )
    assert places == {"Ganja": "AZ", "Tartar": "AZ", "Nagorno-Karabakh": "AZ"}
    from newsbeam.transforms.extract.geo import Gazetteer

    gazetteer = Gazetteer()
    persons = db.execute(
        "SELECT DISTINCT canonical FROM mentions WHERE label = 'PERSON'"
    ).fetchall()
    assert not [name for (name,) in persons if (p := gazetteer.resolve(name)) and p.kind != "city"]
    # "Soviet-made Scud missiles" names a missile; "The UN Sec-Gen" an office.
    assert ("Scud",) not in persons
    assert not db.execute("SELECT 1 FROM mentions WHERE text ILIKE '%sec-gen'").fetchall()
    quotes = db.execute(
        "SELECT q.speaker FROM articles, unnest(quotes) t(q) WHERE input LIKE '%003_ef4239176ea9162e.txt'"
    ).fetchall()
    assert len(quotes) >= 2 and ("Morgan Ortagus",) in quotes


def test_a_feed_s_home_country_settles_its_articles_shared_city_names(tmp_path):
    """Two local papers report on "Paris" without saying which: the one whose feed says
    `country: US` is about a Paris in the United States, the other's stays France's."""
    gazette = (
        "The Paris city council voted on Tuesday to repave the square in front of the old "
        "courthouse, after a year of complaints from shop owners about broken paving stones. "
        "Paris police will close two streets while the work goes on, the mayor said, and the "
        "council will pay for it from the road fund it set aside last spring."
    )
    courier = (
        "Paris opened its new public library on Saturday, three years after the old one "
        "flooded. Hundreds of families queued in the rain to borrow the first books, and the "
        "librarians said the children's floor was full within an hour. The building in Paris "
        "cost less than planned, the library board said, thanks to donated shelving."
    )
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "gazette.xml").write_text(
        rss("Lamar Gazette", [("Council repaves square", "https://gazette.test/square", gazette)])
    )
    (feeds / "courier.xml").write_text(
        rss("City Courier", [("Library opens", "https://courier.test/library", courier)])
    )
    (feeds / "feeds.yaml").write_text(
        "feeds:\n"
        "  - url: gazette.xml\n    name: Lamar Gazette\n    country: us\n"
        "  - url: courier.xml\n    name: City Courier\n"
    )
    output = tmp_path / "out"
    newsbeam(
        "run", "--feeds", str(feeds / "feeds.yaml"), "--output", str(output), "--min-words", "20"
    )
    rows = (
        connect(str(output))
        .execute("SELECT source, main_country, region FROM articles ORDER BY source")
        .fetchall()
    )
    assert rows == [
        ("City Courier", "FR", "western-europe"),
        ("Lamar Gazette", "US", "northern-america"),
    ]


def test_query_of_an_object_store_output_says_to_copy_it_down():
    """A run into s3:// prints where its output is; `newsbeam query` reads local folders
    (DuckDB's httpfs is never downloaded), and says so instead of calling the bucket no
    output of newsbeam's."""
    result = newsbeam("query", "s3://news/out", "SELECT 1", check=False)
    assert result.returncode == 2 and "copy the output down" in result.stderr, result.stderr

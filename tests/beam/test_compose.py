"""The graphs `newsbeam.compose` builds: batch over the samples, asserted inside the pipeline;
streaming, built for cluster runners and run on windows under `TestStream`."""

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_stream import TestStream as BeamTestStream
from apache_beam.testing.util import assert_that, equal_to, equal_to_per_window
from apache_beam.transforms import window
from apache_beam.transforms.window import IntervalWindow, TimestampedValue
from apache_beam.utils.timestamp import Duration

from newsbeam.compose import build, process, write
from newsbeam.options import NewsbeamOptions
from newsbeam.query import connect
from tests.support.beam import streaming_pipeline
from tests.support.builders import feed_article
from tests.support.paths import SAMPLES


def test_build_returns_articles_duplicates_and_rejects(pipeline, tmp_path):
    options = PipelineOptions(["--input", str(SAMPLES), "--output", str(tmp_path)])
    with pipeline as p:
        outputs = build(p, options.view_as(NewsbeamOptions))
        assert_that(
            outputs.articles | beam.combiners.Count.Globally(), equal_to([12]), label="articles"
        )
        assert_that(
            outputs.duplicates | beam.Map(lambda r: (r["kind"], r["source"])),
            equal_to([("exact", "Syndicator")]),
            label="duplicates",
        )
        assert_that(
            outputs.rejects | beam.Map(lambda r: (r["stage"], r["reason"])),
            equal_to([("clean", "too_short")]),
            label="rejects",
        )
        assert_that(
            outputs.articles | beam.Map(lambda r: r["region"]) | beam.Distinct(),
            equal_to(
                [
                    "south-eastern-asia",
                    "eastern-africa",
                    "south-america",
                    "western-europe",
                    "australia-and-new-zealand",
                    "northern-africa",
                    "southern-asia",
                    "northern-america",
                    "western-africa",
                    "central-america",
                    "eastern-asia",
                ]
            ),
            label="regions",
        )
    assert not list(tmp_path.iterdir()), "build() alone writes nothing"


def test_the_streaming_graph_for_cluster_runners_builds_and_serialises(tmp_path):
    """Flink and Dataflow receive the portable form of this graph; it must build cleanly."""
    from apache_beam.portability import common_urns
    from apache_beam.portability.api import beam_runner_api_pb2

    from newsbeam.compose import build_stream, write
    from newsbeam.options import run_info
    from newsbeam.transforms.sources.feed_config import FeedConfig

    options = PipelineOptions(
        [
            "--output",
            str(tmp_path),
            "--feed",
            "https://wire.test/feed",
            "--window",
            "60",
            "--streaming",
        ]
    )
    news = options.view_as(NewsbeamOptions)
    pipeline = beam.Pipeline(options=options)
    outputs = build_stream(pipeline, news, [FeedConfig("https://wire.test/feed", poll_interval=30)])
    write(outputs, str(tmp_path), skip_existing=False, run=run_info(options, "stream"))
    proto = pipeline.to_runner_api()
    transforms = {t.unique_name for t in proto.components.transforms.values()}
    assert any(name.endswith("PollFeeds/Tick") for name in transforms)
    assert any(name.endswith("WriteTables/WriteFiles") for name in transforms)
    assert any(name.endswith("WriteRuns/WriteRunRow") for name in transforms)  # one per window
    stateful = {}
    for transform in proto.components.transforms.values():
        if transform.spec.urn == common_urns.primitives.PAR_DO.urn:
            payload = beam_runner_api_pb2.ParDoPayload.FromString(transform.spec.payload)
            if payload.state_specs:
                stateful[transform.unique_name] = sorted(payload.state_specs)
    # Stateful steps, each with bounded state: the feed poller, the index of earlier
    # windows for near-duplicates with its per-article gather step, the open stories, and
    # the join of each row with its story id (held until both are in).
    by_step = {
        name.split("/")[0] + "/" + name.split("/")[1]: specs for name, specs in stateful.items()
    }
    assert by_step == {
        "PollFeeds/PollDueFeeds": ["feed_state"],
        "CrossWindowDedupe/MatchEarlierWindows": ["band_entries"],
        "CrossWindowDedupe/Decide": ["article", "band_results"],
        "AssignStories/AssignInKeyedState": ["open_stories"],
        "AssignStories/GatherStoryId": ["row", "story"],
    }
    assert outputs.articles.is_bounded is False
    assert outputs.articles.windowing.windowfn.size == 60


STORY = (
    "{country}'s government said on Monday that it would raise spending on flood defences "
    "along the coast after storms damaged thousands of homes last winter, and officials in "
    "{city} said work would begin within weeks. Minister {person} told reporters the plan "
    "would be paid for by a new infrastructure bond approved by parliament."
)


def _record(url, country, city, person, at):
    text = STORY.format(country=country, city=city, person=person)
    return TimestampedValue(feed_article(url, text=text, at=at), at)


def test_windows_are_written_when_they_close_with_late_and_repeated_entries(tmp_path):
    kenya = _record("https://wire.test/kenya", "Kenya", "Mombasa", "Grace Wanjiru", 10)
    chile = _record("https://wire.test/chile", "Chile", "Valparaiso", "Tomas Herrera", 20)
    poland = _record("https://wire.test/poland", "Poland", "Gdansk", "Anna Kowalska", 70)
    kenya_again = _record(
        "https://syndicator.test/kenya-copy", "Kenya", "Mombasa", "Grace Wanjiru", 80
    )
    late_ghana = _record("https://wire.test/ghana", "Ghana", "Takoradi", "Kwame Mensah", 30)
    records = (
        BeamTestStream()
        .add_elements([kenya, chile])
        .advance_watermark_to(65)  # closes the first window [0, 60)
        .add_elements([poland, kenya_again])
        .add_elements([late_ghana])  # behind the watermark: a late pane of [0, 60)
        .advance_watermark_to_infinity()
    )
    options = PipelineOptions(["--output", str(tmp_path), "--min-words", "20"]).view_as(
        NewsbeamOptions
    )
    with streaming_pipeline() as p:
        windowed = (
            p
            | records
            | beam.WindowInto(window.FixedWindows(60), allowed_lateness=Duration(seconds=3600))
        )
        outputs = process(windowed, [], options)
        write(outputs, str(tmp_path), skip_existing=False)
        assert_that(
            outputs.articles | "Urls" >> beam.Map(lambda r: r["url"].rsplit("/", 1)[1]),
            equal_to_per_window(
                {
                    IntervalWindow(0, 60): ["kenya", "chile", "ghana"],
                    IntervalWindow(60, 120): ["poland", "kenya-copy"],
                }
            ),
            label="per window",
        )
    db = connect(str(tmp_path))
    # Within a window, an exact copy is a duplicate; across windows, only the feed state
    # (upstream of this test) keeps an entry from coming back.
    assert db.execute("SELECT count(*) FROM articles").fetchall() == [(5,)]
    files = sorted(p.name for p in (tmp_path / "articles").rglob("*.parquet"))
    assert len(files) >= 4  # separate files per window and pane, each complete
    assert db.execute("SELECT count(*) FROM rejects").fetchall() == [(0,)]

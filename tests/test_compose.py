"""`build()` over the repo's samples: the three outputs, asserted inside the pipeline."""

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.util import assert_that, equal_to

from newsbeam.compose import build
from newsbeam.options import NewsbeamOptions
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
    # Three stateful steps, each with bounded state: the feed poller, and the index of
    # earlier windows for near-duplicates with its per-article gather step.
    by_step = {
        name.split("/")[0] + "/" + name.split("/")[1]: specs for name, specs in stateful.items()
    }
    assert by_step == {
        "PollFeeds/PollDueFeeds": ["feed_state"],
        "CrossWindowDedupe/MatchEarlierWindows": ["band_entries"],
        "CrossWindowDedupe/Decide": ["article", "band_results"],
    }
    assert outputs.articles.is_bounded is False
    assert outputs.articles.windowing.windowfn.size == 60

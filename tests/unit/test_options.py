"""Options: validated before a graph is built, and the local runner never means Prism."""

import pytest
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

from newsbeam.options import LOCAL_RUNNER, resolve_runner, validate


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--output", "o"], "--input, --feed or --feeds is required"),
        (["--input", "x"], "--output is required"),
        (["--input", "x", "--output", "o", "--min-words", "0"], "--min-words must be a positive"),
    ],
)
def test_options_are_validated_before_the_graph_is_built(argv, message):
    with pytest.raises(ValueError, match=message):
        validate(PipelineOptions(argv))


@pytest.mark.parametrize("runner", [None, "DirectRunner", "SwitchingDirectRunner"])
def test_direct_runner_never_means_prism(runner):
    options = PipelineOptions([] if runner is None else ["--runner", runner])
    assert resolve_runner(options) == LOCAL_RUNNER
    assert options.view_as(StandardOptions).runner == LOCAL_RUNNER


def test_other_runners_are_left_alone():
    options = PipelineOptions(["--runner", "FlinkRunner"])
    assert resolve_runner(options) == "FlinkRunner"


def test_a_feed_file_named_in_several_spellings_is_read_once(tmp_path, monkeypatch):
    from newsbeam.options import NewsbeamOptions, feed_configs

    (tmp_path / "feed.xml").write_text("<rss/>")
    monkeypatch.chdir(tmp_path)
    spellings = ["feed.xml", "./feed.xml", str(tmp_path / "feed.xml")]
    argv = [arg for spelling in spellings for arg in ("--feed", spelling)]
    feeds = feed_configs(PipelineOptions(argv).view_as(NewsbeamOptions))
    assert [feed.url for feed in feeds] == ["feed.xml"]  # the first naming is kept


def test_two_feeds_that_differ_only_in_their_secrets_are_refused():
    """Their rows would be keyed alike (no secret is stored) and one feed's lost."""
    from newsbeam.options import NewsbeamOptions, feed_configs

    argv = ["--feed", "https://a.test/feed?token=A", "--feed", "https://a.test/feed?token=B"]
    with pytest.raises(ValueError, match="same URL once their secrets are removed"):
        feed_configs(PipelineOptions(argv).view_as(NewsbeamOptions))
    same = ["--feed", "https://a.test/feed?token=A", "--feed", "https://a.test/feed?token=A"]
    assert len(feed_configs(PipelineOptions(same).view_as(NewsbeamOptions))) == 1


def test_inputs_named_in_several_flags_are_all_read():
    """`--input a b --input c` reads all three: argparse alone keeps the last flag's paths."""
    from newsbeam.options import NewsbeamOptions

    news = PipelineOptions(["--input", "a", "b", "--input", "c"]).view_as(NewsbeamOptions)
    assert news.input == ["a", "b", "c"]


def test_a_feed_s_region_must_name_a_partition_of_the_region_level(tmp_path):
    """`region: Atlantis Deep` opened a partition `region=atlantis-deep` without a word."""
    from newsbeam.options import NewsbeamOptions, feed_configs

    def feeds(region: str, level: str) -> list:
        path = tmp_path / "feeds.yaml"
        path.write_text(f"feeds:\n  - url: https://wire.test/rss\n    region: {region}\n")
        argv = ["--feeds", str(path), "--region-level", level]
        return feed_configs(PipelineOptions(argv).view_as(NewsbeamOptions))

    assert [feed.region for feed in feeds("Western Europe", "subregion")] == ["western-europe"]
    assert [feed.region for feed in feeds("Europe", "continent")] == ["europe"]
    assert [feed.region for feed in feeds("KE", "country")] == ["ke"]
    with pytest.raises(ValueError, match="region 'atlantis-deep' is no subregion"):
        feeds("Atlantis Deep", "subregion")
    with pytest.raises(ValueError, match="region 'western-europe' is no continent"):
        feeds("Western Europe", "continent")

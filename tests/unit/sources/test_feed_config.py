"""Feed configuration: a feeds file's entries validated into `FeedConfig`s."""

from __future__ import annotations

import pytest

from newsbeam.transforms.sources.feed_config import FeedConfig, load_feeds_file


def test_feed_config_validation(tmp_path):
    assert FeedConfig.from_dict("https://a.test/feed").url == "https://a.test/feed"
    config = FeedConfig.from_dict(
        {
            "url": "https://a.test/f",
            "name": " A ",
            "region": "Western Europe",
            "language": "fr",
            "poll_interval": 60,
        }
    )
    assert (config.name, config.region, config.language, config.poll_interval) == (
        "A",
        "western-europe",
        "fr",
        60.0,
    )
    for bad, message in [
        ({"name": "x"}, "needs a `url`"),
        ({"url": "u", "poll": 1}, "unknown feed keys"),
        ({"url": "u", "poll_interval": -1}, "positive"),
        (5, "a URL or a mapping"),
    ]:
        with pytest.raises(ValueError, match=message):
            FeedConfig.from_dict(bad)
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n  - https://a.test/one\n  - url: https://a.test/two\n    name: Two\n")
    assert [f.name for f in load_feeds_file(str(path))] == [None, "Two"]
    path.write_text("feeds: nope\n")
    with pytest.raises(ValueError, match="list under `feeds:`"):
        load_feeds_file(str(path))

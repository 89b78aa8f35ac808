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
            "country": "fr",
            "language": "fr",
            "poll_interval": 60,
        }
    )
    assert (config.name, config.region, config.country, config.language) == (
        "A",
        "western-europe",
        "FR",
        "fr",
    )
    assert config.poll_interval == 60.0
    for bad, message in [
        ({"name": "x"}, "needs a `url`"),
        ({"url": "u", "poll": 1}, "unknown feed keys"),
        ({"url": "u", "poll_interval": -1}, "positive"),
        ({"url": "u", "country": "France"}, "ISO 3166-1 alpha-2"),
        ({"url": "u", "country": "XX"}, "ISO 3166-1 alpha-2"),
        ({"url": "u", "country": 33}, "ISO 3166-1 alpha-2"),
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


def test_a_feeds_file_names_local_feeds_only_in_its_directory(tmp_path):
    config = tmp_path / "config"
    (config / "saved").mkdir(parents=True)
    (config / "saved" / "wire.xml").write_text("<rss/>")
    (tmp_path / "secret.xml").write_text("<rss/>")
    (config / "link.xml").symlink_to(tmp_path / "secret.xml")
    path = config / "feeds.yaml"
    path.write_text("feeds:\n  - saved/wire.xml\n  - https://a.test/feed\n  - gs://b/feed.xml\n")
    assert [f.url for f in load_feeds_file(str(path))] == [
        str(config / "saved" / "wire.xml"),  # relative to the feeds file, not the cwd
        "https://a.test/feed",
        "gs://b/feed.xml",
    ]
    for outside in ("../secret.xml", str(tmp_path / "secret.xml"), "link.xml", "/etc/hostname"):
        path.write_text(f"feeds:\n  - url: {outside}\n")
        with pytest.raises(ValueError, match="--allow-feed-files-in") as refused:
            load_feeds_file(str(path))
        assert outside in str(refused.value)
    path.write_text("feeds:\n  - url: ../secret.xml\n")
    [allowed] = load_feeds_file(str(path), allowed_dirs=[str(tmp_path)])
    assert allowed.url == str(tmp_path / "secret.xml")

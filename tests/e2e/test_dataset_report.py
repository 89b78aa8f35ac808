"""`newsbeam report DIR`: one HTML file that opens offline and draws every plot in a real
browser (headless Chromium), from the output of a run over the samples."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import render
from tests.support.paths import SAMPLES
from tests.support.run_cli import newsbeam

pytestmark = pytest.mark.e2e

_PLOTS = 8  # dataset_report.PLOTS: every one has rows on the samples


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    newsbeam("run", "--input", str(SAMPLES), "--output", str(root / "out"))
    result = newsbeam("report", str(root / "out"), "--out", str(root / "report.html"))
    assert f"({_PLOTS} plots)" in result.stdout
    return root / "report.html"


def test_the_page_needs_no_network(report):
    page = report.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", page)  # plotly.js is inside, not fetched
    # Nothing the page loads by itself (plotly.js's text holds links a reader may click).
    assert not re.search(r"""<(link|img|iframe|script)[^>]+(src|href)=["']https?:""", page)
    assert page.count('class="plot"') == _PLOTS


def test_every_plot_draws_in_headless_chromium_without_a_console_error(report):
    rendered = render(report)
    assert rendered.console == []  # no script error, no warning
    # plotly.js marks each figure it drew, and draws its axes and bars as SVG.
    assert rendered.dom.count("js-plotly-plot") >= _PLOTS
    assert rendered.dom.count('class="main-svg"') >= 2 * _PLOTS
    for section in ("articles_per_day", "entities", "stories", "duplicates_per_outlet"):
        assert f'id="plot-{section}"' in rendered.dom


def test_a_script_error_would_be_seen(tmp_path):
    """The console check above can fail: a page that throws is caught."""
    broken = tmp_path / "broken.html"
    broken.write_text("<html><body><script>throw new Error('boom')</script></body></html>")
    assert any("Uncaught Error: boom" in line for line in render(broken).console)


def test_an_empty_output_gives_a_page_that_says_so(tmp_path):
    (tmp_path / "out").mkdir()
    result = newsbeam("report", str(tmp_path / "out"), "--out", str(tmp_path / "r.html"))
    assert "(0 plots)" in result.stdout
    assert (tmp_path / "r.html").read_text().count("No rows.") == _PLOTS


def test_an_out_path_in_a_missing_folder_is_a_usage_error(report, tmp_path):
    output = report.parent / "out"
    result = newsbeam("report", str(output), "--out", str(tmp_path / "no" / "r.html"), check=False)
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr

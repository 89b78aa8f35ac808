"""`newsbeam report DIR`: one self-contained HTML file of plots over an output directory.

Plotly, because its Python package carries plotly.js, which the page embeds: the file opens
with no server and no network (altair's pages load vega from a CDN unless vl-convert, a
native package, inlines them). Each plot is one DuckDB query over the output's views
(`newsbeam.query.connect`), so what the page shows is what an analyst's SQL returns.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

__all__ = ["PLOTS", "Plot", "render_report", "write_report"]

_TOP = 20


@dataclass(frozen=True)
class Plot:
    """One figure: a title, the query behind it, and how its rows become a figure."""

    key: str
    title: str
    sql: str
    figure: Callable[[list[tuple]], object]


def _bar(x_title: str, y_title: str, horizontal: bool = False):
    def figure(rows: list[tuple]):
        import plotly.graph_objects as go

        labels = [str(row[0]) for row in rows]
        values = [row[1] for row in rows]
        bar = (
            go.Bar(x=values, y=labels, orientation="h")
            if horizontal
            else go.Bar(x=labels, y=values)
        )
        fig = go.Figure(bar)
        fig.update_layout(xaxis_title=x_title, yaxis_title=y_title)
        if horizontal:
            fig.update_yaxes(autorange="reversed")
        return fig

    return figure


def _stacked(x_title: str, y_title: str):
    """Rows of (x, series, value) -> bars stacked by series."""

    def figure(rows: list[tuple]):
        import plotly.graph_objects as go

        series: dict[str, dict] = {}
        for x, name, value in rows:
            series.setdefault(str(name), {})[str(x)] = value
        xs = sorted({str(row[0]) for row in rows})
        fig = go.Figure(
            [
                go.Bar(name=name, x=xs, y=[values.get(x, 0) for x in xs])
                for name, values in sorted(series.items())
            ]
        )
        # Categories, not a time axis: one undated article's ingestion day would otherwise
        # stretch the axis over months and thin every bar to a line.
        fig.update_layout(barmode="stack", xaxis_title=x_title, yaxis_title=y_title)
        fig.update_xaxes(type="category")
        return fig

    return figure


def _table(headers: list[str]):
    def figure(rows: list[tuple]):
        import plotly.graph_objects as go

        columns = [
            ["" if value is None else value for value in column]
            for column in zip(*rows, strict=True)
        ]
        fig = go.Figure(go.Table(header={"values": headers}, cells={"values": columns}))
        return fig

    return figure


PLOTS: tuple[Plot, ...] = (
    Plot(
        "articles_per_day",
        "Articles per day and region",
        "SELECT date, region, count(*) FROM articles GROUP BY ALL ORDER BY ALL",
        _stacked("publication date", "articles"),
    ),
    Plot(
        "countries",
        f"Top {_TOP} countries (main country of each article)",
        "SELECT main_country, count(*) AS n FROM articles WHERE main_country IS NOT NULL "
        f"GROUP BY ALL ORDER BY n DESC, main_country LIMIT {_TOP}",
        _bar("articles", "country", horizontal=True),
    ),
    Plot(
        "entities",
        f"Top {_TOP} names (people, organisations, places), by articles",
        "SELECT canonical || ' (' || label || ')', count(DISTINCT id) AS n FROM mentions "
        f"GROUP BY ALL ORDER BY n DESC, 1 LIMIT {_TOP}",
        _bar("articles", "name", horizontal=True),
    ),
    Plot(
        "stories",
        f"Top {_TOP} stories, by articles",
        "SELECT coalesce(any_value(title ORDER BY ingested_at DESC), '(untitled)') || ' [' || "
        "left(story_id, 8) || ']', "
        "max(articles_total) AS n FROM stories GROUP BY story_id "
        f"ORDER BY n DESC, 1 LIMIT {_TOP}",
        _bar("articles", "story", horizontal=True),
    ),
    Plot(
        "duplicates_per_outlet",
        f"Duplicates and wire copies per outlet (top {_TOP})",
        "WITH d AS (SELECT coalesce(source, '(none)') AS source, kind, count(*) AS n "
        "FROM duplicates GROUP BY ALL), top AS (SELECT source FROM d GROUP BY source "
        f"ORDER BY sum(n) DESC, source LIMIT {_TOP}) "
        "SELECT source, kind, n FROM d JOIN top USING (source) ORDER BY ALL",
        _stacked("outlet", "duplicates"),
    ),
    Plot(
        "source_health",
        "Sources, flagged first (source_health of each source's last day)",
        "SELECT h.source, h.day, h.articles, h.exact_duplicates + h.near_duplicates, "
        "h.rejects, h.feed_failures, round(h.share_undated, 2), h.median_words, "
        "h.median_extraction_ms, f.flag "
        "FROM source_health AS h LEFT JOIN source_health_flags AS f USING (source, day) "
        "QUALIFY h.day = max(h.day) OVER (PARTITION BY h.source) "
        "ORDER BY f.flag IS NULL, h.articles DESC, h.source LIMIT 100",
        _table(
            [
                "source",
                "day",
                "articles",
                "duplicates",
                "rejects",
                "feed failures",
                "share undated",
                "median words",
                "median extraction ms",
                "flag",
            ]
        ),  # fmt: skip
    ),
    Plot(
        "rejects",
        "Rejects by stage and reason",
        "SELECT stage || ': ' || reason AS why, count(*) AS n FROM rejects "
        "GROUP BY ALL ORDER BY n DESC, why",
        _bar("inputs rejected", "stage: reason", horizontal=True),
    ),
    Plot(
        "runs",
        "Inputs of each run (articles, duplicates, rejects)",
        "SELECT strftime(timezone('UTC', started_at), '%Y-%m-%d %H:%M:%S'), kind, n FROM ("
        "SELECT started_at, articles, duplicates, rejects FROM runs) "
        "UNPIVOT (n FOR kind IN (articles, duplicates, rejects)) ORDER BY ALL",
        _stacked("run started (UTC)", "inputs"),
    ),
)


def render_report(connection: duckdb.DuckDBPyConnection, title: str) -> str:
    """The page: every plot whose query returns rows, a note for those with none; plotly.js
    once, inline."""
    import plotly.io as pio

    sections, first = [], True
    for plot in PLOTS:
        rows = connection.execute(plot.sql).fetchall()
        heading = f"<h2>{html.escape(plot.title)}</h2>"
        if not rows:
            sections.append(f'<section id="{plot.key}">{heading}<p>No rows.</p></section>')
            continue
        fig = plot.figure(rows)
        fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, height=420)
        div = pio.to_html(
            fig,
            full_html=False,
            include_plotlyjs=first,  # the library once, inline: no network
            div_id=f"plot-{plot.key}",
            config={"displaylogo": False},
        )
        first = False
        sections.append(f'<section id="{plot.key}" class="plot">{heading}{div}</section>')
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px}"
        "h2{font-size:1.1em;margin-top:2em}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{''.join(sections)}</body></html>\n"
    )


def write_report(output_dir: str, out_path: str) -> int:
    """Writes the report of `output_dir` to `out_path`; returns how many plots it drew."""
    from newsbeam.query import connect

    connection = connect(output_dir)
    try:
        page = render_report(connection, f"newsbeam: {output_dir}")
    finally:
        connection.close()
    with open(out_path, "w", encoding="utf-8") as handle:
        handle.write(page)
    return page.count('class="plot"')

"""Charts drawn on the server as inline SVG: the geometry here, the drawing in
``core/partials/bar_chart.html`` (no script, no library: the pages work on a closed network)."""

from __future__ import annotations

from collections.abc import Sequence

CHART_WIDTH = 640
CHART_LABEL = 150  # room for the row labels, left of the bars
CHART_VALUE = 110  # room for the value, right of the bars
CHART_ROW = 28


def bar_chart(
    rows: Sequence[tuple[str, Sequence[int]]],
    *,
    title: str,
    series: Sequence[str],
    display=lambda values: f"{sum(values):,}",
) -> dict:
    """Geometry of a horizontal (stacked) bar chart drawn as inline SVG by the template.

    ``rows`` are (label, values per series); the longest bar fills the plot width. The text
    alternative (``summary``) lists the same numbers the table beside the chart shows.
    """
    plot = CHART_WIDTH - CHART_LABEL - CHART_VALUE
    peak = max((sum(v) for _label, v in rows), default=0) or 1
    out = []
    for index, (label, values) in enumerate(rows):
        y = 8 + index * CHART_ROW
        x: float = CHART_LABEL
        segments = []
        for s, value in enumerate(values):
            width = round(plot * value / peak, 1)
            segments.append({"x": x, "width": width, "css": f"s{s}", "value": value, "series": series[s]})
            x += width
        out.append(
            {
                "label": label,
                "y": y,
                "text_y": y + 15,
                "segments": segments,
                "value_x": x + 6,
                "display": display(values),
            }
        )
    summary = "; ".join(
        f"{r['label']} " + ", ".join(f"{seg['series']} {seg['value']:,}" for seg in r["segments"])
        for r in out
    )
    return {
        "title": title,
        "summary": f"{title}: {summary}",
        "width": CHART_WIDTH,
        "height": 16 + len(out) * CHART_ROW,
        "label_x": CHART_LABEL - 8,
        "rows": out,
        "legend": [{"label": name, "css": f"s{i}"} for i, name in enumerate(series)]
        if len(series) > 1
        else [],
    }

"""Trend charts drawn in Python: inline SVG line charts for the HTML report and Unicode sparklines
for Markdown. No JavaScript and nothing fetched, so the report is one self-contained file; every
coordinate has one decimal, so the same values always give the same bytes."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from orchestration.reports.formatting import format_value

SPARK_BARS = "▁▂▃▄▅▆▇█"


def value_range(values: Sequence[float | None], extra: Sequence[float | None] = ()) -> tuple[float, float] | None:
    """(low, high) of the values and `extra` (a target line), widened around a single level so a
    flat series sits mid-chart instead of dividing by zero; None when there is no value at all."""
    known = [value for value in (*values, *extra) if value is not None]
    if not known:
        return None
    low, high = min(known), max(known)
    if low == high:
        margin = abs(low) * 0.1 or 1.0
        return low - margin, high + margin
    return low, high


def normalize(values: Sequence[float | None], extra: Sequence[float | None] = ()) -> list[float | None]:
    """Each value's position in value_range, 0 (low) to 1 (high); None stays None."""
    bounds = value_range(values, extra)
    if bounds is None:
        return [None] * len(values)
    low, high = bounds
    return [None if value is None else (value - low) / (high - low) for value in values]


def sparkline(values: Sequence[float | None]) -> str:
    """▁▃▅█ bars, a blank for a missing period."""
    return "".join(
        " " if level is None else SPARK_BARS[min(int(level * len(SPARK_BARS)), len(SPARK_BARS) - 1)]
        for level in normalize(values)
    )


def x_positions(count: int, left: float, width: float) -> list[float]:
    """Evenly spaced x of `count` points across [left, left + width]; a single point is centred."""
    if count == 1:
        return [left + width / 2]
    return [left + width * index / (count - 1) for index in range(count)]


def segments(points: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive known points: a missing period breaks the line rather than bridging it."""
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for point in points:
        if point is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(point)
    if current:
        runs.append(current)
    return runs


def path_data(run: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{'M' if index == 0 else 'L'}{x:.1f},{y:.1f}" for index, (x, y) in enumerate(run))


# Geometry of a chart: the plot area leaves room for the value labels left and period labels below.
WIDTH, HEIGHT = 320, 130
LEFT, RIGHT, TOP, BOTTOM = 64, 10, 10, 22


def line_chart(
    kpi_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    target: float | None,
    unit: str,
) -> str:
    """An SVG line chart of `values` (one per period, labelled `labels`), with the target as a
    dashed line and the latest value marked."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    # the target widens the range so its line shows, but a chart with no value says so
    bounds = value_range(values, [target]) if value_range(values) else None
    parts = [
        f'<svg class="trend-chart" data-kpi="{escape(kpi_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_height}" x2="{LEFT + plot_width}" y2="{TOP + plot_height}"/>',
    ]
    if bounds is None:
        parts.append(f'<text class="empty" x="{LEFT + plot_width / 2:.1f}" y="{TOP + plot_height / 2:.1f}" '
                     'text-anchor="middle">no data</text>')
        return "".join(parts) + "</svg>"

    def y_of(level: float) -> float:
        return TOP + (1 - level) * plot_height

    low, high = bounds
    levels = normalize(values, [target])
    xs = x_positions(len(values), LEFT, plot_width)
    points = [None if level is None else (x, y_of(level)) for x, level in zip(xs, levels, strict=True)]
    for level, value in ((1.0, high), (0.0, low)):
        parts.append(f'<text class="value-label" x="{LEFT - 6}" y="{y_of(level) + 4:.1f}" '
                     f'text-anchor="end">{escape(format_value(value, unit))}</text>')
    if target is not None:
        target_y = y_of((target - low) / (high - low))
        parts.append(f'<line class="target-line" x1="{LEFT}" y1="{target_y:.1f}" '
                     f'x2="{LEFT + plot_width}" y2="{target_y:.1f}"/>')
    for run in segments(points):
        if len(run) == 1:  # an isolated period has no line to draw: show it as a dot
            parts.append(f'<circle class="trend-point" cx="{run[0][0]:.1f}" cy="{run[0][1]:.1f}" r="2.5"/>')
        else:
            parts.append(f'<path class="trend-line" d="{path_data(run)}"/>')
    if points[-1] is not None:
        parts.append(f'<circle class="latest-point" cx="{points[-1][0]:.1f}" cy="{points[-1][1]:.1f}" r="3.5"/>')
    label_y = HEIGHT - 6
    if len(labels) == 1:
        parts.append(f'<text class="period-label" x="{xs[0]:.1f}" y="{label_y}" '
                     f'text-anchor="middle">{escape(labels[0])}</text>')
    else:
        parts.append(f'<text class="period-label" x="{LEFT}" y="{label_y}" '
                     f'text-anchor="start">{escape(labels[0])}</text>')
        parts.append(f'<text class="period-label" x="{LEFT + plot_width}" y="{label_y}" '
                     f'text-anchor="end">{escape(labels[-1])}</text>')
    return "".join(parts) + "</svg>"

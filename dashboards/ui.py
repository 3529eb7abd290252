"""Streamlit helpers shared by the three views: cached queries on the serving file, the header with
the data's as-of time and the last publish, the sidebar filters, KPI cards and charts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import altair as alt
import duckdb
import pandas as pd
import streamlit as st

from dashboards import data
from orchestration.settings import Settings

WINDOWS = (6, 12, 24, 36)
FILTERS_KEY = "dashboard_filters"


# ------------------------------------------------------------------------------------ querying

def serving_path() -> Path:
    return Settings.from_env().serving_path


def _signature(path: Path) -> tuple[str, int, int]:
    """Identifies one publish of the file: a new publish replaces it (new inode and mtime), which
    misses the cache, so the views show the new data without a restart."""
    stat = path.stat()
    return str(path), stat.st_ino, stat.st_mtime_ns


@st.cache_data(ttl=900, show_spinner=False, max_entries=1024)
def _cached(signature: tuple[str, int, int], name: str, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]
            ) -> Any:
    con = data.connect(signature[0])
    try:
        return getattr(data, name)(con, *args, **dict(kwargs))
    finally:
        con.close()


def q(name: str, *args: Any, **kwargs: Any) -> Any:
    """Run `data.<name>(connection, *args, **kwargs)` on the serving file (read-only), cached per
    publish."""
    path = serving_path()
    try:
        return _cached(_signature(path), name, args, tuple(sorted(kwargs.items())))
    except FileNotFoundError:
        st.error(f"No serving file at `{path}`: nothing has been published yet. Run `make run` "
                 "(it builds, validates and publishes), or set SERVING_PATH.")
        st.stop()
    except duckdb.IOException as error:
        st.warning(f"The serving file `{path}` cannot be read right now ({error}). Reload in a moment.")
        st.stop()


# -------------------------------------------------------------------------------- filters & header

def sidebar_filters() -> data.Filters:
    """The period and slice filters (sidebar, shared by every view); also kept in session state."""
    month_frame = q("months")
    if month_frame.empty:
        st.error("The serving file has no KPI scorecard (marts.kpi_scorecard): nothing to show yet.")
        st.stop()
    month_options = [pd.Timestamp(m).date() for m in month_frame["month_start"]]
    complete = {
        pd.Timestamp(m).date(): bool(c)
        for m, c in zip(month_frame["month_start"], month_frame["is_complete"], strict=True)
    }
    default = data.default_month(month_frame)
    options = q("slice_options")
    sidebar = st.sidebar
    sidebar.header("Filters")
    month = sidebar.selectbox("Period (month)", month_options, index=month_options.index(default),
                              format_func=lambda m: data.month_label(m, complete[m]), key="filter_month",
                              help="The month the KPIs, tables and alerts show; trends end with it.")
    window = sidebar.selectbox("Trend window", WINDOWS, index=1, format_func=lambda n: f"last {n} months",
                               key="filter_window")
    categories = sidebar.multiselect("Category", options["categories"], key="filter_categories",
                                     placeholder="All categories")
    tiers = sidebar.multiselect("Instructor tier", options["instructor_tiers"], key="filter_tiers",
                                placeholder="All tiers", help="top_10_pct: the instructors making the top "
                                "tenth of revenue; long_tail: the others.")
    platforms = sidebar.multiselect("Campaign platform", options["platforms"], key="filter_platforms",
                                    placeholder="All platforms")
    countries = sidebar.multiselect("Country", options["countries"], key="filter_countries",
                                    placeholder="All countries", help="The student's country.")
    filters = data.Filters(month=month, months_back=window, categories=tuple(categories),
                           instructor_tiers=tuple(tiers), platforms=tuple(platforms), countries=tuple(countries))
    st.session_state[FILTERS_KEY] = filters
    return filters


def current_filters() -> data.Filters:
    filters = st.session_state.get(FILTERS_KEY)
    return filters if filters is not None else sidebar_filters()


def fmt_time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "unknown"


def header(title: str, purpose: str) -> dict[str, Any] | None:
    """Page title, its purpose, and the data's as-of time and last publish (main.publish_log)."""
    st.title(title)
    st.caption(purpose)
    publish = q("publish_info")
    as_of = q("data_as_of", publish)
    if publish is None:
        st.info(f"Data as of **{fmt_time(as_of)}** · no publish recorded in this file (main.publish_log).")
        return None
    score = publish.get("dq_score")
    quality = f" · data quality {score * 100:.1f}%" if score is not None else ""
    st.info(
        f"Data as of **{fmt_time(as_of)}** · last published **{fmt_time(publish.get('published_at'))}** "
        f"(publish `{publish.get('publish_id')}`{quality})"
    )
    if data.is_historical(publish):
        st.warning(f"**Historical export**: {data.HISTORICAL_NOTE}")
    return publish


def filter_note(filters: data.Filters, applied: Iterable[str] | None = None) -> None:
    """Says which slices are selected and, when given, which of them the figures above use."""
    active = filters.active()
    if not active:
        return
    chosen = "; ".join(f"{name}: {', '.join(values)}" for name, values in active.items())
    if applied is None:
        st.caption(f"Filtered by {chosen}.")
        return
    used = [name for name in active if name in set(applied)]
    ignored = [name for name in active if name not in set(applied)]
    parts = []
    if used:
        parts.append("filtered by " + ", ".join(used))
    if ignored:
        parts.append("not sliceable by " + ", ".join(ignored) + " (all shown)")
    st.caption(f"Selected {chosen} → " + "; ".join(parts) + ".")


# ------------------------------------------------------------------------------------- widgets

def kpi_card(row: pd.Series, history: pd.DataFrame | None = None) -> None:
    """A scorecard KPI: value, change vs prior period, target and a status badge (red, yellow,
    green, blue), with a sparkline of its recent periods."""
    unit = row["unit"]
    partial = "" if row["is_complete_period"] else " (partial)"
    chart = None
    if history is not None and not history.empty:
        values = history.loc[history["kpi_id"] == row["kpi_id"], "actual_value"].dropna().tolist()
        chart = values if len(values) > 1 else None
    with st.container(border=True):
        st.metric(
            label=row["kpi_name"],
            value=data.format_value(row["actual_value"], unit),
            delta=data.format_change(row["change_value"], row["change_rate"], unit),
            delta_color=data.delta_color(row["direction"]),
            help=f"{row['kpi_id']} · owner {row['owner']} · period {pd.Timestamp(row['period_start']):%Y-%m-%d}"
                 f"{partial} · vs prior period",
            chart_data=chart,
        )
        status = data.status_key(row["status"])
        target = "no target" if data.is_missing(row["target_value"]) else \
            "target " + data.format_value(row["target_value"], unit)
        badge = f":{data.STATUS_COLORS[status]}-badge[{data.STATUS_ICONS[status]} {data.STATUS_LABELS[status]}]"
        reason = row.get("status_reason")
        if not data.is_missing(reason):
            badge += f" ({reason})"
        period = (
            "" if row["frequency"] == "monthly" else f" · {data.period_label(row['period_start'], row['frequency'])}"
        )
        st.markdown(f"{badge} {target} · {row['owner']}{period}")
        st.caption(data.plan_line(row))


def metric(label: str, value: Any, unit: str, *, delta: str | None = None, inverse: bool = False,
           help: str | None = None) -> None:
    st.metric(label, data.format_value(value, unit), delta=delta, delta_color="inverse" if inverse else "normal",
              help=help, border=True)


def style_status(table: pd.DataFrame, column: str = "Status") -> Any:
    """The table with its status column coloured red / yellow / green / blue."""
    return table.style.map(lambda value: data.STATUS_CELL_STYLES.get(value, ""), subset=[column])


def executive_table(executive: pd.DataFrame) -> pd.DataFrame:
    """The monitoring framework's executive scorecard: its KPI, ours, value, target, status, and
    how it is covered (computed, reported by hand) or the source it needs."""
    return pd.DataFrame({
        "Section": executive["section"].str.capitalize(),
        "KPI (reference)": executive["reference_kpi"],
        "Measured as": executive["kpi_name"].fillna("–"),
        "Value": [data.format_value(v, u) if not data.is_missing(v) else "–"
                  for v, u in zip(executive["actual_value"], executive["unit"], strict=True)],
        "Target": [data.format_value(v, u) if not data.is_missing(v) else ""
                   for v, u in zip(executive["target_value"], executive["unit"], strict=True)],
        "Status": [data.status_text(s) for s in executive["status"]],
        "Period": [f"{pd.Timestamp(p):%Y-%m-%d}" if not data.is_missing(p) else "" for p in executive["period_start"]],
        "Coverage": executive["coverage"].map(
            {"computed": "computed", "manual": "reported by hand", "needs_source": "needs a source"}),
        "Note": [r if not data.is_missing(r) else (g if not data.is_missing(g) else "")
                 for r, g in zip(executive["status_reason"], executive["gap"], strict=True)],
    })


def scorecard_table(scorecard: pd.DataFrame) -> pd.DataFrame:
    """The reference's scorecard table: KPI, current, target, trend, status, owner, with the
    references' benchmark band, the interim target in force and the progress to the yearly target."""
    return pd.DataFrame({
        "Status": [data.status_text(s) for s in scorecard["status"]],
        "KPI": [f"{name} (manual)" if manual else name
                for name, manual in zip(scorecard["kpi_name"], scorecard["is_manual"], strict=True)],
        "Pillar": scorecard["pillar"],
        "Level": scorecard["level"],
        "Current": [data.format_value(v, u) for v, u in zip(scorecard["actual_value"], scorecard["unit"], strict=True)],
        "Target": [data.format_value(v, u) if not data.is_missing(v) else "" for v, u in
                   zip(scorecard["target_value"], scorecard["unit"], strict=True)],
        "Trend": [f"{data.TREND_ARROWS.get(t, '')} {data.format_change(cv, cr, u) or ''}".strip()
                  for t, cv, cr, u in zip(scorecard["trend_direction"], scorecard["change_value"],
                                          scorecard["change_rate"], scorecard["unit"], strict=True)],
        "Benchmark": [data.benchmark_text(lo, hi, pos, u) or "" for lo, hi, pos, u in
                      zip(scorecard["benchmark_low"], scorecard["benchmark_high"],
                          scorecard["benchmark_position"], scorecard["unit"], strict=True)],
        "Interim target": [data.interim_text(d, v, m, u) or "" for d, v, m, u in
                           zip(scorecard["interim_target_days"], scorecard["interim_target_value"],
                               scorecard["interim_target_met"], scorecard["unit"], strict=True)],
        "Progress": [data.progress_text(p) or "" for p in scorecard["target_progress_rate"]],
        "Period": [f"{pd.Timestamp(p):%Y-%m-%d}{'' if c else ' (partial)'}" for p, c in
                   zip(scorecard["period_start"], scorecard["is_complete_period"], strict=True)],
        "Owner": scorecard["owner"],
    })


PERCENT_COLUMNS = ("_rate", "_share", "ctr")
RATIO_COLUMNS = ("roi", "roas", "average_rating", "avg_review_rating", "nps")


def table(frame: Any, **column_config: Any) -> None:
    """st.dataframe with the columns formatted by their name: *_usd as dollars, rates and shares as
    percent, ratios with two decimals, names without underscores."""
    columns = frame.data.columns if hasattr(frame, "data") else frame.columns
    config: dict[str, Any] = {}
    for column in columns:
        label = column.replace("_usd", "").replace("_", " ")
        if column.endswith("_usd"):
            config[column] = st.column_config.NumberColumn(label, format="dollar")
        elif column.endswith(PERCENT_COLUMNS):
            config[column] = st.column_config.NumberColumn(label, format="percent")
        elif column in RATIO_COLUMNS:
            config[column] = st.column_config.NumberColumn(label, format="%.2f")
        elif column.islower():
            config[column] = st.column_config.Column(label)
    config.update(column_config)
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config)


def alert_list(alerts: pd.DataFrame, empty: str = "No alerts.") -> None:
    """Alerts as red (critical), yellow (warning) and blue (info) callouts."""
    if alerts.empty:
        st.success(empty)
        return
    for _, alert in alerts.iterrows():
        text = f"**{alert['kpi_name']}** ({alert['alert_type'].replace('_', ' ')}): {alert['alert_message']}"
        {"critical": st.error, "warning": st.warning}.get(alert["severity"], st.info)(text)


def line_chart(frame: pd.DataFrame, y: str | list[str], *, title: str, fmt: str = ",.0f", color: str | None = None,
               height: int = 260, bar: bool = False) -> None:
    """A monthly trend (x = month_start) of one or more columns, or one column by a colour field."""
    if frame.empty:
        st.caption(f"{title}: no data for the selection.")
        return
    plot = frame.copy()
    plot["month_start"] = pd.to_datetime(plot["month_start"])
    if isinstance(y, list):
        plot = plot.melt(id_vars=["month_start"], value_vars=y, var_name="series", value_name="value")
        value, series = "value", "series"
    else:
        value, series = y, color
    base = alt.Chart(plot, title=title, height=height)
    mark = base.mark_bar() if bar else base.mark_line(point=True)
    encoding: dict[str, Any] = {
        "x": alt.X("yearmonth(month_start):T", title=None),
        "y": alt.Y(f"{value}:Q", title=None, axis=alt.Axis(format=fmt), stack=True if bar else None),
        "tooltip": [alt.Tooltip("yearmonth(month_start):T", title="month"),
                    alt.Tooltip(f"{value}:Q", format=fmt)],
    }
    if series:
        encoding["color"] = alt.Color(f"{series}:N", title=None, legend=alt.Legend(orient="bottom", columns=4))
        encoding["tooltip"].append(alt.Tooltip(f"{series}:N"))
    st.altair_chart(mark.encode(**encoding), width="stretch")


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def day_label(day: date | None) -> str:
    return day.strftime("%a %Y-%m-%d") if day else "n/a"

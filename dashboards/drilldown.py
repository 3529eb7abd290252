"""'Why is it red' drill-down (executive page): pick a KPI that is off target, at risk or alerted
(a monthly KPI in the month, a daily KPI on its shown day) and see the slices behind it
(marts.kpi_drivers), as a bar chart and a table: the change vs the period before (the month
before, the day before) split into rate and mix effects per slice, or, when the period before is
not comparable, each slice's part of the gap to the target. The same reading as the monthly and
daily reports."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data, ui
from orchestration.reports.drivers import DRIVER_PERIODS, NO_DRIVERS, NO_SLICES

KEY = "why_red_kpi"


def _caption(row: pd.Series, basis: str) -> str:
    unit = row["unit"]
    now = data.format_value(row["actual_value"], unit)
    period = DRIVER_PERIODS[row["frequency"]]
    on = "" if period == "month" else f" on {ui.day_label(row['period_start'])}"
    if basis == "change":
        change = data.format_change(row["change_value"], row["change_rate"], unit)
        return (f"{row['kpi_name']}{on}: {data.format_value(row['prior_value'], unit)} → {now} ({change}) vs the "
                f"{period} before. Each slice's contribution to the change = rate effect (its own value moved) + mix "
                "effect (it grew or shrank); a dimension's contributions add up to the change.")
    if basis == "target":
        return (f"{row['kpi_name']}{on}: {now} against a target of {data.format_value(row['target_value'], unit)}; "
                f"not compared with the {period} before (not a final {period}: like for like). Each slice's part of "
                "the gap to the target; a dimension's parts add up to the gap.")
    return f"{row['kpi_name']}{on}: {now}."


def _chart(drivers: pd.DataFrame, row: pd.Series, basis: str) -> None:
    plot = drivers.copy()
    scale = 100 if row["unit"] == "rate" else 1
    plot["effect"] = plot["contribution"] * scale
    adverse = (plot["contribution"] > 0) == (row["direction"] == "lower_is_better")
    plot["moved the KPI"] = ["the wrong way" if bad else "the right way" for bad in adverse]
    title = "Part of the gap to target" if basis == "target" else "Contribution to the change"
    unit = " (pp)" if row["unit"] == "rate" else ""
    chart = alt.Chart(plot, title=f"{title}{unit}", height=max(120, 28 * len(plot))).mark_bar().encode(
        x=alt.X("effect:Q", title=None),
        y=alt.Y("slice:N", sort=None, title=None),
        color=alt.Color("moved the KPI:N", scale=alt.Scale(domain=["the wrong way", "the right way"],
                                                           range=["#cf222e", "#1a7f37"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=["slice:N", alt.Tooltip("effect:Q", format=",.2f")],
    )
    st.altair_chart(chart, width="stretch")


def _day(frequency: str, period_start: date) -> str:
    """A daily KPI's day after its name in the picker; nothing for a monthly KPI (the month's)."""
    return f" · {ui.day_label(period_start)}" if frequency == "daily" else ""


def why_red(scorecard: pd.DataFrame, alerts: pd.DataFrame, month: date) -> None:
    """The drill-down section: a KPI picker over the month's red KPIs, then its drivers."""
    st.subheader(f"Why is it red · {data.month_label(month)}")
    red = data.red_kpis(scorecard, alerts)
    if red.empty:
        st.success("No monthly or daily KPI is off target, at risk or alerted.")
        return
    labels = {
        kpi_id: f"{name}{_day(frequency, start)} ({data.status_text(status)}{', alerted' if alerted else ''})"
        for kpi_id, name, frequency, start, status, alerted in zip(
            red["kpi_id"], red["kpi_name"], red["frequency"], red["period_start"], red["status"], red["is_alerted"],
            strict=True,
        )
    }
    kpi_id = st.selectbox("KPI", list(labels), format_func=labels.get, key=KEY,
                          help="Monthly KPIs off target, at risk or alerted in the month; daily KPIs on "
                               "their shown day.")
    row = red[red["kpi_id"] == kpi_id].iloc[0]
    basis = data.driver_basis(row)
    target = None if data.is_missing(row["target_value"]) else float(row["target_value"])
    period_start = pd.Timestamp(row["period_start"]).date()
    drivers = ui.q("kpi_drivers", kpi_id, period_start, basis, target)
    st.caption(_caption(row, basis))
    if drivers.empty:
        sliced = ui.q("has_slices", kpi_id, period_start)
        st.info(f"{row['kpi_name']}: {NO_DRIVERS if sliced else NO_SLICES}.")
        return
    left, right = st.columns([2, 3])
    with left:
        _chart(drivers, row, basis)
    with right:
        st.dataframe(data.drivers_table(drivers, row["unit"], basis), hide_index=True, width="stretch")

"""Text of KPI figures, by the catalog's unit, with fixed decimals so a report's bytes never depend
on float noise: usd $260,903 (cents below $1,000), rate 23.6%, ratio 3.29, score 64.7, count 3,402,
hours 1.8 h.
"""

from __future__ import annotations

from orchestration.reports import status as vocabulary

MISSING = "n/a"
NO_TARGET = "–"

TREND_ARROWS = {"up": "↑", "down": "↓", "flat": "→"}
SEVERITY_EMOJI = {"critical": "🔴", "warning": "🟡", "info": "🔵"}


def fixed(value: float, decimals: int) -> str:
    """The value with `decimals` decimals and thousands separators."""
    # Adding 0.0 turns a rounded -0.0 into 0.0, so a tiny negative never prints as "-0.0".
    return f"{round(value, decimals) + 0.0:,.{decimals}f}"


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return MISSING
    if unit == "usd":
        text = fixed(abs(value), 0 if abs(value) >= 1000 else 2)
        return f"-${text}" if round(value, 2) < 0 else f"${text}"
    if unit == "rate":
        return f"{fixed(value * 100, 1)}%"
    if unit == "count":
        return fixed(value, 0)
    if unit == "ratio":
        return fixed(value, 2)
    if unit == "hours":
        return f"{fixed(value, 1)} h"
    return fixed(value, 1)


def format_target(value: float | None, unit: str) -> str:
    return NO_TARGET if value is None else format_value(value, unit)


def format_change(
    unit: str, change_value: float | None, change_rate: float | None, trend: str | None
) -> str:
    """Change vs the baseline: rates in percentage points and scores in points (a relative change
    of a percentage reads ambiguously), other units relative; the arrow is the scorecard's trend."""
    arrow = TREND_ARROWS.get(trend or "", "")
    if unit == "rate" and change_value is not None:
        text = f"{_signed(change_value * 100, 1)} pp"
    elif unit == "score" and change_value is not None:
        text = f"{_signed(change_value, 1)} pts"
    elif change_rate is not None:
        text = f"{_signed(change_rate * 100, 1)}%"
    elif change_value is not None:  # a zero baseline has no relative change
        text = ("+" if change_value >= 0 else "-") + format_value(abs(change_value), unit)
    else:
        return NO_TARGET
    return f"{arrow} {text}".strip()


def format_rate_change(change_rate: float | None) -> str:
    """A relative change, +12.3% (top movers rank by it, whatever the unit)."""
    return NO_TARGET if change_rate is None else f"{_signed(change_rate * 100, 1)}%"


def _signed(value: float, decimals: int) -> str:
    text = fixed(value, decimals)
    return text if text.startswith("-") else f"+{text}"


def met_mark(met: bool | None) -> str:
    """✓ target met, ✗ missed, – no target (or no value)."""
    return NO_TARGET if met is None else ("✓" if met else "✗")


def verdict(improved: bool | None) -> str:
    """Whether a move is good news in the KPI's direction."""
    return "" if improved is None else ("better" if improved else "worse")


def status_mark(status: str | None) -> str:
    """The plain-text status mark of the shared vocabulary: [OFF] [RISK] [ON] [BEAT] ..."""
    return vocabulary.mark(status)


def status_emoji(status: str | None) -> str:
    """🟡 at risk, ⚪ no data ...: the shared vocabulary's colour and words."""
    return f"{vocabulary.emoji(status)} {vocabulary.label(status)}"


def format_band(low: float | None, high: float | None, unit: str, position: str | None = None) -> str:
    """The references' benchmark band and where the value sits: "15.0%–25.0% within"; – without a
    band (the references give none for the KPI)."""
    if low is None or high is None:
        return NO_TARGET
    band = f"{format_value(low, unit)}–{format_value(high, unit)}"
    return f"{band} {position}" if position else band


def format_interim(days: int | None, value: float | None, unit: str, met: bool | None = None) -> str:
    """The interim target in force and whether it is met: "23.4% (90 d) ✗"; – without one (no
    yearly target, or a period before the plan starts)."""
    if days is None or value is None:
        return NO_TARGET
    text = f"{format_value(value, unit)} ({days} d)"
    return text if met is None else f"{text} {met_mark(met)}"


def format_progress(progress: float | None) -> str:
    """Progress from the plan's baseline to the yearly target: 0% at the baseline, 100% at the
    target, beyond 100% past it, negative when worse than the baseline; – when unknown."""
    return NO_TARGET if progress is None else f"{fixed(progress * 100, 0)}%"

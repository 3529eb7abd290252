"""All-access subscriptions: plans, and each subscription's start, renewals, upgrade and cancel.

A subscription bills on the same day of the month (or year) as it started. Monthly subscribers
cancel before a renewal with a constant hazard (~7.5% a month) and annual ones at the anniversary
(~35%), which gives a blended monthly churn of about 5-7% and a real MRR/ARR curve. Some
subscription starts within RECENT_MS of the end, so the export always shows current activity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.datagen.sampling import categorical, position_in_group
from orchestration.datagen.students import Students
from orchestration.datagen.tables import Categorical, EntityTable
from orchestration.datagen.timeline import (
    MS_PER_DAY,
    MS_PER_HOUR,
    MS_PER_MINUTE,
    MS_PER_SECOND,
    Window,
    add_months,
)

# (name, billing period, price in USD cents, months per period, cancel hazard per period, mix)
PLANS = (
    ("Personal Monthly", "monthly", 2_999, 1, 0.095, 0.55),
    ("Personal Annual", "annual", 23_999, 12, 0.35, 0.20),
    ("Pro Monthly", "monthly", 4_499, 1, 0.085, 0.17),
    ("Pro Annual", "annual", 35_999, 12, 0.30, 0.08),
)
UPGRADE_TO = np.array([2, 3, 2, 3])  # Personal -> Pro, same billing period
UPGRADE_PROBABILITY = 0.15
SUBSCRIBER_SHARE = 0.07
SUBSCRIPTION_UPTAKE_GROWTH = 0.7  # log of the yearly growth of a new student's odds to subscribe
RECENT_MS = 6 * MS_PER_HOUR  # some subscription starts this close to the end
EVENT_TYPES = ("start", "renewal", "upgrade", "cancel")
START, RENEWAL, UPGRADE, CANCEL = range(4)


@dataclass(frozen=True)
class Subscriptions:
    """Access spans for subscription enrollments: [start, end) per subscription."""

    student: np.ndarray
    start_ms: np.ndarray
    end_ms: np.ndarray


def build_billing(
    window: Window, students: Students, rng: np.random.Generator
) -> tuple[Subscriptions, dict[str, EntityTable]]:
    n_students = len(students)
    # The all-access plan is a young, fast-growing product: later students are likelier to take it.
    years = (students.signup_ms - window.start_ms) / (365.0 * MS_PER_DAY)
    uptake = np.exp(SUBSCRIPTION_UPTAKE_GROWTH * years)
    subscriber = np.sort(
        rng.choice(n_students, size=round(SUBSCRIBER_SHARE * n_students), replace=False, p=uptake / uptake.sum())
    )
    signup = students.signup_ms[subscriber]
    delay = np.where(
        rng.random(len(subscriber)) < 0.35,
        rng.random(len(subscriber)) * MS_PER_DAY,
        rng.exponential(60 * MS_PER_DAY, len(subscriber)),
    )
    start = signup + (delay // MS_PER_SECOND * MS_PER_SECOND).astype(np.int64)
    start = _recent_start(start, signup, window, rng)
    keep = start < window.end_ms
    subscriber, start = subscriber[keep], start[keep]
    order = np.argsort(start, kind="stable")
    subscriber, start = subscriber[order], start[order]
    n = len(start)

    plan = categorical([p[5] for p in PLANS], n, rng)
    months = np.array([p[3] for p in PLANS])
    hazard = np.array([p[4] for p in PLANS])
    price = np.array([p[2] for p in PLANS])
    periods = rng.geometric(hazard[plan])  # paid periods before the subscriber cancels
    bills_before_end = _count_bills_before(start, months[plan], window.end_ms)
    billed = np.minimum(periods, bills_before_end)

    sub = np.repeat(np.arange(n), billed)
    k = position_in_group(billed)
    bill_ms = add_months(start[sub], k * months[plan[sub]])
    upgrade_at = np.where(
        (UPGRADE_TO[plan] != plan) & (billed >= 2) & (rng.random(n) < UPGRADE_PROBABILITY),
        rng.integers(1, np.maximum(billed, 2)),
        np.iinfo(np.int64).max,
    )
    plan_after = np.where(k >= upgrade_at[sub], UPGRADE_TO[plan[sub]], plan[sub])
    event_type = np.where(k == 0, START, np.where(k == upgrade_at[sub], UPGRADE, RENEWAL))

    # Cancel during the last paid period when the next bill would fall inside the window.
    next_bill = add_months(start, billed * months[plan])
    last_bill = add_months(start, (billed - 1) * months[plan])
    cancels = (billed == periods) & (next_bill < window.end_ms)
    cancel_ms = (
        last_bill
        + (rng.uniform(0.1, 0.95, n) * (next_bill - last_bill)).astype(np.int64)
        // MS_PER_SECOND
        * MS_PER_SECOND
    )
    cancels &= cancel_ms < window.end_ms
    cancelled = np.flatnonzero(cancels)
    final_plan = np.where(billed - 1 >= upgrade_at, UPGRADE_TO[plan], plan)

    all_sub = np.r_[sub, cancelled]
    all_ms = np.r_[bill_ms, cancel_ms[cancelled]]
    all_type = np.r_[event_type, np.full(len(cancelled), CANCEL)]
    all_plan = np.r_[plan_after, final_plan[cancelled]]
    all_amount = np.r_[price[plan_after], np.zeros(len(cancelled), np.int64)]
    by_time = np.lexsort((all_type, all_ms))
    events = EntityTable.build(
        "subscription_events",
        {
            "subscription_event_id": np.arange(1, len(by_time) + 1),
            "subscription_id": all_sub[by_time] + 1,
            "student_id": subscriber[all_sub[by_time]] + 1,
            "plan_id": all_plan[by_time] + 1,
            "event_type": Categorical.of(EVENT_TYPES, all_type[by_time]),
            "occurred_at": all_ms[by_time],
            "amount_usd": all_amount[by_time],
        },
        # The newest events show the source is current: no defect makes them unusable.
        protected=all_ms[by_time] >= window.end_ms - RECENT_MS,
    )
    plans = EntityTable.build(
        "subscription_plans",
        {
            "plan_id": np.arange(1, len(PLANS) + 1),
            "plan_name": Categorical.of([p[0] for p in PLANS], np.arange(len(PLANS))),
            "billing_period": Categorical.of(
                ("monthly", "annual"), np.array([0 if p[1] == "monthly" else 1 for p in PLANS])
            ),
            "price_usd": price,
        },
    )
    access_end = np.minimum(np.where(cancels, next_bill, window.end_ms), window.end_ms)
    return Subscriptions(subscriber, start, access_end), {
        "subscription_plans": plans,
        "subscription_events": events,
    }


def _recent_start(
    start: np.ndarray, signup: np.ndarray, window: Window, rng: np.random.Generator
) -> np.ndarray:
    """Subscriptions start in the last hours before the end: billing is sparse at small scales,
    so when no start falls there, the first subscriber due to start after the end (or, if none,
    the latest to start before it) starts in them instead."""
    recent_from = window.end_ms - RECENT_MS
    position = rng.random()
    if np.any((start >= recent_from) & (start < window.end_ms)):
        return start
    signed_up = signup < window.end_ms - 10 * MS_PER_MINUTE
    due = signed_up & (start >= window.end_ms)
    pool = np.flatnonzero(due if due.any() else signed_up)
    if len(pool) == 0:
        return start
    chosen = pool[np.argmin(np.abs(start[pool] - window.end_ms))]
    earliest = max(recent_from, int(signup[chosen]) + 5 * MS_PER_MINUTE)
    start = start.copy()
    start[chosen] = earliest + int(position * (window.end_ms - earliest)) // MS_PER_SECOND * MS_PER_SECOND
    return start


def _count_bills_before(start: np.ndarray, months: np.ndarray, end_ms: int) -> np.ndarray:
    """How many billing dates (the start included) fall before end_ms."""
    days_left = (end_ms - start) / MS_PER_DAY
    estimate = np.floor(days_left / (months * 30.44)).astype(np.int64) + 2
    count = np.zeros(len(start), dtype=np.int64)
    for k in range(int(estimate.max()) + 1 if len(start) else 0):  # at most ~26 monthly periods
        count += add_months(start, k * months) < end_ms
    return count

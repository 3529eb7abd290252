"""Email marketing: the sends of the email tool with their delivery, opens, clicks and unsubscribes.

Students who opted in (OPT_IN_SHARE of them) receive a weekly newsletter (Tuesdays), promotions
around the seasonal peaks, a launch email the day after courses go live, and a
re-engagement email to the quiet part of the list each month. New students get an onboarding email
the hour after they sign up: the tool logs the flow's run every hour (with no recipients in an
hour nobody signed up), so the export is current to the hour. Opens and clicks are binomial draws
around each type's rates (onboarding opens best, re-engagement worst), which puts the list's open
rate near the reference's 25-35% and the click rate near 4%.

The onboarding flow's day (to ONBOARDING_HOUR) is drawn as one send, its audience and engagement
with one noise factor, and then shared out over the day's 24 hourly runs by the hour each student
signed up in: the email KPIs see a day's totals as drawn for a daily send (a month's totals move
only by the hours a day spans across the month's first day), and adding the hourly runs changed
no other draw of the dataset.
"""

from __future__ import annotations

import numpy as np

from orchestration.datagen.tables import Categorical, EntityTable
from orchestration.datagen.timeline import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Window, civil_from_days

OPT_IN_SHARE = 0.6
BOUNCE_RATE = 0.015
UNSUBSCRIBE_RATE = 0.002
EMAIL_TYPES = ("newsletter", "promotion", "course_launch", "reengagement", "onboarding")
NEWSLETTER, PROMOTION, COURSE_LAUNCH, REENGAGEMENT, ONBOARDING = range(5)
OPEN_RATE = (0.33, 0.27, 0.38, 0.16, 0.55)
CLICK_TO_OPEN = (0.10, 0.16, 0.14, 0.09, 0.20)
REENGAGEMENT_SHARE = 0.3  # of the list, the quiet students a re-engagement email goes to
PROMOTION_MONTHS = (1, 9, 11)  # January, back to school, Black Friday
ONBOARDING_HOUR = 6  # the hour of the day the onboarding flow's day ends
SEND_HOUR = 10
HOURS_A_DAY = 24
MEASURES = ("recipients", "delivered", "unique_opens", "unique_clicks", "unsubscribes")
# what each measure counts a part of: an hour's share of it is drawn among that hour's holders
COUNTED_FROM = {"delivered": "recipients", "unique_opens": "delivered", "unique_clicks": "unique_opens",
                "unsubscribes": "delivered"}


def build_email_sends(
    window: Window, signup_ms: np.ndarray, launch_days: np.ndarray, rng: np.random.Generator
) -> EntityTable:
    """`signup_ms`: every student's signup instant; `launch_days`: the first UTC day (since the
    epoch) each course could be bought."""
    days = np.arange(window.start_day, (window.end_ms - 1) // MS_PER_DAY + 1)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday: Monday is 0
    _, month, day_of_month = civil_from_days(days)
    launches = np.unique(launch_days + 1)  # the day after a launch, one email however many launched
    sends = [
        (days[weekday == 1], NEWSLETTER),
        (days[np.isin(month, PROMOTION_MONTHS) & (weekday == 4)], PROMOTION),
        (launches[np.isin(launches, days)], COURSE_LAUNCH),
        (days[day_of_month == 15], REENGAGEMENT),
        (days, ONBOARDING),
    ]
    day = np.concatenate([d for d, _ in sends])
    kind = np.concatenate([np.full(len(d), k) for d, k in sends])
    hour = np.where(kind == ONBOARDING, ONBOARDING_HOUR, SEND_HOUR)
    sent = day * MS_PER_DAY + hour * MS_PER_HOUR + rng.integers(0, 30, len(day)) * MS_PER_MINUTE
    keep = (sent >= window.start_ms) & (sent < window.end_ms)
    sent, kind = sent[keep], kind[keep]
    order = np.lexsort((kind, sent))
    sent, kind = sent[order], kind[order]

    signups = np.sort(signup_ms)
    signed_up = np.searchsorted(signups, sent)  # students signed up before the send
    new_in_day = _signed_up_within(signups, sent, MS_PER_DAY)
    list_size = rng.binomial(signed_up, OPT_IN_SHARE)
    audience = np.where(
        kind == ONBOARDING,
        rng.binomial(new_in_day, OPT_IN_SHARE),
        np.where(kind == REENGAGEMENT, (list_size * REENGAGEMENT_SHARE).astype(np.int64), list_size),
    )
    # a list send with nobody to send to does not happen; the onboarding flow logs every run
    sent_any = (audience > 0) | (kind == ONBOARDING)
    sent, kind, audience = sent[sent_any], kind[sent_any], audience[sent_any]
    measures = np.column_stack([audience, *_engagement(audience, kind, rng)])

    daily = kind == ONBOARDING
    hourly_sent, hourly = onboarding_by_hour(sent[daily], measures[daily], signups, rng)
    last_day_end = sent[daily].max() if daily.any() else window.start_day * MS_PER_DAY - MS_PER_DAY
    trailing_sent, trailing = _onboarding_after(last_day_end, window, signups, rng)
    sent = np.concatenate([sent[~daily], hourly_sent, trailing_sent])
    kind = np.concatenate([kind[~daily], np.full(len(hourly_sent) + len(trailing_sent), ONBOARDING)])
    measures = np.concatenate([measures[~daily], hourly, trailing])
    inside = (sent >= window.start_ms) & (sent < window.end_ms)
    order = np.lexsort((kind[inside], sent[inside]))
    sent, kind, measures = sent[inside][order], kind[inside][order], measures[inside][order]

    names = np.array([t.replace("_", " ").capitalize() for t in EMAIL_TYPES])
    return EntityTable.build(
        "email_sends",
        {
            "email_id": np.arange(1, len(sent) + 1),
            "email_type": Categorical.of(EMAIL_TYPES, kind),
            "subject": Categorical.of(tuple(names), kind),
            "sent_at": sent,
            **{name: measures[:, i] for i, name in enumerate(MEASURES)},
        },
        protected=sent >= window.end_ms - MS_PER_DAY,
    )


def _engagement(
    audience: np.ndarray, kind: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Delivered, unique opens, unique clicks and unsubscribes of sends to `audience` recipients."""
    delivered = audience - rng.binomial(audience, BOUNCE_RATE)
    noise = np.clip(rng.normal(1, 0.08, len(audience)), 0.7, 1.3)
    opens = rng.binomial(delivered, np.clip(np.array(OPEN_RATE)[kind] * noise, 0, 1))
    clicks = rng.binomial(opens, np.array(CLICK_TO_OPEN)[kind])
    unsubscribes = rng.binomial(delivered, UNSUBSCRIBE_RATE)
    return delivered, opens, clicks, unsubscribes


def hour_ends(day_end: int) -> np.ndarray:
    """The ends of the 24 hourly runs making up the onboarding day that ends at `day_end`."""
    return day_end - MS_PER_DAY + np.arange(1, HOURS_A_DAY + 1) * MS_PER_HOUR


def onboarding_by_hour(
    day_ends: np.ndarray, day_measures: np.ndarray, signups: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Each onboarding day's measures shared out over its hourly runs: the recipients by the hour
    they signed up in, then each measure among the hours' holders of the one it counts from
    (delivered among recipients, opens among delivered, ...), so every hour stays consistent."""
    sent = np.concatenate([hour_ends(end) for end in day_ends]) if len(day_ends) else np.zeros(0, np.int64)
    shares = np.zeros((len(sent), len(MEASURES)), dtype=np.int64)
    for i in range(len(day_ends)):
        hours = slice(i * HOURS_A_DAY, (i + 1) * HOURS_A_DAY)
        new_students = _signed_up_within(signups, sent[hours], MS_PER_HOUR)
        for m, name in enumerate(MEASURES):
            pool = new_students if name == "recipients" else shares[hours, MEASURES.index(COUNTED_FROM[name])]
            shares[hours, m] = rng.multivariate_hypergeometric(pool, int(day_measures[i, m]))
    return sent, shares


def _onboarding_after(
    day_end: int, window: Window, signups: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """The hourly runs after the window's last whole onboarding day, each drawn on its own."""
    sent = hour_ends(day_end + MS_PER_DAY)
    sent = sent[sent < window.end_ms]
    audience = rng.binomial(_signed_up_within(signups, sent, MS_PER_HOUR), OPT_IN_SHARE)
    kind = np.full(len(sent), ONBOARDING)
    return sent, np.column_stack([audience, *_engagement(audience, kind, rng)]).astype(np.int64)


def _signed_up_within(signups: np.ndarray, ends: np.ndarray, span_ms: int) -> np.ndarray:
    """How many students (sorted signup instants) signed up in the `span_ms` before each end."""
    return np.searchsorted(signups, ends) - np.searchsorted(signups, ends - span_ms)

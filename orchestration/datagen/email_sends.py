"""Email marketing: the sends of the email tool with their delivery, opens, clicks and unsubscribes.

Students who opted in (OPT_IN_SHARE of them) receive a weekly newsletter (Tuesdays), promotions
around the seasonal peaks, a launch email the day after courses go live, and a
re-engagement email to the quiet part of the list each month. New students get a daily onboarding
digest the morning after they sign up, a run the tool logs every day (with no recipients on a day
nobody signed up), so the export is current every morning. Opens and clicks
are binomial draws around each type's rates (onboarding opens best, re-engagement worst), which
puts the list's open rate near the reference's 25-35% and the click rate near 4%.
"""

from __future__ import annotations

import numpy as np

from orchestration.datagen.students import Students
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
ONBOARDING_HOUR = 6
SEND_HOUR = 10


def build_email_sends(
    window: Window, students: Students, launch_days: np.ndarray, rng: np.random.Generator
) -> EntityTable:
    """`launch_days`: the first UTC day (since the epoch) each course could be bought."""
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

    signed_up = np.searchsorted(np.sort(students.signup_ms), sent)  # students signed up before the send
    new_yesterday = signed_up - np.searchsorted(np.sort(students.signup_ms), sent - MS_PER_DAY)
    list_size = rng.binomial(signed_up, OPT_IN_SHARE)
    audience = np.where(
        kind == ONBOARDING,
        rng.binomial(new_yesterday, OPT_IN_SHARE),
        np.where(kind == REENGAGEMENT, (list_size * REENGAGEMENT_SHARE).astype(np.int64), list_size),
    )
    # a list send with nobody to send to does not happen; the onboarding flow logs its daily run
    # even when nobody signed up the day before
    sent_any = (audience > 0) | (kind == ONBOARDING)
    sent, kind, audience = sent[sent_any], kind[sent_any], audience[sent_any]
    delivered = audience - rng.binomial(audience, BOUNCE_RATE)
    noise = np.clip(rng.normal(1, 0.08, len(sent)), 0.7, 1.3)
    opens = rng.binomial(delivered, np.clip(np.array(OPEN_RATE)[kind] * noise, 0, 1))
    clicks = rng.binomial(opens, np.array(CLICK_TO_OPEN)[kind])
    unsubscribes = rng.binomial(delivered, UNSUBSCRIBE_RATE)
    names = np.array([t.replace("_", " ").capitalize() for t in EMAIL_TYPES])
    return EntityTable.build(
        "email_sends",
        {
            "email_id": np.arange(1, len(sent) + 1),
            "email_type": Categorical.of(EMAIL_TYPES, kind),
            "subject": Categorical.of(tuple(names), kind),
            "sent_at": sent,
            "recipients": audience,
            "delivered": delivered,
            "unique_opens": opens,
            "unique_clicks": clicks,
            "unsubscribes": unsubscribes,
        },
        protected=sent >= window.end_ms - MS_PER_DAY,
    )


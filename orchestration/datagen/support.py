"""Support desk tickets from enrolled students.

A ticket comes from an enrollment while the student is learning: weaker courses and the first
days of an enrollment bring more of them, so tickets follow the enrollments' seasons. Agents
answer chat within minutes, the web form and email within hours, faster by priority and slower at
night and on weekends (UTC business hours); a ticket is solved some hours after its first answer
and closed a week after that. Students rate about a third of the solved tickets, higher when the
first answer came fast. Tickets still open at the end of the window have no answer or resolution
yet, as an export taken that day shows them, and some ticket is always opened in the last hours
before the end (RECENT_MS), so the export shows a desk that is current.
"""

from __future__ import annotations

import numpy as np

from orchestration.datagen.catalog import Catalog
from orchestration.datagen.feedback import scores_by_rank
from orchestration.datagen.learning import Enrollments
from orchestration.datagen.sampling import categorical
from orchestration.datagen.tables import Categorical, EntityTable
from orchestration.datagen.timeline import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND, Window

TICKET_CHANCE = 0.035  # per enrollment, for a course of average quality
CHANNELS = ("chat", "email", "web_form")
CHANNEL_MIX = (0.45, 0.35, 0.20)
CHANNEL_MEDIAN_RESPONSE_HOURS = (0.15, 1.2, 1.0)
TOPICS = ("technical", "course_content", "access", "billing", "refund", "other")
TOPIC_MIX = (0.30, 0.25, 0.15, 0.15, 0.10, 0.05)
PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_MIX = (0.25, 0.55, 0.15, 0.05)
PRIORITY_SPEED = (1.4, 1.0, 0.6, 0.3)  # response time factor
STATUSES = ("open", "pending", "solved", "closed")
OPEN, PENDING, SOLVED, CLOSED = range(4)
CLOSE_AFTER_MS = 7 * MS_PER_DAY
RATED_SHARE = 0.35
SATISFACTION_DISTRIBUTION = (0.03, 0.03, 0.08, 0.28, 0.58)  # 1..5
RECENT_MS = 6 * MS_PER_HOUR


def off_hours_delay(created_ms: np.ndarray) -> np.ndarray:
    """Milliseconds until the desk is staffed: weekdays 07:00-22:00 UTC, weekends 09:00-18:00."""
    day_ms = created_ms % MS_PER_DAY
    weekday = (created_ms // MS_PER_DAY + 3) % 7  # 1970-01-01 was a Thursday: Monday is 0
    weekend = weekday >= 5
    opens = np.where(weekend, 9, 7) * MS_PER_HOUR
    closes = np.where(weekend, 18, 22) * MS_PER_HOUR
    before = day_ms < opens
    after = day_ms >= closes
    next_opens = np.where((weekday == 4) | (weekday == 5), 9, 7) * MS_PER_HOUR  # Sat, Sun open at 9
    return np.where(before, opens - day_ms, np.where(after, MS_PER_DAY - day_ms + next_opens, 0))


def build_tickets(
    window: Window, enrollments: Enrollments, catalog: Catalog, rng: np.random.Generator
) -> EntityTable:
    quality = catalog.quality[enrollments.course]
    chance = TICKET_CHANCE * np.exp(-0.8 * quality)
    rows = np.flatnonzero(rng.random(len(chance)) < chance)
    learning_ms = np.maximum(enrollments.last_activity_ms[rows] - enrollments.enrolled_ms[rows], MS_PER_HOUR)
    created = enrollments.enrolled_ms[rows] + np.minimum(
        rng.exponential(3 * MS_PER_DAY, len(rows)), learning_ms + 2 * MS_PER_DAY
    ).astype(np.int64)
    created = created // MS_PER_SECOND * MS_PER_SECOND
    keep = created < window.end_ms
    rows, created = _with_recent_ticket(rows[keep], created[keep], enrollments, window, rng)
    order = np.argsort(created, kind="stable")
    rows, created = rows[order], created[order]
    n = len(rows)

    channel = categorical(CHANNEL_MIX, n, rng)
    topic = categorical(TOPIC_MIX, n, rng)
    priority = categorical(PRIORITY_MIX, n, rng)
    median_ms = np.array(CHANNEL_MEDIAN_RESPONSE_HOURS)[channel] * np.array(PRIORITY_SPEED)[priority] * MS_PER_HOUR
    work_ms = (median_ms * rng.lognormal(0, 0.8, n)).astype(np.int64) + MS_PER_MINUTE
    responded = created + off_hours_delay(created) + work_ms
    responded = responded // MS_PER_SECOND * MS_PER_SECOND
    resolved = responded + (rng.lognormal(np.log(18), 1.0, n) * MS_PER_HOUR).astype(np.int64)
    resolved = resolved // MS_PER_SECOND * MS_PER_SECOND
    has_response = responded < window.end_ms
    is_resolved = resolved < window.end_ms
    status = np.where(
        is_resolved,
        np.where(resolved + CLOSE_AFTER_MS < window.end_ms, CLOSED, SOLVED),
        np.where(has_response, PENDING, OPEN),
    )

    response_hours = (responded - created) / MS_PER_HOUR
    latent = -np.log1p(response_hours) + 0.5 * quality[rows] + rng.normal(0, 1, n)
    rated = is_resolved & (rng.random(n) < RATED_SHARE)
    score = np.zeros(n, dtype=np.int64)
    score[rated] = scores_by_rank(latent[rated], SATISFACTION_DISTRIBUTION, 1)

    return EntityTable.build(
        "tickets",
        {
            "ticket_id": np.arange(1, n + 1),
            "student_id": enrollments.student[rows] + 1,
            "course_id": enrollments.course[rows] + 1,
            "channel": Categorical.of(CHANNELS, channel),
            "topic": Categorical.of(TOPICS, topic),
            "priority": Categorical.of(PRIORITIES, priority),
            "status": Categorical.of(STATUSES, status),
            "created_at": created,
            "first_response_at": responded,
            "resolved_at": resolved,
            "satisfaction_score": score,
        },
        nulls={
            "first_response_at": ~has_response,
            "resolved_at": ~is_resolved,
            "satisfaction_score": ~rated,
        },
        # The newest tickets show the desk is current: no defect makes them unusable.
        protected=created >= window.end_ms - RECENT_MS,
    )


def _with_recent_ticket(
    rows: np.ndarray, created: np.ndarray, enrollments: Enrollments, window: Window, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Tickets are sparse at small scales: when none is opened in the last hours before the end,
    the student of the newest enrollment opens one in them."""
    recent_from = window.end_ms - RECENT_MS
    position = rng.random()
    if np.any(created >= recent_from):
        return rows, created
    eligible = np.flatnonzero(enrollments.enrolled_ms < window.end_ms - 10 * MS_PER_MINUTE)
    if len(eligible) == 0:
        return rows, created
    chosen = eligible[np.argmax(enrollments.enrolled_ms[eligible])]
    earliest = max(recent_from, int(enrollments.enrolled_ms[chosen]) + 5 * MS_PER_MINUTE)
    at = earliest + int(position * (window.end_ms - earliest)) // MS_PER_SECOND * MS_PER_SECOND
    return np.r_[rows, chosen], np.r_[created, at]

"""Enrollments, the learning activity in them, and certificates of completion.

Each enrollment is played forward lesson by lesson in study sessions: a session starts at a local
hour of the student's evening-heavy rhythm, lessons follow each other within it, and days pass
between sessions. About a fifth of enrollments reach the last lesson; of the rest some never start
and most stop after a few lessons. How far non-finishers get is set so that the event count
matches its target. Progress and completion are then read back from the lesson_complete events
that happened before the window ended, so the enrollment export agrees with the activity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.datagen.billing import Subscriptions
from orchestration.datagen.catalog import ASSIGNMENT, QUIZ, READING, VIDEO, Catalog
from orchestration.datagen.geo import ZoneOffsets
from orchestration.datagen.incidents import AFFECTED_COURSE_SHARE, COMPLETION_FACTOR, Incident
from orchestration.datagen.orders import NEVER, Purchases, resolve_repeats
from orchestration.datagen.sampling import exclusive_cumsum_by_group, position_in_group, random_hex_ids
from orchestration.datagen.tables import Categorical, EntityTable, fixed_width_text
from orchestration.datagen.timeline import (
    LEARNING_HOURS,
    MS_PER_DAY,
    MS_PER_MINUTE,
    MS_PER_SECOND,
    Window,
    sample_time_of_day_ms,
)

ACCESS_TYPES = ("purchase", "subscription")
EVENT_TYPES = ("lesson_start", "video_progress", "lesson_complete", "quiz_submit", "assignment_submit")
LESSON_START, VIDEO_PROGRESS, LESSON_COMPLETE, QUIZ_SUBMIT, ASSIGNMENT_SUBMIT = range(5)
BASE_COMPLETION = 0.225
SUBSCRIPTION_COMPLETION_FACTOR = 0.6
NEVER_START = 0.08  # of enrollments that do not finish
STARTER_CONCENTRATION = 3.0  # Beta concentration of how far non-finishers get (lower: more spread)
ABANDON_MID_LESSON = 0.7
# Assignments are optional, as on the big marketplaces: a student can work through the lesson and
# mark it complete without submitting. Submitted / reached then lands near 70% (benchmark 60-80%).
ASSIGNMENT_SUBMISSION = 0.72
NEW_SESSION = 0.35  # chance the next lesson waits for another day
CERTIFICATE_SHARE = 0.92
SUBSCRIPTION_COURSES_PER_MONTH = (2.0, 0.6)  # gamma shape, scale
PASS_SCORE = 60.0


@dataclass(frozen=True)
class Enrollments:
    """What feedback needs: per enrollment (index i is enrollment_id i + 1)."""

    student: np.ndarray
    course: np.ndarray
    enrolled_ms: np.ndarray
    completed_ms: np.ndarray  # NEVER when not completed
    last_activity_ms: np.ndarray  # enrolled_ms when nothing happened yet
    completed_lessons: np.ndarray


def _subscription_enrollments(
    window: Window,
    subscriptions: Subscriptions,
    purchases: Purchases,
    catalog: Catalog,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(student, course, enrolled ms) of courses subscribers take, never one they bought."""
    span = subscriptions.end_ms - subscriptions.start_ms
    rate = rng.gamma(*SUBSCRIPTION_COURSES_PER_MONTH, len(span))
    count = rng.poisson(rate * span / (30.44 * MS_PER_DAY))
    sub = np.repeat(np.arange(len(span)), count)
    enrolled = (
        subscriptions.start_ms[sub]
        + (rng.random(len(sub)) * span[sub]).astype(np.int64) // MS_PER_SECOND * MS_PER_SECOND
    )
    enrolled = np.minimum(enrolled, window.end_ms - MS_PER_SECOND)
    order = np.argsort(enrolled, kind="stable")
    sub, enrolled = sub[order], enrolled[order]
    student = subscriptions.student[sub]
    day = enrolled // MS_PER_DAY
    course = catalog.pick(day, rng)
    taken = purchases.student * catalog.n_courses + purchases.course
    unresolved = resolve_repeats(student, course, day, catalog, rng, taken=taken)
    return student[~unresolved], course[~unresolved], enrolled[~unresolved]


def _completed_lessons(
    n_lessons: np.ndarray,
    submits: np.ndarray,
    completer: np.ndarray,
    target_events: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """(lessons completed, lessons touched) per enrollment, sized to the event budget."""
    finisher_events = np.sum((2 * n_lessons + submits)[completer])  # start + complete (+ submission)
    starters = ~completer & (rng.random(len(n_lessons)) >= NEVER_START)
    per_starter = (target_events - finisher_events) / max(int(starters.sum()), 1)
    # A starter who completes c lessons emits ~2.2 events per lesson, plus ~1.2 for the lesson
    # left half-way (a start, often video progress or a failed quiz, in 70% of cases).
    mean_completed = max((per_starter - 1.2) / 2.2, 0.3)
    # Starters who drop out do so anywhere in the course: the share of it they complete is
    # Beta-distributed, with the mean that spends the event budget.
    share = np.clip(
        mean_completed / max(float(np.mean(n_lessons[starters] - 1)) if starters.any() else 1.0, 1.0), 0.02, 0.95
    )
    fraction = rng.beta(share * STARTER_CONCENTRATION, (1 - share) * STARTER_CONCENTRATION, len(n_lessons))
    completed = np.minimum(np.round(fraction * (n_lessons - 1)).astype(np.int64), n_lessons - 1)
    completed = np.where(completer, n_lessons, np.where(starters, completed, 0))
    abandons = starters & (rng.random(len(n_lessons)) < ABANDON_MID_LESSON)
    return completed, completed + abandons


def _lesson_durations_ms(
    lesson_type: np.ndarray, video_s: np.ndarray, finished: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Time spent in each lesson: most of a video when finished, a fraction when left half-way."""
    n = len(lesson_type)
    watched = np.where(finished, rng.uniform(0.75, 1.0, n), rng.uniform(0.05, 0.6, n))
    seconds = np.select(
        [lesson_type == VIDEO, lesson_type == READING, lesson_type == QUIZ],
        [np.maximum(video_s * watched, 30), rng.uniform(120, 900, n), rng.uniform(180, 900, n)],
        rng.uniform(600, 3600, n),
    )
    seconds = np.where(
        ~finished & (lesson_type != VIDEO) & (lesson_type != QUIZ), rng.uniform(30, 300, n), seconds
    )
    return (seconds * 1000).astype(np.int64)


def _session_starts(
    enrollment: np.ndarray,
    new_session: np.ndarray,
    lesson_ms: np.ndarray,
    enrolled_ms: np.ndarray,
    zone: np.ndarray,
    offsets: ZoneOffsets,
    rng: np.random.Generator,
) -> np.ndarray:
    """Start of the study session each lesson row belongs to (rows grouped by enrollment, in order).

    A session is planned on a later local day at a local hour; if the previous session ran late
    it starts after it instead (a segmented running max keeps sessions in order).
    """
    session_rows = np.flatnonzero(new_session)
    e = enrollment[session_rows]
    first = np.r_[True, e[1:] != e[:-1]]
    immediate = first & (rng.random(len(e)) < 0.55)
    gap_days = np.where(
        first, 1 + rng.geometric(0.5, len(e)) - 1, 1 + np.floor(rng.exponential(2.5, len(e))).astype(np.int64)
    )
    gap_days = np.where(immediate, 0, gap_days)
    local_enrolled_day = (
        enrolled_ms[e] + offsets.offset_seconds(zone[e], enrolled_ms[e]) * 1000
    ) // MS_PER_DAY
    day = local_enrolled_day + exclusive_cumsum_by_group(gap_days, e) + gap_days
    planned = offsets.to_utc(zone[e], day * MS_PER_DAY + sample_time_of_day_ms(LEARNING_HOURS, len(e), rng))
    planned = np.where(immediate, enrolled_ms[e] + rng.integers(30, 600, len(e)) * MS_PER_SECOND, planned)
    planned = np.maximum(planned, enrolled_ms[e] + 30 * MS_PER_SECOND)

    session_of_row = np.cumsum(new_session) - 1
    session_length = (
        np.bincount(session_of_row, weights=lesson_ms, minlength=len(e)).astype(np.int64) + 10 * MS_PER_MINUTE
    )
    before = exclusive_cumsum_by_group(session_length, e)
    segment = np.cumsum(first) - 1
    shift = 10**12  # larger than any in-enrollment span, so the running max never crosses enrollments
    relative = planned - before - enrolled_ms[e] + segment * shift
    start = np.maximum.accumulate(relative) - segment * shift + before + enrolled_ms[e]
    return start[session_of_row]


def _all_enrollments(
    window: Window,
    purchases: Purchases,
    subscriptions: Subscriptions,
    catalog: Catalog,
    rng: np.random.Generator,
) -> tuple[np.ndarray, ...]:
    """(student, course, enrolled ms, access type, order item id or 0) of every enrollment, in time order."""
    sub_student, sub_course, sub_enrolled = _subscription_enrollments(
        window, subscriptions, purchases, catalog, rng
    )
    columns = (
        np.r_[purchases.student, sub_student],
        np.r_[purchases.course, sub_course],
        np.r_[purchases.enrolled_ms, sub_enrolled],
        np.r_[np.zeros(len(purchases.student), np.int64), np.ones(len(sub_student), np.int64)],
        np.r_[purchases.order_item_id, np.zeros(len(sub_student), np.int64)],
    )
    chronological = np.argsort(columns[2], kind="stable")
    return tuple(c[chronological] for c in columns)


@dataclass(frozen=True)
class _LessonRows:
    """One row per lesson an enrollment touches, in order within each enrollment."""

    enrollment: np.ndarray
    lesson: np.ndarray
    lesson_type: np.ndarray
    finished: np.ndarray
    duration_ms: np.ndarray
    start_ms: np.ndarray

    @property
    def end_ms(self) -> np.ndarray:
        return self.start_ms + self.duration_ms


def _lesson_rows(
    course: np.ndarray,
    enrolled: np.ndarray,
    zone: np.ndarray,
    planned_done: np.ndarray,
    touched: np.ndarray,
    catalog: Catalog,
    offsets: ZoneOffsets,
    rng: np.random.Generator,
) -> _LessonRows:
    enrollment = np.repeat(np.arange(len(course)), touched)
    position = position_in_group(touched)
    lesson = catalog.lesson_start[course[enrollment]] + position
    lesson_type = catalog.lesson_type[lesson]
    finished = position < planned_done[enrollment]
    duration = _lesson_durations_ms(lesson_type, catalog.lesson_video_s[lesson], finished, rng)
    pause = rng.integers(5, 120, len(lesson)) * MS_PER_SECOND
    new_session = (position == 0) | (rng.random(len(lesson)) < NEW_SESSION)
    session_start = _session_starts(enrollment, new_session, duration + pause, enrolled, zone, offsets, rng)
    session = np.cumsum(new_session) - 1
    start = (
        session_start
        + exclusive_cumsum_by_group(duration + pause, session)
        + rng.integers(0, 1000, len(lesson))
    )
    return _LessonRows(enrollment, lesson, lesson_type, finished, duration, start)


def _events(
    window: Window, rows: _LessonRows, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lesson row, event type, occurred ms) of the events that happened before the window ended,
    in time order: a start for every lesson touched, a submission for quizzes and for most
    finished assignments, progress for a video left half-way, a completion for every finished lesson."""
    submits_assignment = rows.finished & (rng.random(len(rows.lesson)) < ASSIGNMENT_SUBMISSION)
    submitted = np.flatnonzero(
        (rows.lesson_type == QUIZ) | ((rows.lesson_type == ASSIGNMENT) & submits_assignment)
    )
    abandoned_video = np.flatnonzero((rows.lesson_type == VIDEO) & ~rows.finished)
    finished = np.flatnonzero(rows.finished)
    row = np.concatenate([np.arange(len(rows.lesson)), submitted, abandoned_video, finished])
    event_type = np.concatenate(
        [
            np.full(len(rows.lesson), LESSON_START),
            np.where(rows.lesson_type[submitted] == QUIZ, QUIZ_SUBMIT, ASSIGNMENT_SUBMIT),
            np.full(len(abandoned_video), VIDEO_PROGRESS),
            np.full(len(finished), LESSON_COMPLETE),
        ]
    )
    end = rows.end_ms
    occurred = np.concatenate(
        [
            rows.start_ms,
            end[submitted] - 2 * MS_PER_SECOND,
            end[abandoned_video],
            end[finished] + MS_PER_SECOND,
        ]
    ) + rng.integers(0, 1000, len(row))
    happened = np.flatnonzero(occurred < window.end_ms)
    happened = happened[np.argsort(occurred[happened], kind="stable")]
    return row[happened], event_type[happened], occurred[happened]


def build_learning(
    window: Window,
    purchases: Purchases,
    subscriptions: Subscriptions,
    catalog: Catalog,
    zone_of_student: np.ndarray,
    offsets: ZoneOffsets,
    target_events: int,
    rng: np.random.Generator,
    course_update: Incident | None = None,
) -> tuple[Enrollments, dict[str, EntityTable]]:
    student, course, enrolled, access, order_item = _all_enrollments(
        window, purchases, subscriptions, catalog, rng
    )
    n = len(student)

    # ---- how far each enrollment gets, then the lessons and events that takes
    n_lessons = catalog.lesson_count[course]
    lesson_is_submit = (catalog.lesson_type == QUIZ) | (catalog.lesson_type == ASSIGNMENT)
    course_of_lesson = np.repeat(np.arange(catalog.n_courses), catalog.lesson_count)
    submits_per_course = np.bincount(course_of_lesson, weights=lesson_is_submit, minlength=catalog.n_courses)
    p_complete = BASE_COMPLETION * np.exp(0.5 * catalog.quality[course]) * (14 / n_lessons) ** 0.3
    p_complete *= np.where(access == 1, SUBSCRIPTION_COMPLETION_FACTOR, 1.0)
    if course_update is not None:  # planted incident: the updated courses lose half their finishers
        popular = catalog.popularity >= np.quantile(catalog.popularity, 1 - AFFECTED_COURSE_SHARE)
        hit = popular[course] & course_update.covers(enrolled)
        p_complete = np.where(hit, p_complete * COMPLETION_FACTOR, p_complete)
    completer = rng.random(n) < np.minimum(p_complete, 0.9)
    planned_done, touched = _completed_lessons(
        n_lessons, submits_per_course[course], completer, target_events, rng
    )
    rows = _lesson_rows(
        course, enrolled, zone_of_student[student], planned_done, touched, catalog, offsets, rng
    )
    row, event_type, occurred = _events(window, rows, rng)

    is_submit = (event_type == QUIZ_SUBMIT) | (event_type == ASSIGNMENT_SUBMIT)
    passed = rows.finished[row]
    score = np.round(
        np.where(passed, rng.uniform(PASS_SCORE, 100, len(row)), rng.uniform(10, PASS_SCORE - 0.1, len(row))),
        1,
    )
    watched = (event_type == VIDEO_PROGRESS) | (
        (event_type == LESSON_COMPLETE) & (rows.lesson_type[row] == VIDEO)
    )
    event_enrollment = rows.enrollment[row]
    activity = EntityTable.build(
        "lesson_activity",
        {
            "event_id": fixed_width_text(
                random_hex_ids(np.arange(len(row)), 14, salt=0xE7E27, prefix=b"ev_")
            ),
            "enrollment_id": event_enrollment + 1,
            "lesson_id": rows.lesson[row] + 1,
            "event_type": Categorical.of(EVENT_TYPES, event_type),
            "occurred_at": occurred,
            "video_seconds_watched": np.where(watched, rows.duration_ms[row] // 1000, 0),
            "score": np.where(is_submit, score, np.nan),
        },
        protected=event_type == LESSON_COMPLETE,  # progress_pct is counted from these
    )

    # ---- progress and completion as the activity shows them
    done = event_type == LESSON_COMPLETE
    completed_lessons = np.bincount(event_enrollment[done], minlength=n)
    last_done = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_done, event_enrollment[done], occurred[done])
    completed_ms = np.where(completed_lessons == n_lessons, last_done, NEVER)
    last_activity = enrolled.copy()
    np.maximum.at(last_activity, event_enrollment, occurred)
    enrollments = EntityTable.build(
        "enrollments",
        {
            "enrollment_id": np.arange(1, n + 1),
            "student_id": student + 1,
            "course_id": course + 1,
            "order_item_id": order_item,
            "access_type": Categorical.of(ACCESS_TYPES, access),
            "enrolled_at": enrolled,
            "progress_pct": np.round(100.0 * completed_lessons / n_lessons, 2),
            "completed_at": np.where(completed_ms < NEVER, completed_ms, 0),
        },
        nulls={"order_item_id": access == 1, "completed_at": completed_ms == NEVER},
    )
    summary = Enrollments(student, course, enrolled, completed_ms, last_activity, completed_lessons)
    tables = {
        "enrollments": enrollments,
        "lesson_activity": activity,
        "certificates": _certificates(window, completed_ms, rng),
    }
    return summary, tables


def _certificates(window: Window, completed_ms: np.ndarray, rng: np.random.Generator) -> EntityTable:
    candidates = np.flatnonzero((completed_ms < NEVER) & (rng.random(len(completed_ms)) < CERTIFICATE_SHARE))
    issued = completed_ms[candidates] + rng.integers(5 * 60, 6 * 3600, len(candidates)) * MS_PER_SECOND
    keep = issued < window.end_ms
    candidates, issued = candidates[keep], issued[keep]
    order = np.argsort(issued, kind="stable")
    return EntityTable.build(
        "certificates",
        {
            "certificate_id": np.arange(1, len(candidates) + 1),
            "enrollment_id": candidates[order] + 1,
            "issued_at": issued[order],
        },
    )

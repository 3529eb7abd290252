"""Enrollments, the learning activity in them, and certificates of completion.

Each enrollment is played forward lesson by lesson in study sessions: a session starts at a local
hour of the student's evening-heavy rhythm, lessons follow each other within it, and days pass
between sessions. About a fifth of enrollments reach the last lesson; of the rest some never start
and most stop after a few lessons. How far non-finishers get is set so that the event count
matches its target. Progress and completion are then read back from the lesson_complete events
that happened before the window ended, so the enrollment export agrees with the activity.

Enrollments are played forward a block at a time and their events spilled by month (spill.py);
each whole-table draw is a stream (sampling.stream_ahead), so the values are those of one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orchestration.datagen.billing import Subscriptions
from orchestration.datagen.catalog import ASSIGNMENT, QUIZ, READING, VIDEO, Catalog
from orchestration.datagen.geo import ZoneOffsets
from orchestration.datagen.incidents import AFFECTED_COURSE_SHARE, COMPLETION_FACTOR, Incident
from orchestration.datagen.orders import NEVER, Purchases, resolve_repeats
from orchestration.datagen.sampling import (
    Draw,
    DrawStream,
    exclusive_cumsum_by_group,
    group_starts,
    position_in_group,
    random_hex_ids,
    stream_ahead,
)
from orchestration.datagen.spill import Layout, MonthSpill, SpilledTable, blocks
from orchestration.datagen.tables import Categorical, EntityTable, Keep, fixed_width_text, in_memory
from orchestration.datagen.timeline import (
    LEARNING_HOURS,
    MS_PER_DAY,
    MS_PER_MINUTE,
    MS_PER_SECOND,
    Window,
    time_of_day_draws,
    time_of_day_ms,
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
LESSON_BLOCK_ROWS = 250_000  # lesson rows played forward at a time (each makes ~2.2 events)


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


# The per-row draws in the order they are taken from the stream: reordering them changes every dataset.
DURATION_DRAWS: tuple[Draw, ...] = (
    lambda r, k: r.uniform(0.75, 1.0, k),  # share of a finished video watched
    lambda r, k: r.uniform(0.05, 0.6, k),  # share of a video left half-way
    lambda r, k: r.uniform(120, 900, k),  # seconds on a reading
    lambda r, k: r.uniform(180, 900, k),  # on a quiz
    lambda r, k: r.uniform(600, 3600, k),  # on an assignment
    lambda r, k: r.uniform(30, 300, k),  # in a non-video lesson left half-way
)
SESSION_DRAWS: tuple[Draw, ...] = (
    lambda r, k: r.random(k),  # a first session straight after enrolling
    lambda r, k: r.geometric(0.5, k),  # days before a first session
    lambda r, k: r.exponential(2.5, k),  # days between later sessions
    *time_of_day_draws(LEARNING_HOURS),  # local time of a planned session
    lambda r, k: r.integers(30, 600, k),  # seconds after enrolling of an immediate one
)


def _lesson_durations_ms(
    lesson_type: np.ndarray, video_s: np.ndarray, finished: np.ndarray, draws: list[np.ndarray]
) -> np.ndarray:
    """Time spent in each lesson: most of a video when finished, a fraction when left half-way."""
    finished_share, partial_share, reading_s, quiz_s, assignment_s, partial_s = draws
    watched = np.where(finished, finished_share, partial_share)
    seconds = np.select(
        [lesson_type == VIDEO, lesson_type == READING, lesson_type == QUIZ],
        [np.maximum(video_s * watched, 30), reading_s, quiz_s],
        assignment_s,
    )
    seconds = np.where(~finished & (lesson_type != VIDEO) & (lesson_type != QUIZ), partial_s, seconds)
    return (seconds * 1000).astype(np.int64)


def _session_starts(
    enrollment: np.ndarray,
    new_session: np.ndarray,
    lesson_ms: np.ndarray,
    enrolled_ms: np.ndarray,
    zone: np.ndarray,
    offsets: ZoneOffsets,
    draws: list[np.ndarray],
) -> np.ndarray:
    """Start of the study session each lesson row belongs to (rows of whole enrollments, in order;
    `draws`: SESSION_DRAWS, one value per session).

    A session is planned on a later local day at a local hour; if the previous session ran late
    it starts after it instead (a segmented running max keeps sessions in order).
    """
    straight_away, first_gap, later_gap, hour, second, immediate_s = draws
    session_rows = np.flatnonzero(new_session)
    e = enrollment[session_rows]
    first = np.r_[True, e[1:] != e[:-1]]
    immediate = first & (straight_away < 0.55)
    gap_days = np.where(first, 1 + first_gap - 1, 1 + np.floor(later_gap).astype(np.int64))
    gap_days = np.where(immediate, 0, gap_days)
    local_enrolled_day = (
        enrolled_ms[e] + offsets.offset_seconds(zone[e], enrolled_ms[e]) * 1000
    ) // MS_PER_DAY
    day = local_enrolled_day + exclusive_cumsum_by_group(gap_days, e) + gap_days
    planned = offsets.to_utc(zone[e], day * MS_PER_DAY + time_of_day_ms(hour, second))
    planned = np.where(immediate, enrolled_ms[e] + immediate_s * MS_PER_SECOND, planned)
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
    columns = [
        np.r_[purchases.student, sub_student],
        np.r_[purchases.course, sub_course],
        np.r_[purchases.enrolled_ms, sub_enrolled],
        np.r_[np.zeros(len(purchases.student), np.int8), np.ones(len(sub_student), np.int8)],  # access: a code
        np.r_[purchases.order_item_id, np.zeros(len(sub_student), np.int64)],
    ]
    chronological = np.argsort(columns[2], kind="stable")
    return tuple(columns.pop(0)[chronological] for _ in range(len(columns)))  # each unsorted one freed in turn


@dataclass(frozen=True)
class _LessonRows:
    """One row per lesson an enrollment touches, in order within each enrollment."""

    enrollment: np.ndarray
    position: np.ndarray  # in the course
    lesson: np.ndarray
    lesson_type: np.ndarray
    finished: np.ndarray


@dataclass(frozen=True)
class _Plan:
    """Per enrollment, how far it gets; its lesson rows are laid end to end in enrollment order."""

    course: np.ndarray
    planned_done: np.ndarray
    touched: np.ndarray
    first_row: np.ndarray  # of each enrollment's lesson rows
    catalog: Catalog

    @property
    def n_rows(self) -> int:
        return int(self.touched.sum())

    def _rows(self, enrollment: np.ndarray, position: np.ndarray) -> _LessonRows:
        lesson = self.catalog.lesson_start[self.course[enrollment]] + position
        finished = position < self.planned_done[enrollment]
        return _LessonRows(enrollment, position, lesson, self.catalog.lesson_type[lesson], finished)

    def rows_of(self, start: int, stop: int) -> _LessonRows:
        """Lesson rows of enrollments start..stop-1."""
        touched = self.touched[start:stop]
        return self._rows(np.repeat(np.arange(start, stop), touched), position_in_group(touched))

    def rows_at(self, rows: np.ndarray) -> _LessonRows:
        """Lesson rows by row number (the enrollment holding row r: the last one starting at or before r)."""
        enrollment = np.searchsorted(self.first_row, rows, side="right") - 1
        return self._rows(enrollment, rows - self.first_row[enrollment])

    def blocks(self) -> Iterator[tuple[int, int]]:
        """Ranges of whole enrollments with about LESSON_BLOCK_ROWS lesson rows each."""
        cuts = np.searchsorted(self.first_row, np.arange(LESSON_BLOCK_ROWS, self.n_rows, LESSON_BLOCK_ROWS))
        bounds = np.unique(np.r_[0, cuts, len(self.course)])
        yield from zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)


@dataclass(frozen=True)
class _Streams:
    """The whole-table draws of the lesson rows and their events, each a stream (see stream_ahead)."""

    durations: list[DrawStream]
    pause: DrawStream
    new_session: DrawStream
    sessions: list[DrawStream]
    jitter: DrawStream  # ms added to a lesson's start
    submission: DrawStream
    event_jitter: list[DrawStream]  # of the starts, submissions, video progress and completions


def _streams(plan: _Plan, rng: np.random.Generator) -> _Streams:
    """Streams of the draws the lesson rows and events take, in the order they have always been
    drawn; the sizes of later draws (sessions, events) are counted from the values skipped."""
    n = plan.n_rows
    starts = plan.first_row[plan.touched > 0]
    durations = [stream_ahead(rng, draw, n) for draw in DURATION_DRAWS]
    pause = stream_ahead(rng, lambda r, k: r.integers(5, 120, k), n)
    n_sessions = 0

    def count_sessions(first: int, values: np.ndarray) -> None:
        nonlocal n_sessions
        # starts is ascending: its rows among these values are a slice (np.isin would sort both)
        starting = np.zeros(len(values), dtype=bool)
        starting[starts[np.searchsorted(starts, first) : np.searchsorted(starts, first + len(values))] - first] = True
        n_sessions += int(np.count_nonzero(starting | (values < NEW_SESSION)))

    new_session = stream_ahead(rng, lambda r, k: r.random(k), n, count_sessions)
    sessions = [stream_ahead(rng, draw, n_sessions) for draw in SESSION_DRAWS]
    jitter = stream_ahead(rng, lambda r, k: r.integers(0, 1000, k), n)
    counts = np.zeros(3, dtype=np.int64)  # submissions, abandoned videos, finished lessons

    def count_events(first: int, values: np.ndarray) -> None:
        # LESSON_BLOCK_ROWS at a time: the lesson rows of all the values skipped at once
        # (SKIP_BLOCK) are several arrays of eight bytes a row
        for start, stop in blocks(len(values), LESSON_BLOCK_ROWS):
            rows = plan.rows_at(np.arange(first + start, first + stop))
            counts[:] += [len(x) for x in _event_rows(rows, values[start:stop])[1:]]

    submission = stream_ahead(rng, lambda r, k: r.random(k), n, count_events)
    event_jitter = [stream_ahead(rng, lambda r, k: r.integers(0, 1000, k), k) for k in (n, *counts.tolist())]
    return _Streams(durations, pause, new_session, sessions, jitter, submission, event_jitter)


def _lesson_starts(
    rows: _LessonRows,
    streams: _Streams,
    enrolled: np.ndarray,
    zone: np.ndarray,
    offsets: ZoneOffsets,
    catalog: Catalog,
) -> tuple[np.ndarray, np.ndarray]:
    """(start ms, duration ms) of the lesson rows of whole enrollments, the next rows of the streams."""
    n = len(rows.lesson)
    durations = [stream.take(n) for stream in streams.durations]
    duration = _lesson_durations_ms(rows.lesson_type, catalog.lesson_video_s[rows.lesson], rows.finished, durations)
    pause = streams.pause.take(n) * MS_PER_SECOND
    new_session = (rows.position == 0) | (streams.new_session.take(n) < NEW_SESSION)
    session_draws = [stream.take(int(np.count_nonzero(new_session))) for stream in streams.sessions]
    session_start = _session_starts(
        rows.enrollment, new_session, duration + pause, enrolled, zone, offsets, session_draws
    )
    session = np.cumsum(new_session) - 1
    start = session_start + exclusive_cumsum_by_group(duration + pause, session) + streams.jitter.take(n)
    return start, duration


def _event_rows(rows: _LessonRows, submission: np.ndarray) -> tuple[np.ndarray, ...]:
    """Lesson rows that emit each kind of event: every one a start, quizzes and most finished
    assignments a submission, a video left half-way progress, a finished lesson a completion."""
    submits_assignment = rows.finished & (submission < ASSIGNMENT_SUBMISSION)
    submitted = np.flatnonzero((rows.lesson_type == QUIZ) | ((rows.lesson_type == ASSIGNMENT) & submits_assignment))
    abandoned_video = np.flatnonzero((rows.lesson_type == VIDEO) & ~rows.finished)
    return np.arange(len(rows.lesson)), submitted, abandoned_video, np.flatnonzero(rows.finished)


ACTIVITY_RECORD = np.dtype(
    [
        ("occurred", np.int64),
        ("kind", np.int8),  # which of _event_rows emitted it: with lesson_row, the order of equal instants
        ("lesson_row", np.int64),
        ("enrollment", np.int64),
        ("lesson", np.int64),
        ("event_type", np.int32),
        ("video_seconds", np.int64),
        ("passed", np.bool_),
        ("score", np.float64),  # drawn in time order, once the table is sorted
    ]
)


def _events(
    window: Window, rows: _LessonRows, first_row: int, start: np.ndarray, duration: np.ndarray, streams: _Streams
) -> np.ndarray:
    """The events of the lesson rows that happened before the window ended, as records (no score)."""
    emitting = _event_rows(rows, streams.submission.take(len(rows.lesson)))
    row = np.concatenate(emitting)
    kind = np.repeat(np.arange(4, dtype=np.int8), [len(e) for e in emitting])
    all_rows, submitted, abandoned_video, finished = emitting
    event_type = np.concatenate(
        [
            np.full(len(all_rows), LESSON_START),
            np.where(rows.lesson_type[submitted] == QUIZ, QUIZ_SUBMIT, ASSIGNMENT_SUBMIT),
            np.full(len(abandoned_video), VIDEO_PROGRESS),
            np.full(len(finished), LESSON_COMPLETE),
        ]
    )
    end = start + duration
    occurred = np.concatenate(
        [start, end[submitted] - 2 * MS_PER_SECOND, end[abandoned_video], end[finished] + MS_PER_SECOND]
    ) + np.concatenate([stream.take(len(e)) for stream, e in zip(streams.event_jitter, emitting, strict=True)])
    happened = np.flatnonzero(occurred < window.end_ms)
    row, event_type = row[happened], event_type[happened]
    watched = (event_type == VIDEO_PROGRESS) | ((event_type == LESSON_COMPLETE) & (rows.lesson_type[row] == VIDEO))
    records = np.zeros(len(happened), dtype=ACTIVITY_RECORD)
    records["occurred"] = occurred[happened]
    records["kind"] = kind[happened]
    records["lesson_row"] = first_row + row
    records["enrollment"] = rows.enrollment[row]
    records["lesson"] = rows.lesson[row]
    records["event_type"] = event_type
    records["video_seconds"] = np.where(watched, duration[row] // 1000, 0)
    records["passed"] = rows.finished[row]
    return records


def _scores(rng: np.random.Generator, n_events: int) -> Callable[[np.ndarray, int], None]:
    """Fills the scores of sorted records: the draws for all events in time order, a month at a time."""
    passing = stream_ahead(rng, lambda r, k: r.uniform(PASS_SCORE, 100, k), n_events)
    failing = stream_ahead(rng, lambda r, k: r.uniform(10, PASS_SCORE - 0.1, k), n_events)

    def fill(records: np.ndarray, _: int) -> None:
        n = len(records)
        score = np.round(np.where(records["passed"], passing.take(n), failing.take(n)), 1)
        is_submit = (records["event_type"] == QUIZ_SUBMIT) | (records["event_type"] == ASSIGNMENT_SUBMIT)
        records["score"] = np.where(is_submit, score, np.nan)

    return fill


ACTIVITY_LAYOUT = Layout(
    {
        "event_id": lambda _, rows: fixed_width_text(random_hex_ids(rows, 14, salt=0xE7E27, prefix=b"ev_")),
        "enrollment_id": lambda r, _: r["enrollment"] + 1,
        "lesson_id": lambda r, _: r["lesson"] + 1,
        "event_type": lambda r, _: Categorical.of(EVENT_TYPES, r["event_type"]),
        "occurred_at": lambda r, _: r["occurred"],
        "video_seconds_watched": lambda r, _: r["video_seconds"],
        "score": lambda r, _: r["score"],
    },
    nulls={},
    protected=lambda r, _: r["event_type"] == LESSON_COMPLETE,  # progress_pct is counted from these
)


@dataclass
class _Progress:
    """Per enrollment, what its events show (filled a block of enrollments at a time)."""

    completed_lessons: np.ndarray
    last_done: np.ndarray
    last_activity: np.ndarray

    def add(self, records: np.ndarray, start: int, stop: int) -> None:
        enrollment, occurred = records["enrollment"], records["occurred"]
        done = records["event_type"] == LESSON_COMPLETE
        self.completed_lessons[start:stop] = np.bincount(enrollment[done] - start, minlength=stop - start)
        np.maximum.at(self.last_done, enrollment[done], occurred[done])
        np.maximum.at(self.last_activity, enrollment, occurred)


def build_learning(
    window: Window,
    purchases: Purchases,
    subscriptions: Subscriptions,
    catalog: Catalog,
    zone_of_student: np.ndarray,
    offsets: ZoneOffsets,
    target_events: int,
    rng: np.random.Generator,
    scratch: Path,
    course_update: Incident | None = None,
    keep: Keep = in_memory,
) -> tuple[Enrollments, dict[str, EntityTable | SpilledTable]]:
    """`keep` takes each table in memory as soon as it is complete (the generator stashes it)."""
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
    del p_complete, completer  # per enrollment, not needed while the activity is played forward
    plan = _Plan(course, planned_done, touched, group_starts(touched), catalog)
    activity, progress = _activity(window, plan, enrolled, zone_of_student[student], offsets, rng, scratch)
    del plan, planned_done, touched  # per enrollment, and played forward
    completed_lessons = progress.completed_lessons
    completed_ms = np.where(completed_lessons == n_lessons, progress.last_done, NEVER)
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
    tables = {"enrollments": keep(enrollments), "lesson_activity": activity}
    del enrollments, order_item, access, n_lessons  # only the table needed them
    tables["certificates"] = keep(_certificates(window, completed_ms, rng))
    summary = Enrollments(student, course, enrolled, completed_ms, progress.last_activity, completed_lessons)
    return summary, tables


def _activity(
    window: Window,
    plan: _Plan,
    enrolled: np.ndarray,
    zone: np.ndarray,
    offsets: ZoneOffsets,
    rng: np.random.Generator,
    scratch: Path,
) -> tuple[SpilledTable, _Progress]:
    """The lesson activity, played forward a block of enrollments at a time and spilled by month
    (events sorted by time, equal instants in the order of _event_rows, then of lesson rows), and
    the progress it shows."""
    streams = _streams(plan, rng)
    spill = MonthSpill(scratch, ACTIVITY_RECORD, "occurred")
    n = len(plan.course)
    progress = _Progress(np.zeros(n, dtype=np.int64), np.full(n, -1, dtype=np.int64), enrolled.copy())
    for start, stop in plan.blocks():
        rows = plan.rows_of(start, stop)
        if len(rows.lesson) == 0:
            continue
        lesson_start, duration = _lesson_starts(rows, streams, enrolled, zone, offsets, plan.catalog)
        records = _events(window, rows, int(plan.first_row[start]), lesson_start, duration, streams)
        progress.add(records, start, stop)
        spill.append(records)
    fill = _scores(rng, spill.n_rows)
    protected, first = np.empty(spill.n_rows, dtype=bool), 0  # filled in place: no list of parts to join
    for _, records in spill.sort("kind", "lesson_row", fill=fill):
        protected[first : first + len(records)] = records["event_type"] == LESSON_COMPLETE
        first += len(records)
    return spill.table("lesson_activity", ACTIVITY_LAYOUT, protected), progress


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

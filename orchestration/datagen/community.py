"""Community posts: the threads students open in their courses' spaces and the replies to them.

Students post while they learn. An enrollment opens a thread with a chance that grows with how far
the student gets in the course and with the course's quality (a student who never starts never
posts), some days into it; each thread draws replies from other students of the same course
within a few days of it (or of their own enrollment, when they join later). Posts collect upvotes
by the course's quality. Some post is always published in the last hours before the end
(RECENT_MS), so the export shows a forum that is current.
"""

from __future__ import annotations

import numpy as np

from orchestration.datagen.catalog import Catalog
from orchestration.datagen.learning import Enrollments
from orchestration.datagen.tables import EntityTable
from orchestration.datagen.timeline import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND, Window

THREAD_CHANCE = 0.05  # per enrollment that completes every lesson, for a course of average quality
REPLIES_PER_THREAD = 1.6
REPLY_DELAY_DAYS = 1.5
UPVOTES_PER_POST = 1.2
RECENT_MS = 6 * MS_PER_HOUR


def build_posts(window: Window, enrollments: Enrollments, catalog: Catalog, rng: np.random.Generator) -> EntityTable:
    progress = enrollments.completed_lessons / catalog.lesson_count[enrollments.course]
    quality = catalog.quality[enrollments.course]
    chance = THREAD_CHANCE * progress * np.exp(0.6 * quality)
    threads = np.flatnonzero(rng.random(len(chance)) < chance)
    learning_ms = np.maximum(enrollments.last_activity_ms[threads] - enrollments.enrolled_ms[threads], MS_PER_HOUR)
    thread_ms = enrollments.enrolled_ms[threads] + (rng.random(len(threads)) * learning_ms).astype(np.int64)
    threads, thread_ms = _with_recent_thread(threads, thread_ms, enrollments, window, rng)

    # replies come from the course's other enrollments: enrollments sorted by course, a course's
    # block picked from uniformly
    by_course = np.argsort(enrollments.course, kind="stable")
    block_start = np.searchsorted(enrollments.course[by_course], np.arange(catalog.n_courses))
    block_size = np.bincount(enrollments.course, minlength=catalog.n_courses)
    n_replies = rng.poisson(REPLIES_PER_THREAD, len(threads))
    replied = np.repeat(np.arange(len(threads)), n_replies)
    course = enrollments.course[threads[replied]]
    reply_author = by_course[block_start[course] + (rng.random(len(replied)) * block_size[course]).astype(np.int64)]
    reply_ms = np.maximum(thread_ms[replied], enrollments.enrolled_ms[reply_author]) + (
        rng.exponential(REPLY_DELAY_DAYS * MS_PER_DAY, len(replied)).astype(np.int64) + MS_PER_MINUTE
    )

    author = np.r_[threads, reply_author]
    posted = np.r_[thread_ms, reply_ms] // MS_PER_SECOND * MS_PER_SECOND
    parent = np.r_[np.full(len(threads), -1), replied]  # index into threads
    keep = posted < window.end_ms
    order = np.flatnonzero(keep)[np.argsort(posted[keep], kind="stable")]
    post_id_of_row = np.zeros(len(posted), dtype=np.int64)
    post_id_of_row[order] = np.arange(1, len(order) + 1)
    parent_post = np.where(parent >= 0, post_id_of_row[np.maximum(parent, 0)], 0)[order]
    author, posted = author[order], posted[order]
    n = len(order)
    upvotes = rng.poisson(UPVOTES_PER_POST * np.exp(catalog.quality[enrollments.course[author]]), n)

    return EntityTable.build(
        "posts",
        {
            "post_id": np.arange(1, n + 1),
            "student_id": enrollments.student[author] + 1,
            "course_id": enrollments.course[author] + 1,
            "parent_post_id": parent_post,
            "posted_at": posted,
            "upvotes": upvotes,
        },
        nulls={"parent_post_id": parent_post == 0},
        # The newest posts show the forum is current: no defect makes them unusable.
        protected=posted >= window.end_ms - RECENT_MS,
    )


def _with_recent_thread(
    threads: np.ndarray, thread_ms: np.ndarray, enrollments: Enrollments, window: Window, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Posts are sparse at small scales: when no thread is opened in the last hours before the
    end, the student of the newest enrollment opens one in them."""
    recent_from = window.end_ms - RECENT_MS
    position = rng.random()
    if np.any(thread_ms >= recent_from):
        return threads, thread_ms
    eligible = np.flatnonzero(enrollments.enrolled_ms < window.end_ms - 10 * MS_PER_MINUTE)
    if len(eligible) == 0:
        return threads, thread_ms
    chosen = eligible[np.argmax(enrollments.enrolled_ms[eligible])]
    earliest = max(recent_from, int(enrollments.enrolled_ms[chosen]) + 5 * MS_PER_MINUTE)
    at = earliest + int(position * (window.end_ms - earliest)) // MS_PER_SECOND * MS_PER_SECOND
    return np.r_[threads, chosen], np.r_[thread_ms, at]

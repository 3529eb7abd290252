"""Assessments: the pre-test on starting a course, the post-test on finishing it, final projects.

Most students who start a course take its pre-test within hours of enrolling; most who finish it
take the post-test soon after. A student's knowledge before the course is drawn once and both
tests measure it with noise, the post-test after the course's gain, which is larger in better
courses: so the average improvement is real and differs by course. Courses with a final project
(PROJECT_COURSE_SHARE of them, fixed per course) ask for it near the end: students who got through
most of the lessons submit it, graded by how well the course taught them; a grade of PASS_MARK or
more passes.
"""

from __future__ import annotations

import numpy as np

from orchestration.datagen.catalog import Catalog
from orchestration.datagen.learning import Enrollments
from orchestration.datagen.orders import NEVER
from orchestration.datagen.tables import Categorical, EntityTable
from orchestration.datagen.timeline import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND, Window

TYPES = ("pre_test", "post_test", "final_project")
PRE, POST, PROJECT = range(3)
PRE_TEST_SHARE = 0.75  # of enrollments that start the course
POST_TEST_SHARE = 0.80  # of enrollments that complete it
PROJECT_COURSE_SHARE = 0.6
PROJECT_PROGRESS = 0.8  # share of the lessons done before the project is due
PROJECT_SUBMIT_SHARE = 0.7
PRIOR_KNOWLEDGE = (45.0, 14.0)  # mean, sd of the pre-test's true score
GAIN = (22.0, 9.0)  # mean, sd of the points a course of average quality adds
TEST_NOISE = 6.0
PROJECT_GRADE = (74.0, 12.0)
PASS_MARK = 60.0


def project_courses(n_courses: int, rng: np.random.Generator) -> np.ndarray:
    """Per course, whether it ends with a final project: a course's, whoever takes it."""
    return rng.random(n_courses) < PROJECT_COURSE_SHARE


def build_assessments(
    window: Window, enrollments: Enrollments, catalog: Catalog, has_project: np.ndarray, rng: np.random.Generator
) -> EntityTable:
    """`has_project`: per course, whether it ends with a final project (`project_courses`)."""
    n = len(enrollments.student)
    quality = catalog.quality[enrollments.course]
    progress = enrollments.completed_lessons / catalog.lesson_count[enrollments.course]
    knowledge = rng.normal(*PRIOR_KNOWLEDGE, n)
    gain = rng.normal(GAIN[0] * (1 + quality), GAIN[1], n)

    started = enrollments.last_activity_ms > enrollments.enrolled_ms
    pre = np.flatnonzero(started & (rng.random(n) < PRE_TEST_SHARE))
    pre_ms = enrollments.enrolled_ms[pre] + np.minimum(
        rng.exponential(2 * MS_PER_HOUR, len(pre)).astype(np.int64),
        enrollments.last_activity_ms[pre] - enrollments.enrolled_ms[pre],
    )
    pre_score = knowledge[pre] + rng.normal(0, TEST_NOISE, len(pre))

    completed = enrollments.completed_ms != NEVER
    post = np.flatnonzero(completed & (rng.random(n) < POST_TEST_SHARE))
    post_ms = enrollments.completed_ms[post] + rng.exponential(MS_PER_DAY, len(post)).astype(np.int64)
    post_score = knowledge[post] + gain[post] + rng.normal(0, TEST_NOISE, len(post))

    project = np.flatnonzero(
        has_project[enrollments.course] & (progress >= PROJECT_PROGRESS) & (rng.random(n) < PROJECT_SUBMIT_SHARE)
    )
    project_ms = enrollments.last_activity_ms[project] + rng.exponential(2 * MS_PER_DAY, len(project)).astype(np.int64)
    project_score = rng.normal(PROJECT_GRADE[0] + 10 * quality[project], PROJECT_GRADE[1], len(project))

    # Arrays are deleted once used and reordered one at a time: a few arrays per enrollment and per
    # row at once, not all of them (the peak of this step grows with the enrollments).
    del quality, progress, knowledge, gain
    enrollment = np.r_[pre, post, project]
    kind = np.repeat(np.array([PRE, POST, PROJECT], dtype=np.int8), [len(pre), len(post), len(project)])
    submitted = np.r_[pre_ms, post_ms, project_ms] + MS_PER_MINUTE
    submitted = submitted // MS_PER_SECOND * MS_PER_SECOND
    score = np.round(np.clip(np.r_[pre_score, post_score, project_score], 0, 100), 1)
    del pre, post, project, pre_ms, post_ms, project_ms, pre_score, post_score, project_score
    keep = np.flatnonzero(submitted < window.end_ms)
    order = keep[np.argsort(submitted[keep], kind="stable")]
    del keep
    enrollment = enrollment[order]
    kind = kind[order]
    submitted = submitted[order]
    score = score[order]

    return EntityTable.build(
        "assessments",
        {
            "assessment_id": np.arange(1, len(order) + 1),
            "enrollment_id": enrollment + 1,
            "assessment_type": Categorical.of(TYPES, kind),
            "submitted_at": submitted,
            "score": score,
            "passed": score >= PASS_MARK,
        },
    )

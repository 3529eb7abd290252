"""Course reviews and satisfaction surveys from enrolled students.

Scores come from one latent satisfaction per response (course quality, having finished, chance)
mapped by rank onto target distributions, so the marginals hit the benchmarks (ratings ~4.6,
NPS ~60, CSAT mostly 4-5) while better courses and finishers still score higher.
"""

from __future__ import annotations

import numpy as np

from orchestration.datagen.catalog import Catalog
from orchestration.datagen.learning import Enrollments
from orchestration.datagen.orders import NEVER
from orchestration.datagen.tables import EntityTable
from orchestration.datagen.timeline import MS_PER_DAY, MS_PER_MINUTE, MS_PER_SECOND, Window

RATING_DISTRIBUTION = (0.02, 0.02, 0.05, 0.18, 0.73)  # 1..5 stars
NPS_DISTRIBUTION = (0.01, 0.005, 0.005, 0.01, 0.01, 0.02, 0.03, 0.08, 0.15, 0.26, 0.42)  # 0..10
CSAT_DISTRIBUTION = (0.02, 0.03, 0.08, 0.32, 0.55)  # 1..5
SURVEY_AFTER_DAYS = 30


def scores_by_rank(latent: np.ndarray, distribution: tuple[float, ...], lowest: int) -> np.ndarray:
    """Scores lowest.. assigned in order of latent, in the given proportions."""
    ranks = np.empty(len(latent), dtype=np.int64)
    ranks[np.argsort(latent, kind="stable")] = np.arange(len(latent))
    bounds = np.cumsum(distribution)[:-1] * len(latent)
    return lowest + np.searchsorted(bounds, ranks, side="right")


def build_reviews(
    window: Window,
    enrollments: Enrollments,
    catalog: Catalog,
    n_lessons: np.ndarray,
    rng: np.random.Generator,
) -> EntityTable:
    completed = enrollments.completed_ms < NEVER
    progress = enrollments.completed_lessons / np.maximum(n_lessons, 1)
    chance = (enrollments.completed_lessons > 0) * (0.06 + 0.22 * completed + 0.1 * progress)
    rows = np.flatnonzero(rng.random(len(chance)) < chance)
    reviewed = enrollments.last_activity_ms[rows] + rng.integers(10, 3 * 24 * 60, len(rows)) * MS_PER_MINUTE
    keep = reviewed < window.end_ms
    rows, reviewed = rows[keep], reviewed[keep]
    order = np.argsort(reviewed, kind="stable")
    rows, reviewed = rows[order], reviewed[order]
    latent = catalog.quality[enrollments.course[rows]] + 0.3 * completed[rows] + rng.normal(0, 1, len(rows))
    return EntityTable.build(
        "reviews",
        {
            "review_id": np.arange(1, len(rows) + 1),
            "course_id": enrollments.course[rows] + 1,
            "student_id": enrollments.student[rows] + 1,
            "rating": scores_by_rank(latent, RATING_DISTRIBUTION, 1),
            "reviewed_at": reviewed,
        },
    )


def build_surveys(
    window: Window, enrollments: Enrollments, catalog: Catalog, rng: np.random.Generator
) -> EntityTable:
    """Sent at completion, or a month after enrolling to those still going; some answer."""
    completed = enrollments.completed_ms < NEVER
    follow_up = enrollments.enrolled_ms + SURVEY_AFTER_DAYS * MS_PER_DAY
    sent = np.where(completed, enrollments.completed_ms, follow_up)
    answers = np.where(
        completed,
        rng.random(len(sent)) < 0.35,
        (enrollments.completed_lessons > 0) & (rng.random(len(sent)) < 0.08),
    )
    submitted = sent + rng.integers(3600, 5 * 86_400, len(sent)) * MS_PER_SECOND
    rows = np.flatnonzero(answers & (submitted < window.end_ms))
    rows = rows[np.argsort(submitted[rows], kind="stable")]
    latent = catalog.quality[enrollments.course[rows]] + 0.4 * completed[rows] + rng.normal(0, 1, len(rows))
    return EntityTable.build(
        "surveys",
        {
            "response_id": np.arange(1, len(rows) + 1),
            "student_id": enrollments.student[rows] + 1,
            "course_id": enrollments.course[rows] + 1,
            "submitted_at": submitted[rows],
            "nps_score": scores_by_rank(latent, NPS_DISTRIBUTION, 0),
            "csat_score": scores_by_rank(latent + rng.normal(0, 0.5, len(rows)), CSAT_DISTRIBUTION, 1),
            "course_rating": scores_by_rank(latent + rng.normal(0, 0.5, len(rows)), RATING_DISTRIBUTION, 1),
        },
    )

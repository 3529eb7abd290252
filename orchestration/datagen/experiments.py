"""A/B tests: registered experiments, the units assigned to their variants, and their conversions.

The experimentation programme runs EXPERIMENTS tests over the last months of the window on four
surfaces (landing pages, checkout, influencer creatives, pricing), a few at a time. Each is
registered a few days before it starts with its decision rule: the sample per variant a
two-proportion test needs to detect its minimum lift at its alpha and power. Traffic is split
equally between variants and a test stops assigning once every variant has its planned sample
(tests still short of it at the end are running; the newest starts just before the end, so the
export is current at any scale). About half the tests have a real effect in one
variant (the lift planted is near the minimum lift the test was sized for), one variant hurts, the
others have none; one test has an assignment bug that sends too many units to a treatment (a
sample ratio mismatch) and no effect. What was planted is written to `_manifest/experiments.csv`,
the ground truth the experiments mart is measured against.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist

import numpy as np

from orchestration.datagen.tables import Categorical, EntityTable
from orchestration.datagen.timeline import MS_PER_DAY, MS_PER_HOUR, MS_PER_SECOND, Window

EXPERIMENTS = 16
SURFACES = ("landing_page", "checkout", "influencer_creative", "pricing")
# per surface: baseline conversion, minimum lift, units a day at scale 1.0, median hours to convert
BASELINE = (0.04, 0.55, 0.03, 0.08)
MINIMUM_LIFT = (0.20, 0.06, 0.25, 0.20)
UNITS_PER_DAY = (10_000, 4_000, 6_000, 4_000)
HOURS_TO_CONVERT = (2.0, 0.3, 20.0, 48.0)
PROGRAMME_DAYS = 300  # the tests start within this many days before the end
EFFECT_SHARE = 0.5
SRM_SHARE = 0.53  # the mis-assigned treatment's share of a two-variant test's units
SAMPLE_MARGIN = 1.05  # a test assigns this much more than planned, so every arm reaches its plan
NEWEST_START_HOURS = 12  # the programme's newest test starts this close to the end
MANIFEST_COLUMNS = ("experiment_id", "variant", "planted", "true_relative_lift")


@dataclass(frozen=True)
class PlannedVariant:
    experiment_id: int
    variant: str
    planted: str  # control, effect, harmful, none, srm
    true_relative_lift: float

    def as_row(self) -> tuple[str, ...]:
        return (str(self.experiment_id), self.variant, self.planted, f"{self.true_relative_lift:.4f}")


@dataclass(frozen=True)
class PlannedExperiment:
    experiment_id: int
    surface: int
    variants: tuple[PlannedVariant, ...]
    alpha: float
    power: float
    registered_ms: int
    started_ms: int

    @property
    def minimum_lift(self) -> float:
        return MINIMUM_LIFT[self.surface]

    @property
    def planned_sample(self) -> int:
        return planned_sample_per_variant(BASELINE[self.surface], self.minimum_lift, self.alpha, self.power)


def planned_sample_per_variant(baseline: float, minimum_lift: float, alpha: float, power: float) -> int:
    """Units per variant a two-sided two-proportion z-test needs to detect a relative lift."""
    treated = baseline * (1 + minimum_lift)
    z = NormalDist().inv_cdf(1 - alpha / 2) + NormalDist().inv_cdf(power)
    variance = baseline * (1 - baseline) + treated * (1 - treated)
    return int(np.ceil(z * z * variance / (treated - baseline) ** 2))


def plan_experiments(window: Window, rng: np.random.Generator) -> tuple[PlannedExperiment, ...]:
    """The programme: which tests run when, and what each variant truly does."""
    first_day = max(window.start_day, window.last_day - PROGRAMME_DAYS)
    planned = []
    for index in range(EXPERIMENTS):
        experiment_id = index + 1
        surface = index % len(SURFACES)
        n_variants = 3 if rng.random() < 0.25 else 2
        kind = rng.random()
        treatments = []
        for position in range(1, n_variants):
            planted, lift = "none", 0.0
            if position == 1 and index == 5:
                planted = "srm"
            elif position == 1 and index == 9:
                planted, lift = "harmful", -MINIMUM_LIFT[surface]
            elif position == n_variants - 1 and kind < EFFECT_SHARE:
                planted, lift = "effect", MINIMUM_LIFT[surface] * rng.uniform(1.0, 1.5)
            treatments.append(PlannedVariant(experiment_id, f"variant_{chr(ord('a') + position - 1)}", planted, lift))
        start_day = first_day + round(index * PROGRAMME_DAYS / EXPERIMENTS) + int(rng.integers(0, 7))
        started = start_day * MS_PER_DAY + int(rng.integers(6, 12)) * MS_PER_HOUR
        if index == EXPERIMENTS - 1:
            started = window.end_ms - NEWEST_START_HOURS * MS_PER_HOUR
        registered = started - int(rng.integers(1, 6)) * MS_PER_DAY
        planned.append(
            PlannedExperiment(
                experiment_id,
                surface,
                (PlannedVariant(experiment_id, "control", "control", 0.0), *treatments),
                alpha=0.01 if index % 7 == 3 else 0.05,
                power=0.9 if index % 5 == 2 else 0.8,
                registered_ms=registered,
                started_ms=started,
            )
        )
    return tuple(planned)


def build_experiments(
    window: Window, scale: float, plan: tuple[PlannedExperiment, ...], rng: np.random.Generator
) -> dict[str, EntityTable]:
    experiment_rows, assignments = [], []
    next_unit = 1
    for experiment in plan:
        variants = experiment.variants
        per_day = max(1.0, UNITS_PER_DAY[experiment.surface] * scale)
        needed = experiment.planned_sample * len(variants) * SAMPLE_MARGIN
        span_ms = min(needed / per_day * MS_PER_DAY, window.end_ms - experiment.started_ms)
        n_units = int(per_day * span_ms / MS_PER_DAY)
        ended = experiment.started_ms + int(span_ms) if n_units >= int(needed) else None
        share = np.full(len(variants), 1 / len(variants))
        if any(v.planted == "srm" for v in variants):
            share = np.array([1 - SRM_SHARE, SRM_SHARE] + [0.0] * (len(variants) - 2))
        variant = rng.choice(len(variants), size=n_units, p=share)
        assigned = experiment.started_ms + np.sort(rng.random(n_units) * span_ms).astype(np.int64)
        rate = BASELINE[experiment.surface] * (1 + np.array([v.true_relative_lift for v in variants]))
        converts = rng.random(n_units) < rate[variant]
        delay = rng.exponential(HOURS_TO_CONVERT[experiment.surface] * MS_PER_HOUR, n_units).astype(np.int64)
        converted = np.where(converts, assigned + delay + MS_PER_SECOND, 0)
        assignments.append((experiment.experiment_id, variants, variant, assigned, converted, next_unit))
        next_unit += n_units
        experiment_rows.append((experiment, ended))
    return {
        "experiments": _experiments_table(experiment_rows),
        "experiment_assignments": _assignments_table(window, assignments),
    }


def _experiments_table(rows: list[tuple[PlannedExperiment, int | None]]) -> EntityTable:
    n = len(rows)
    names = tuple(f"{SURFACES[e.surface]}_{e.experiment_id:02d}" for e, _ in rows)
    hypotheses = tuple(_hypothesis(e) for e, _ in rows)
    ended = np.array([end or 0 for _, end in rows], dtype=np.int64)
    return EntityTable.build(
        "experiments",
        {
            "experiment_id": np.array([e.experiment_id for e, _ in rows]),
            "experiment_name": Categorical.of(names, np.arange(n)),
            "hypothesis": Categorical.of(hypotheses, np.arange(n)),
            "surface": Categorical.of(SURFACES, np.array([e.surface for e, _ in rows])),
            "control_variant": Categorical.constant("control", n),
            "variants": np.array([len(e.variants) for e, _ in rows]),
            "planned_sample_per_variant": np.array([e.planned_sample for e, _ in rows]),
            "alpha": np.array([e.alpha for e, _ in rows]),
            "power": np.array([e.power for e, _ in rows]),
            "minimum_lift": np.array([e.minimum_lift for e, _ in rows]),
            "registered_at": np.array([e.registered_ms // MS_PER_SECOND * MS_PER_SECOND for e, _ in rows]),
            "started_at": np.array([e.started_ms // MS_PER_SECOND * MS_PER_SECOND for e, _ in rows]),
            "ended_at": ended // MS_PER_SECOND * MS_PER_SECOND,
        },
        nulls={"ended_at": ended == 0},
    )


def _hypothesis(experiment: PlannedExperiment) -> str:
    what = {
        "landing_page": "A shorter landing page with the course outcome first",
        "checkout": "A one-page checkout",
        "influencer_creative": "A creator-led demo video",
        "pricing": "Showing the price per lesson",
    }[SURFACES[experiment.surface]]
    return f"{what} lifts conversion by at least {experiment.minimum_lift:.0%}"


def _assignments_table(
    window: Window, assignments: list[tuple[int, tuple[PlannedVariant, ...], np.ndarray, np.ndarray, np.ndarray, int]]
) -> EntityTable:
    labels = tuple(dict.fromkeys(v.variant for _, variants, *_ in assignments for v in variants))
    experiment = np.concatenate([np.full(len(a), e) for e, _, _, a, _, _ in assignments])
    variant = np.concatenate(
        [np.array([labels.index(v.variant) for v in variants])[codes] for _, variants, codes, *_ in assignments]
    )
    assigned = np.concatenate([a for *_, a, _, _ in assignments])
    converted = np.concatenate([c for *_, c, _ in assignments])
    unit = np.concatenate([first + np.arange(len(a)) for _, _, _, a, _, first in assignments])
    converted = np.where(converted < window.end_ms, converted, 0)
    order = np.argsort(assigned, kind="stable")
    return EntityTable.build(
        "experiment_assignments",
        {
            "assignment_id": np.arange(1, len(order) + 1),
            "experiment_id": experiment[order],
            "variant": Categorical.of(labels, variant[order]),
            "unit_id": unit[order],
            "assigned_at": assigned[order] // MS_PER_SECOND * MS_PER_SECOND,
            "converted_at": converted[order] // MS_PER_SECOND * MS_PER_SECOND,
        },
        nulls={"converted_at": converted[order] == 0},
    )


def write_planted_experiments(path: Path, plan: tuple[PlannedExperiment, ...]) -> None:
    """`_manifest/experiments.csv`: what each variant of each test truly does."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(MANIFEST_COLUMNS)
        writer.writerows(v.as_row() for e in plan for v in e.variants)

"""Generator parameters, and the dataset sizes and random streams they imply."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np

from orchestration.settings import Settings

# Volumes at scale 1.0: a mid-size marketplace over two years.
BASE_STUDENTS = 100_000
BASE_ORDERS = 1_000_000
BASE_LESSON_EVENTS = 10_000_000
BASE_INSTRUCTORS = 2_000
BASE_COURSES = 10_000
BASE_INFLUENCERS = 300
BASE_CAMPAIGNS = 1_000
SESSIONS_PER_ORDER = 3.5

# Floors keep tiny scales usable: a catalog and a campaign program need some breadth to be a
# marketplace at all, whatever the number of students.
MIN_STUDENTS = 100
MIN_ORDERS = 1_000
MIN_INSTRUCTORS = 20
MIN_COURSES = 60
MIN_INFLUENCERS = 30
MIN_CAMPAIGNS = 40


def default_out_dir() -> Path:
    """LANDING_DIR, else the project's data/landing: where the landing step looks by default."""
    return Settings.from_env().landing_dir


def today_utc() -> date:
    return datetime.now(timezone.utc).date()


@dataclass(frozen=True)
class Sizes:
    """Target row counts; the generated counts follow from them (e.g. order items ~1.2 per order)."""

    students: int
    orders: int
    lesson_events: int
    sessions: int
    instructors: int
    courses: int
    influencers: int
    campaigns: int


def sizes_for(scale: float) -> Sizes:
    def scaled(base: int, minimum: int) -> int:
        return max(minimum, round(base * scale))

    orders = scaled(BASE_ORDERS, MIN_ORDERS)
    return Sizes(
        students=scaled(BASE_STUDENTS, MIN_STUDENTS),
        orders=orders,
        lesson_events=max(10 * MIN_ORDERS, round(BASE_LESSON_EVENTS * scale)),
        sessions=round(SESSIONS_PER_ORDER * orders),
        instructors=scaled(BASE_INSTRUCTORS, MIN_INSTRUCTORS),
        courses=scaled(BASE_COURSES, MIN_COURSES),
        influencers=scaled(BASE_INFLUENCERS, MIN_INFLUENCERS),
        campaigns=scaled(BASE_CAMPAIGNS, MIN_CAMPAIGNS),
    )


def two_years_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 2)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 2, day=28)


@dataclass(frozen=True)
class GeneratorConfig:
    scale: float = 0.05
    seed: int = 42
    end_date: date = field(default_factory=today_utc)
    defect_rate: float = 0.002
    out_dir: Path = field(default_factory=default_out_dir)

    def __post_init__(self) -> None:
        if not self.scale > 0:
            raise ValueError(f"scale must be positive, got {self.scale}")
        if not 0 <= self.defect_rate <= 0.2:
            raise ValueError(f"defect rate must be between 0 and 0.2, got {self.defect_rate}")
        object.__setattr__(self, "out_dir", Path(self.out_dir))

    @property
    def sizes(self) -> Sizes:
        return sizes_for(self.scale)

    @property
    def start_date(self) -> date:
        """First day of data; the window ends before `end_date` (the export day)."""
        return two_years_before(self.end_date)

    def rng(self, stream: str) -> np.random.Generator:
        """An independent random stream per named step, so changing one step leaves the others alone."""
        return np.random.default_rng(
            np.random.SeedSequence(entropy=self.seed, spawn_key=(zlib.crc32(stream.encode()),))
        )

"""Generator parameters, and the dataset sizes and random streams they imply."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
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
# Web sessions: most visits are anonymous and never convert (session conversion ~3-4%); the
# sessions of known students (signups, checkouts, returning learners) are ~3.5 per order.
SESSIONS_PER_ORDER = 25.0
STUDENT_SESSIONS_PER_ORDER = 3.5

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


def now_utc_hour() -> datetime:
    """The current UTC time truncated to the hour: the default end of the data."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def parse_end(value: str | date | datetime) -> datetime:
    """An end instant as an aware UTC datetime.

    A date (`2026-11-22`) is its midnight UTC; a datetime (`2026-11-22T14:00`,
    `2026-11-22T14:00:00Z`, `2026-11-22T15:00+01:00`) is taken as UTC when it has no offset.
    Whole seconds only, so the end reads back exactly from `generation.json`.
    """
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if moment.microsecond:
        raise ValueError(f"end must be a whole second, got {value.isoformat()}")
    return moment


def format_end(moment: datetime) -> str:
    """`2026-11-22T14:00:00Z`: how generation.json records an instant."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Sizes:
    """Target row counts; the generated counts follow from them (e.g. order items ~1.2 per order)."""

    students: int
    orders: int
    lesson_events: int
    sessions: int
    student_sessions: int  # of `sessions`: those of students and their campaign visits
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
        student_sessions=round(STUDENT_SESSIONS_PER_ORDER * orders),
        instructors=scaled(BASE_INSTRUCTORS, MIN_INSTRUCTORS),
        courses=scaled(BASE_COURSES, MIN_COURSES),
        influencers=scaled(BASE_INFLUENCERS, MIN_INFLUENCERS),
        campaigns=scaled(BASE_CAMPAIGNS, MIN_CAMPAIGNS),
    )


def two_years_before(moment: datetime) -> datetime:
    """Same time of day two years earlier (28 February for 29 February)."""
    try:
        return moment.replace(year=moment.year - 2)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - 2, day=28)


@dataclass(frozen=True)
class GeneratorConfig:
    """Generation parameters. The data covers [end - 2 years, end).

    `end` accepts a date (midnight UTC), a datetime or ISO text and is stored as an aware UTC
    datetime; the default is now, truncated to the hour. `end_date` may be given instead of `end`
    (its midnight UTC); either way it ends up as the export date: the end's UTC date, which names
    the snapshot files.
    """

    scale: float = 0.05
    seed: int = 42
    end: datetime = None  # type: ignore[assignment]  # normalized in __post_init__
    defect_rate: float = 0.002
    out_dir: Path = field(default_factory=default_out_dir)
    end_date: date = None  # type: ignore[assignment]  # normalized in __post_init__
    incidents: bool = True  # plant the business incidents of incidents.py (_manifest/incidents.csv)

    def __post_init__(self) -> None:
        if not self.scale > 0:
            raise ValueError(f"scale must be positive, got {self.scale}")
        if not 0 <= self.defect_rate <= 0.2:
            raise ValueError(f"defect rate must be between 0 and 0.2, got {self.defect_rate}")
        if self.end is not None:
            end = parse_end(self.end)
            if self.end_date is not None and self.end_date != end.date():
                raise ValueError(f"end {format_end(end)} and end_date {self.end_date} disagree")
        elif self.end_date is not None:
            end = parse_end(self.end_date)
        else:
            end = now_utc_hour()
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "end_date", end.date())
        object.__setattr__(self, "out_dir", Path(self.out_dir))

    @property
    def sizes(self) -> Sizes:
        return sizes_for(self.scale)

    @property
    def start(self) -> datetime:
        """First instant of the data: two years before the end."""
        return two_years_before(self.end)

    def rng(self, stream: str) -> np.random.Generator:
        """An independent random stream per named step, so changing one step leaves the others alone."""
        return np.random.default_rng(
            np.random.SeedSequence(entropy=self.seed, spawn_key=(zlib.crc32(stream.encode()),))
        )

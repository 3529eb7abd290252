"""The data window and the rhythm of demand: growth, seasons, weekdays, sales and hours of the day.

All instants are int64 milliseconds since the Unix epoch (UTC); days are int64 days since epoch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from orchestration.datagen.sampling import Draw

MS_PER_SECOND = 1_000
MS_PER_MINUTE = 60_000
MS_PER_HOUR = 3_600_000
MS_PER_DAY = 86_400_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
REDRAW_ROUNDS = 200  # rows outside the window are few; a partial last hour needs the most draws


def to_ms(moment: date | datetime) -> int:
    """Epoch milliseconds of an instant; a date is its midnight UTC, a naive datetime is UTC."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(), UTC)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - EPOCH) // timedelta(milliseconds=1)


@dataclass(frozen=True)
class Window:
    """[start, end) in UTC epoch milliseconds: everything generated happens inside it.

    Its days are the UTC days it touches; the first and the last may be partial (an end at
    14:00 makes the end's day a partial last day, and the start, two years earlier at 14:00,
    a partial first day).
    """

    start_ms: int
    end_ms: int

    @classmethod
    def between(cls, start: date | datetime, end: date | datetime) -> Window:
        return cls(to_ms(start), to_ms(end))

    @property
    def start_day(self) -> int:
        return self.start_ms // MS_PER_DAY

    @property
    def last_day(self) -> int:
        """The day of the window's last instant (partial unless the end is at midnight)."""
        return (self.end_ms - 1) // MS_PER_DAY

    @property
    def last_full_day(self) -> int:
        """The last day that is over by the end (the last day itself when the end is at midnight)."""
        return self.end_ms // MS_PER_DAY - 1

    @property
    def n_days(self) -> int:
        return self.last_day - self.start_day + 1

    @property
    def days(self) -> np.ndarray:
        return np.arange(self.start_day, self.last_day + 1, dtype=np.int64)

    def clip_ms(self, ms: np.ndarray) -> np.ndarray:
        return np.clip(ms, self.start_ms, self.end_ms - MS_PER_SECOND)

    def draw_inside(self, size: int, draw: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """`size` instants from `draw(rows)` (instants for those result rows), rows that fall
        outside the window drawn again: sampling a day and a time of day, then keeping only what
        lies inside, gives partial first and last days their share of the day and no more."""
        return self.redraw_outside(np.asarray(draw(np.arange(size)), dtype=np.int64).copy(), draw)

    def redraw_outside(self, ms: np.ndarray, draw: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """`ms` (changed in place) with the instants outside the window drawn again, as draw_inside
        does after its first draw (which a caller can then make a block of rows at a time)."""
        for _ in range(REDRAW_ROUNDS):
            outside = np.flatnonzero((ms < self.start_ms) | (ms >= self.end_ms))
            if len(outside) == 0:
                return ms
            ms[outside] = draw(outside)
        return self.clip_ms(ms)


def civil_from_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of days since epoch; H. Hinnant's algorithm, vectorized."""
    z = np.asarray(days, dtype=np.int64) + 719_468
    era = np.floor_divide(z, 146_097)
    doe = z - era * 146_097
    yoe = (doe - doe // 1_460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    y = np.asarray(year, dtype=np.int64) - (np.asarray(month) <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    m = np.asarray(month, dtype=np.int64)
    doy = (153 * np.where(m > 2, m - 3, m + 9) + 2) // 5 + np.asarray(day, dtype=np.int64) - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def month_index(ms: np.ndarray) -> np.ndarray:
    """Calendar month of an instant as year * 12 + month - 1 (UTC)."""
    year, month, _ = civil_from_days(np.floor_divide(ms, MS_PER_DAY))
    return year * 12 + month - 1


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def add_months(ms: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Same day-of-month and time `months` later, clipped to the month's last day (billing dates)."""
    days = np.floor_divide(ms, MS_PER_DAY)
    time_of_day = ms - days * MS_PER_DAY
    year, month, day = civil_from_days(days)
    target = year * 12 + month - 1 + months
    t_year, t_month = target // 12, target % 12 + 1
    next_year, next_month = (target + 1) // 12, (target + 1) % 12 + 1
    month_length = days_from_civil(next_year, next_month, 1) - days_from_civil(t_year, t_month, 1)
    return days_from_civil(t_year, t_month, np.minimum(day, month_length)) * MS_PER_DAY + time_of_day


def weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday; 1970-01-01 was a Thursday."""
    return (np.asarray(days) + 3) % 7


def day_of_year(days: np.ndarray) -> np.ndarray:
    year, _, _ = civil_from_days(days)
    return np.asarray(days) - days_from_civil(year, np.ones_like(year), np.ones_like(year))


# ---------------------------------------------------------------- demand rhythm

WEEKDAY_FACTOR = np.array([1.08, 1.10, 1.06, 1.02, 0.94, 0.80, 0.86])


def _bump(doy: np.ndarray, center: float, width: float) -> np.ndarray:
    distance = np.abs(doy - center)
    distance = np.minimum(distance, 365 - distance)  # the year wraps around
    return np.exp(-0.5 * (distance / width) ** 2)


def yearly_factor(days: np.ndarray) -> np.ndarray:
    """New-year resolutions and back-to-school lift learning; summer and the holidays dip."""
    doy = day_of_year(days).astype(float)
    return (
        1.0
        + 0.40 * _bump(doy, 10, 16)
        + 0.30 * _bump(doy, 252, 18)
        - 0.15 * _bump(doy, 200, 28)
        - 0.25 * _bump(doy, 357, 5)
    )


@dataclass(frozen=True)
class Promotion:
    name: str
    month: int
    first_day: int
    length_days: int
    discount_pct: int
    lift: float


# Sitewide sales: a coupon for (most) orders in the period and a jump in volume.
PROMOTIONS = (
    Promotion("NEWYEAR", 1, 2, 10, 30, 1.6),
    Promotion("SPRINGSALE", 4, 8, 5, 20, 1.35),
    Promotion("SUMMER", 7, 14, 5, 20, 1.35),
    Promotion("BACK2SCHOOL", 9, 1, 10, 25, 1.5),
    Promotion("BLACKFRIDAY", 11, 24, 8, 40, 2.0),
)


def promotion_of_day(days: np.ndarray) -> np.ndarray:
    """Index into PROMOTIONS of the sale running on each day, -1 when none."""
    year, _, _ = civil_from_days(days)
    result = np.full(len(days), -1, dtype=np.int64)
    for index, promo in enumerate(PROMOTIONS):
        first = days_from_civil(year, np.full_like(year, promo.month), np.full_like(year, promo.first_day))
        result[(days >= first) & (days < first + promo.length_days)] = index
    return result


def promotion_code(index: int, year: int) -> str:
    return f"{PROMOTIONS[index].name}{year % 100:02d}"


def demand_weights(window: Window, yearly_growth: float, promo_effect: bool = True) -> np.ndarray:
    """Relative volume per window day: exponential growth x seasons x weekdays x sales."""
    days = window.days
    t_years = (days - window.start_day) / 365.0
    weights = np.exp(np.log(yearly_growth) * t_years) * yearly_factor(days) * WEEKDAY_FACTOR[weekday(days)]
    if promo_effect:
        promo = promotion_of_day(days)
        lifts = np.array([p.lift for p in PROMOTIONS] + [1.0])
        weights = weights * lifts[promo]
    return weights / weights.sum()


# Hour-of-day profiles in the person's local time (index = hour).
SHOPPING_HOURS = np.array(
    [
        0.6,
        0.35,
        0.2,
        0.15,
        0.15,
        0.25,
        0.6,
        1.2,
        2.0,
        2.8,
        3.2,
        3.5,
        4.0,
        4.1,
        3.8,
        3.6,
        3.6,
        3.9,
        4.5,
        5.3,
        5.8,
        5.4,
        4.0,
        2.0,
    ]
)
LEARNING_HOURS = np.array(
    [
        0.8,
        0.4,
        0.2,
        0.1,
        0.1,
        0.3,
        1.2,
        2.6,
        2.9,
        2.4,
        2.2,
        2.4,
        3.2,
        3.3,
        2.5,
        2.3,
        2.5,
        2.9,
        3.8,
        4.8,
        5.6,
        5.6,
        4.4,
        2.2,
    ]
)


def time_of_day_draws(profile: np.ndarray) -> tuple[Draw, Draw]:
    """The two draws of `sample_time_of_day_ms`: an hour by the profile, a second in it."""
    p = profile / profile.sum()
    return (
        lambda rng, size: rng.choice(24, size=size, p=p),
        lambda rng, size: rng.integers(0, MS_PER_HOUR // MS_PER_SECOND, size),
    )


def time_of_day_ms(hours: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    return hours * MS_PER_HOUR + seconds * MS_PER_SECOND


def sample_time_of_day_ms(profile: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    hour, second = time_of_day_draws(profile)
    hours = hour(rng, size)
    return time_of_day_ms(hours, second(rng, size))


def sample_days(weights: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """Window day indexes (0-based) drawn with the given day weights."""
    return rng.choice(len(weights), size=size, p=weights / weights.sum())

"""Instructors, their courses, the course price log and the lessons of each course.

The marketplace launches at the start of the window: a pre-launch catalog is published before
it, and the catalog keeps growing after. A course can be bought on a UTC day when it was
published before that day began and not retired before it ended.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from orchestration.contracts import COURSE_CATEGORIES, CURRENCIES
from orchestration.datagen import names
from orchestration.datagen.geo import COUNTRY_CODES, EURO_COUNTRIES, sample_countries
from orchestration.datagen.sampling import (
    capped_lognormal,
    categorical,
    group_starts,
    pick_from_prefix,
    position_in_group,
    zipf_weights,
)
from orchestration.datagen.tables import Categorical, EntityTable
from orchestration.datagen.timeline import (
    MS_PER_DAY,
    MS_PER_HOUR,
    MS_PER_SECOND,
    Window,
    demand_weights,
    sample_days,
)

PRICE_POINTS_CENTS = np.array(
    [
        999,
        1299,
        1499,
        1999,
        2499,
        2999,
        3499,
        3999,
        4499,
        4999,
        5499,
        5999,
        6499,
        6999,
        7499,
        7999,
        8499,
        8999,
        9499,
        9999,
        10999,
        11999,
        12999,
        13999,
        14999,
        15999,
        17999,
        19999,
    ]
)
LEVELS = ("beginner", "intermediate", "advanced", "all_levels")
LEVEL_WEIGHTS = (0.35, 0.30, 0.12, 0.23)
LEVEL_PRICE_INDEX = np.array([9, 11, 15, 10])  # typical starting price point per level
LANGUAGES = ("en", "es", "pt", "de", "fr", "hi")
LANGUAGE_WEIGHTS = (0.74, 0.09, 0.07, 0.04, 0.03, 0.03)
CATEGORY_WEIGHTS = np.array([0.27, 0.18, 0.14, 0.10, 0.09, 0.11, 0.07, 0.04])  # COURSE_CATEGORIES order
CATEGORY_DEMAND = np.array([1.3, 1.4, 0.9, 0.8, 0.8, 1.0, 0.7, 0.6])
INSTRUCTOR_STATUSES = ("active", "suspended", "closed")
COURSE_STATUSES = ("draft", "published", "retired")
LESSON_TYPES = ("video", "reading", "quiz", "assignment")
VIDEO, READING, QUIZ, ASSIGNMENT = range(4)
PRE_LAUNCH_SHARE = 0.35
# Buyers respond to a course's price: demand scales with (price / first price) ** PRICE_ELASTICITY,
# so a price rise of a tenth loses about a tenth of the sales (online courses are price-elastic).
PRICE_ELASTICITY = -1.2
NEVER = np.iinfo(np.int64).max // 4


@dataclass(frozen=True)
class Catalog:
    """What the rest of the generator needs to know about courses (index i is course_id i + 1)."""

    category: np.ndarray
    currency: np.ndarray  # index into CURRENCIES of the course's price currency
    first_day: np.ndarray  # first whole UTC day (days since epoch) the course can be bought
    last_day: np.ndarray
    popularity: np.ndarray
    quality: np.ndarray  # shifts ratings and completion; ~N(0, 0.35)
    price_keys: np.ndarray  # course index * 2^42 + effective ms, sorted
    price_cents: np.ndarray
    price_change_ids: np.ndarray
    lesson_start: np.ndarray  # row of each course's first lesson in the lessons table
    lesson_count: np.ndarray
    lesson_type: np.ndarray
    lesson_video_s: np.ndarray

    @property
    def n_courses(self) -> int:
        return len(self.category)

    def _price_rows(self, courses: np.ndarray, ms: np.ndarray) -> np.ndarray:
        rows = np.searchsorted(self.price_keys, (courses << 42) + ms, side="right") - 1
        if np.any(rows < 0) or np.any(self.price_keys[np.maximum(rows, 0)] >> 42 != courses):
            raise ValueError("a course was priced before its first price took effect")
        return rows

    def price_at(self, courses: np.ndarray, ms: np.ndarray) -> np.ndarray:
        """List price in the course currency (cents) in force at each instant."""
        return self.price_cents[self._price_rows(courses, ms)]

    def price_change_in_force(self, courses: np.ndarray, ms: np.ndarray) -> np.ndarray:
        return self.price_change_ids[self._price_rows(courses, ms)]

    def available(self, day: int) -> np.ndarray:
        return np.flatnonzero((self.first_day <= day) & (self.last_day >= day))

    def price_response(self, courses: np.ndarray, day: int) -> np.ndarray:
        """Demand factor of each course at the price in force at the day's noon against its first
        price (PRICE_ELASTICITY)."""
        first = self.price_cents[np.searchsorted(self.price_keys, courses << 42)]
        now = self.price_at(courses, np.full(len(courses), day * MS_PER_DAY + MS_PER_DAY // 2))
        return (now / first) ** PRICE_ELASTICITY

    def pick(
        self,
        days: np.ndarray,
        rng: np.random.Generator,
        weights: np.ndarray | None = None,
        priced: bool = False,
    ) -> np.ndarray:
        """A course for each draw, weighted by popularity among the courses buyable that day and,
        when `priced` (a purchase, not a subscriber's pick), by its price response."""
        weights = self.popularity if weights is None else weights
        picks = np.empty(len(days), dtype=np.int64)
        order = np.argsort(days, kind="stable")
        unique_days, starts = np.unique(days[order], return_index=True)
        ends = np.r_[starts[1:], len(order)]
        for day, start, end in zip(unique_days, starts, ends, strict=True):
            candidates = self.available(int(day))
            p = weights[candidates] * (self.price_response(candidates, int(day)) if priced else 1.0)
            picks[order[start:end]] = candidates[rng.choice(len(candidates), size=end - start, p=p / p.sum())]
        return picks


def _second_of_day(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, MS_PER_DAY // MS_PER_SECOND, n) * MS_PER_SECOND


def _instants(
    window: Window, day_weights: np.ndarray, rng: np.random.Generator
) -> Callable[[np.ndarray], np.ndarray]:
    """Draws for Window.draw_inside: a window day by weight, then any second of it."""

    def draw(rows: np.ndarray) -> np.ndarray:
        days = window.start_day + sample_days(day_weights, len(rows), rng)
        return days * MS_PER_DAY + _second_of_day(len(rows), rng)

    return draw


def _instructors(
    window: Window, n: int, rng: np.random.Generator
) -> tuple[EntityTable, np.ndarray, np.ndarray, np.ndarray]:
    """Instructors sorted by joined_at; returns the table, join times, countries and statuses."""
    pre_launch = rng.random(n) < 0.4
    pre_launch[0] = True  # someone must be there to build the launch catalog
    before_launch = (window.start_day - rng.integers(150, 365, n)) * MS_PER_DAY + _second_of_day(n, rng)
    in_window = window.draw_inside(n, _instants(window, demand_weights(window, 1.6, promo_effect=False), rng))
    joined_ms = np.sort(np.where(pre_launch, before_launch, in_window))
    countries = sample_countries(n, rng)
    status = categorical([0.88, 0.04, 0.08], n, rng)
    table = EntityTable.build(
        "instructors",
        {
            "instructor_id": np.arange(1, n + 1),
            "instructor_name": names.join(
                names.pick(names.FIRST_NAMES, rng.integers(0, len(names.FIRST_NAMES), n)),
                names.pick(names.LAST_NAMES, rng.integers(0, len(names.LAST_NAMES), n)),
                separator=" ",
            ),
            "country_code": Categorical.of(tuple(COUNTRY_CODES), countries),
            "joined_at": joined_ms,
            "status": Categorical.of(INSTRUCTOR_STATUSES, status),
        },
    )
    return table, joined_ms, countries, status


def _course_dates(window: Window, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """created_at and published_at (NEVER for drafts) of each course."""
    pre_launch = rng.random(n) < PRE_LAUNCH_SHARE
    before_launch = (window.start_day - rng.integers(20, 150, n)) * MS_PER_DAY + _second_of_day(n, rng)
    in_window = window.draw_inside(n, _instants(window, demand_weights(window, 1.5, promo_effect=False), rng))
    created = np.where(pre_launch, before_launch, in_window)
    review_time = (rng.gamma(2.0, 8.0, n) * MS_PER_DAY).astype(
        np.int64
    ) // MS_PER_SECOND * MS_PER_SECOND + MS_PER_HOUR
    published = created + review_time
    published = np.where(pre_launch, np.minimum(published, window.start_ms - MS_PER_DAY), published)
    abandoned = (rng.random(n) < 0.03) & ~pre_launch
    published = np.where(abandoned | (published >= window.end_ms), NEVER, published)
    return created, published


def _retirements(
    window: Window, published: np.ndarray, owner_closed: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Retirement times (NEVER while live): a few courses after a month or more; all courses of
    instructors who closed their account, whenever that was."""
    n = len(published)
    live_span = np.where(published < NEVER, window.end_ms - published, 0)
    chosen = (live_span > 45 * MS_PER_DAY) & (rng.random(n) < 0.06)
    retire = (published < NEVER) & (chosen | owner_closed)
    after = (
        np.where(
            chosen,
            30 * MS_PER_DAY + rng.random(n) * np.maximum(live_span - 31 * MS_PER_DAY, 0),
            MS_PER_HOUR + rng.random(n) * np.maximum(live_span - 2 * MS_PER_HOUR, 0),
        ).astype(np.int64)
        // MS_PER_SECOND
        * MS_PER_SECOND
    )
    return np.where(retire, published + after, NEVER)


def _price_log(
    window: Window,
    published: np.ndarray,
    retired: np.ndarray,
    initial_index: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(course index, effective ms, price index) of every price change, sorted by course then time.

    The first price takes effect at publication; later changes move a few price points up or down.
    """
    live = np.flatnonzero(published < NEVER)
    rows_per_course = 1 + np.minimum(rng.poisson(1.1, len(live)), 4)
    course = np.repeat(live, rows_per_course)
    position = position_in_group(rows_per_course)
    span = np.minimum(retired[course], window.end_ms) - published[course]
    offset = np.where(position == 0, 0, (rng.random(len(course)) * span).astype(np.int64))
    effective = published[course] + offset // MS_PER_SECOND * MS_PER_SECOND
    order = np.lexsort((effective, course))  # groups keep their sizes: `position` still applies
    course, effective = course[order], effective[order]
    steps = np.where(position == 0, 0, rng.integers(1, 4, len(course)) * rng.choice([-1, 1], len(course)))
    cumulative = np.cumsum(steps)
    first = np.repeat(group_starts(rows_per_course), rows_per_course)
    price_index = np.clip(
        initial_index[course] + cumulative - cumulative[first], 0, len(PRICE_POINTS_CENTS) - 1
    )
    # A change clipped at the cheapest or dearest price point changes nothing: not a change.
    changed = (position == 0) | (price_index != np.r_[-1, price_index[:-1]])
    return course[changed], effective[changed], price_index[changed]


def _lessons(
    has_lessons: np.ndarray, rng: np.random.Generator
) -> tuple[EntityTable, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n_courses = len(has_lessons)
    counts = np.where(has_lessons, np.minimum(8 + rng.negative_binomial(2, 0.25, n_courses), 40), 0)
    module_size = rng.integers(3, 8, n_courses)
    course = np.repeat(np.arange(n_courses), counts)
    position = position_in_group(counts)
    module = position // module_size[course]
    closes_module = ((position + 1) % module_size[course] == 0) | (position == counts[course] - 1)
    lesson_type = np.where(
        closes_module,
        categorical([0.30, 0.0, 0.45, 0.25], len(course), rng),
        categorical([0.76, 0.24, 0.0, 0.0], len(course), rng),
    )
    video_s = np.where(
        lesson_type == VIDEO,
        np.clip(rng.lognormal(np.log(480), 0.5, len(course)), 60, 3600).astype(np.int64),
        0,
    )
    table = EntityTable.build(
        "lessons",
        {
            "lesson_id": np.arange(1, len(course) + 1),
            "course_id": course + 1,
            "module_number": module + 1,
            "lesson_position": position + 1,
            "lesson_type": Categorical.of(LESSON_TYPES, lesson_type),
            "video_seconds": video_s,
        },
    )
    return table, group_starts(counts), counts, lesson_type, video_s


def build_catalog(
    window: Window, n_instructors: int, n_courses: int, rng: np.random.Generator
) -> tuple[Catalog, dict[str, EntityTable]]:
    instructors, joined_ms, instructor_country, instructor_status = _instructors(window, n_instructors, rng)

    created, published = _course_dates(window, n_courses, rng)
    order = np.argsort(created, kind="stable")
    created, published = created[order], published[order]
    # Courses go to instructors who had joined by then; a few instructors never create one.
    teaches = rng.random(n_instructors) >= 0.06
    teaches[0] = True
    activity = capped_lognormal(n_instructors, 1.3, 60.0, rng) * teaches
    eligible = np.maximum(np.searchsorted(joined_ms, created, side="right"), 1)
    owner = pick_from_prefix(np.cumsum(activity), eligible, rng)
    created = np.maximum(created, joined_ms[owner] + MS_PER_DAY)
    published = np.where(published < NEVER, np.maximum(published, created + 3_600_000), NEVER)
    published = np.where(published < window.end_ms, published, NEVER)

    retired = _retirements(window, published, instructor_status[owner] == 2, rng)
    category = categorical(CATEGORY_WEIGHTS, n_courses, rng)
    level = categorical(LEVEL_WEIGHTS, n_courses, rng)
    owner_country = COUNTRY_CODES[instructor_country[owner]]
    local_pricing = rng.random(n_courses) < 0.6
    currency = np.full(n_courses, CURRENCIES.index("USD"))
    currency[local_pricing & np.isin(owner_country, list(EURO_COUNTRIES))] = CURRENCIES.index("EUR")
    currency[local_pricing & (owner_country == "GB")] = CURRENCIES.index("GBP")

    initial_index = np.clip(
        LEVEL_PRICE_INDEX[level] + np.round(rng.normal(0, 4, n_courses)).astype(np.int64),
        0,
        len(PRICE_POINTS_CENTS) - 1,
    )
    price_course, price_effective, price_index = _price_log(window, published, retired, initial_index, rng)
    price_cents = PRICE_POINTS_CENTS[price_index]
    change_order = np.argsort(price_effective, kind="stable")
    price_change_ids = np.empty(len(price_course), dtype=np.int64)
    price_change_ids[change_order] = np.arange(1, len(price_course) + 1)
    last_row = np.r_[price_course[1:] != price_course[:-1], True] if len(price_course) else np.zeros(0, bool)
    current_index = initial_index.copy()
    current_index[price_course[last_row]] = price_index[last_row]

    is_draft = published == NEVER
    has_lessons = ~is_draft | (rng.random(n_courses) < 0.5)
    lessons, lesson_start, lesson_count, lesson_type, lesson_video_s = _lessons(has_lessons, rng)

    subcategory_labels, subcategory = _subcategories(category, rng)
    topic_labels, topic = _topics(category, subcategory, subcategory_labels, rng)
    title = names.join(
        names.pick(names.TITLE_PREFIXES, rng.integers(0, len(names.TITLE_PREFIXES), n_courses)),
        " ",
        names.pick(topic_labels, topic),
        names.pick(names.TITLE_SUFFIXES, rng.integers(0, len(names.TITLE_SUFFIXES), n_courses)),
    )
    status = np.where(is_draft, 0, np.where(retired < NEVER, 2, 1))
    courses = EntityTable.build(
        "courses",
        {
            "course_id": np.arange(1, n_courses + 1),
            "instructor_id": owner + 1,
            "title": title,
            "category": Categorical.of(COURSE_CATEGORIES, category),
            "subcategory": Categorical.of(subcategory_labels, subcategory),
            "level": Categorical.of(LEVELS, level),
            "language": Categorical.of(LANGUAGES, categorical(LANGUAGE_WEIGHTS, n_courses, rng)),
            "list_price": PRICE_POINTS_CENTS[current_index],
            "currency": Categorical.of(CURRENCIES, currency),
            "status": Categorical.of(COURSE_STATUSES, status),
            "created_at": created,
            "published_at": np.where(is_draft, 0, published),
            "retired_at": np.where(retired < NEVER, retired, 0),
        },
        nulls={"published_at": is_draft, "retired_at": retired == NEVER},
    )
    prices = EntityTable.build(
        "course_prices",
        {
            "price_change_id": price_change_ids[change_order],
            "course_id": price_course[change_order] + 1,
            "list_price": price_cents[change_order],
            "currency": Categorical.of(CURRENCIES, currency[price_course[change_order]]),
            "effective_at": price_effective[change_order],
        },
    )
    quality = rng.normal(0, 0.35, n_courses)
    popularity = zipf_weights(n_courses, 1.05, rng) * np.sqrt(activity[owner] / activity[owner].mean())
    popularity *= CATEGORY_DEMAND[category] * np.exp(0.6 * quality)
    catalog = Catalog(
        category=category,
        currency=currency,
        first_day=np.where(is_draft, NEVER, -(-published // MS_PER_DAY)),
        last_day=np.where(retired < NEVER, retired // MS_PER_DAY - 1, NEVER),
        popularity=popularity / popularity.sum(),
        quality=quality,
        price_keys=(price_course << 42) + price_effective,
        price_cents=price_cents,
        price_change_ids=price_change_ids,
        lesson_start=lesson_start,
        lesson_count=lesson_count,
        lesson_type=lesson_type,
        lesson_video_s=lesson_video_s,
    )
    tables = {"instructors": instructors, "courses": courses, "course_prices": prices, "lessons": lessons}
    return catalog, tables


def _subcategories(category: np.ndarray, rng: np.random.Generator) -> tuple[tuple[str, ...], np.ndarray]:
    labels: list[str] = []
    codes = np.empty(len(category), dtype=np.int64)
    for index, name in enumerate(COURSE_CATEGORIES):
        subs = list(names.SUBCATEGORIES[name])
        members = np.flatnonzero(category == index)
        codes[members] = len(labels) + rng.integers(0, len(subs), len(members))
        labels += subs
    return tuple(labels), codes


def _topics(
    category: np.ndarray,
    subcategory: np.ndarray,
    subcategory_labels: tuple[str, ...],
    rng: np.random.Generator,
) -> tuple[tuple[str, ...], np.ndarray]:
    topics_of = {sub: topics for cat in names.SUBCATEGORIES.values() for sub, topics in cat.items()}
    labels: list[str] = []
    codes = np.empty(len(category), dtype=np.int64)
    for index, sub in enumerate(subcategory_labels):
        topics = topics_of[sub]
        members = np.flatnonzero(subcategory == index)
        codes[members] = len(labels) + rng.integers(0, len(topics), len(members))
        labels += topics
    return tuple(labels), codes

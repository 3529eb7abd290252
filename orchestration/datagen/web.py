"""Website sessions: every step registers the visits it needs (a signup, a checkout, a campaign
click), browsing fills up the rest, and the web-analytics export is built from the log at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.datagen.channels import RETURN_CHANNELS, Sources
from orchestration.datagen.geo import ZoneOffsets, sample_countries, sample_zones
from orchestration.datagen.marketing import CampaignTraffic
from orchestration.datagen.sampling import categorical, pick_from_prefix, position_in_group, random_hex_ids
from orchestration.datagen.tables import Categorical, EntityTable, fixed_width_text
from orchestration.datagen.timeline import (
    MS_PER_DAY,
    MS_PER_SECOND,
    SHOPPING_HOURS,
    Window,
    demand_weights,
    sample_days,
    sample_time_of_day_ms,
)

DEVICES = ("desktop", "mobile", "tablet")
DEVICE_WEIGHTS = (0.50, 0.42, 0.08)
STATIC_PAGES = ("/", "/courses", "/search", "/pricing", "/signup", "/subscribe", "/blog", "/my-learning")
BROWSE_PAGE_WEIGHTS = (0.30, 0.12, 0.10, 0.05, 0.03, 0.03, 0.07, 0.10)  # rest: course pages
BROWSE_COURSE_PAGE_SHARE = 0.20
LOGGED_IN_BROWSE_SHARE = 0.5
# Anonymous traffic: visitors who look around without signing up or buying (most of a site's
# sessions). They land on the home page, course pages from search and ads, or the blog.
ANONYMOUS_PAGE_WEIGHTS = (0.34, 0.10, 0.06, 0.06, 0.02, 0.01, 0.16, 0.0)  # rest: course pages
ANONYMOUS_COURSE_PAGE_SHARE = 0.25
ANONYMOUS_CHANNELS = {
    "organic_search": 0.36,
    "direct": 0.18,
    "paid_search": 0.17,
    "social": 0.15,
    "referral": 0.10,
    "email": 0.04,
}
BOUNCE_ANONYMOUS = 0.56  # of non-converting sessions: one page and gone
BOUNCE_LOGGED_IN = 0.35
ANONYMOUS_CHUNK = 2_000_000  # sessions drawn at a time, to bound temporary arrays


def course_page(course: np.ndarray) -> np.ndarray:
    """Page code of a course's page in the landing-page vocabulary."""
    return len(STATIC_PAGES) + np.asarray(course)


def page_code(path: str) -> int:
    return STATIC_PAGES.index(path)


@dataclass
class SessionLog:
    """Sessions in registration order; an index into the log identifies a session until export."""

    n_students: int
    _parts: list[dict[str, np.ndarray]] = field(default_factory=list)
    _touches: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    _size: int = 0

    def add(
        self,
        start_ms: np.ndarray,
        user: np.ndarray,
        device: np.ndarray,
        source: np.ndarray,
        landing: np.ndarray,
        converted: bool,
        last_event_ms: np.ndarray | None = None,
        second_device: np.ndarray | None = None,
    ) -> np.ndarray:
        """Register sessions (user 0 = anonymous); returns their log indexes."""
        n = len(start_ms)
        part = {
            "start_ms": np.asarray(start_ms, dtype=np.int64),
            "user": np.asarray(user, dtype=np.int64),
            "device": np.asarray(device, dtype=np.int32),
            "source": np.asarray(source, dtype=np.int32),
            "landing": np.asarray(landing, dtype=np.int32),
            "converted": np.full(n, converted),
            "last_event_ms": np.asarray(start_ms if last_event_ms is None else last_event_ms, dtype=np.int64),
            "second_device": np.zeros(n, bool) if second_device is None else np.asarray(second_device, bool),
        }
        self._parts.append(part)
        indexes = np.arange(self._size, self._size + n)
        self._size += n
        return indexes

    def touch(self, indexes: np.ndarray, ms: np.ndarray) -> None:
        """Something happened in these sessions at these instants (the session lasts at least until then)."""
        self._touches.append((np.asarray(indexes, dtype=np.int64), np.asarray(ms, dtype=np.int64)))

    def last_event_ms(self) -> np.ndarray:
        last = self.column("last_event_ms")
        for indexes, ms in self._touches:
            np.maximum.at(last, indexes, ms)
        return last

    def __len__(self) -> int:
        return self._size

    def column(self, name: str) -> np.ndarray:
        return np.concatenate([p[name] for p in self._parts]) if self._parts else np.zeros(0, np.int64)


LEAD_ORDER, LEAD, EXISTING_ORDER, CAMPAIGN_BROWSE = range(4)


@dataclass(frozen=True)
class CampaignVisits:
    """One row per session a campaign link brought, with what the visit will turn into."""

    campaign: np.ndarray
    start_ms: np.ndarray
    country: np.ndarray
    zone: np.ndarray
    role: np.ndarray  # LEAD_ORDER, LEAD, EXISTING_ORDER or CAMPAIGN_BROWSE


def campaign_visits(
    traffic: CampaignTraffic, window: Window, offsets: ZoneOffsets, rng: np.random.Generator
) -> CampaignVisits:
    """Campaign sessions at local times of day, kept on their metric day in UTC."""
    campaign = np.repeat(traffic.campaign, traffic.sessions)
    day = np.repeat(traffic.day, traffic.sessions)
    position = position_in_group(traffic.sessions)
    lead_orders = np.repeat(traffic.lead_orders, traffic.sessions)
    leads = np.repeat(traffic.leads, traffic.sessions)
    existing = np.repeat(traffic.existing_orders, traffic.sessions)
    role = np.select(
        [position < lead_orders, position < leads, position < leads + existing],
        [LEAD_ORDER, LEAD, EXISTING_ORDER],
        CAMPAIGN_BROWSE,
    )
    n = len(campaign)
    country = sample_countries(n, rng)
    zone = sample_zones(country, rng)

    def visit_at(rows: np.ndarray) -> np.ndarray:  # a local hour, kept on the clicks' UTC day
        local = day[rows] * MS_PER_DAY + sample_time_of_day_ms(SHOPPING_HOURS, len(rows), rng)
        start = offsets.to_utc(zone[rows], local)
        return start + (day[rows] - np.floor_divide(start, MS_PER_DAY)) * MS_PER_DAY

    # On the end's day the metrics are the day so far: its visits come before the end.
    return CampaignVisits(campaign, window.draw_inside(n, visit_at), country, zone, role)


def add_campaign_browsing(
    log: SessionLog,
    visits: CampaignVisits,
    used: np.ndarray,
    promoted_course: np.ndarray,
    sources: Sources,
    rng: np.random.Generator,
) -> None:
    """Campaign visits that neither signed up nor bought (anonymous, mostly on phones)."""
    unused_order_visit = (visits.role == EXISTING_ORDER) & ~np.isin(np.arange(len(visits.role)), used)
    browse = np.flatnonzero((visits.role == CAMPAIGN_BROWSE) | unused_order_visit)
    log.add(
        visits.start_ms[browse],
        np.zeros(len(browse), np.int64),
        np.where(rng.random(len(browse)) < 0.7, DEVICES.index("mobile"), DEVICES.index("desktop")),
        sources.campaign_source(visits.campaign[browse]),
        course_page(promoted_course[visits.campaign[browse]]),
        converted=False,
    )


def session_id_column(session_of_row: np.ndarray, session_ids: pa.Array) -> pa.Array:
    """The sessionId of each row's session log index; null where the index is -1 (no web session)."""
    ids = session_ids.take(pa.array(np.maximum(session_of_row, 0)))
    return pc.if_else(pa.array(session_of_row >= 0), ids, pa.scalar(None, pa.string()))


def add_browsing(
    log: SessionLog,
    target: int,
    window: Window,
    signup_ms: np.ndarray,
    zone: np.ndarray,
    device: np.ndarray,
    offsets: ZoneOffsets,
    sources: Sources,
    course_popularity: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Sessions that neither sign up nor buy, until the log holds `target` sessions.

    Half are logged-in students coming back (after their signup, active students more often),
    half anonymous visitors, some of whom return several times.
    """
    missing = max(target - len(log), 0)
    if missing == 0:
        return
    wants_login = rng.random(missing) < LOGGED_IN_BROWSE_SHARE
    day_weights = demand_weights(window, 1.8)
    activity = np.cumsum(rng.lognormal(0, 1.0, len(signup_ms)))
    visitor_zone = rng.choice(zone, size=missing)  # anonymous visitors look like the student base
    user = np.zeros(missing, dtype=np.int64)

    def started_at(rows: np.ndarray) -> np.ndarray:  # a day, who browses, their local hour
        days = window.start_day + sample_days(day_weights, len(rows), rng)
        local_ms = days * MS_PER_DAY + sample_time_of_day_ms(SHOPPING_HOURS, len(rows), rng)
        # Students: eligible once signed up a day before (signup_ms is sorted by student id).
        eligible = np.searchsorted(signup_ms, days * MS_PER_DAY - MS_PER_DAY, side="right")
        member = wants_login[rows] & (eligible > 0)
        user[rows] = 0
        user[rows[member]] = pick_from_prefix(activity, eligible[member], rng) + 1
        session_zone = np.where(member, zone[np.maximum(user[rows] - 1, 0)], visitor_zone[rows])
        return offsets.to_utc(session_zone, local_ms)

    start = window.draw_inside(missing, started_at)
    logged_in = user > 0
    start = np.where(logged_in, np.maximum(start, signup_ms[np.maximum(user - 1, 0)] + MS_PER_SECOND), start)
    session_device = np.where(
        logged_in & (rng.random(missing) < 0.75),
        device[np.maximum(user - 1, 0)],
        categorical(DEVICE_WEIGHTS, missing, rng),
    )
    landing = np.where(
        rng.random(missing) < BROWSE_COURSE_PAGE_SHARE,
        course_page(rng.choice(len(course_popularity), size=missing, p=course_popularity)),
        categorical(BROWSE_PAGE_WEIGHTS, missing, rng),
    )
    log.add(
        start,
        user,
        session_device,
        sources.sample(RETURN_CHANNELS, missing, rng),
        landing,
        converted=False,
        second_device=logged_in & (session_device != device[np.maximum(user - 1, 0)]),
    )


def add_anonymous_traffic(
    log: SessionLog,
    target: int,
    window: Window,
    zone: np.ndarray,
    offsets: ZoneOffsets,
    sources: Sources,
    course_popularity: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Anonymous visits that neither sign up nor buy, until the log holds `target` sessions.

    Drawn in chunks; visitors come from the same countries as the students, at shopping hours,
    on days weighted by demand (growth, seasons, sales).
    """
    missing = max(target - len(log), 0)
    day_weights = demand_weights(window, 1.8)
    for size in [ANONYMOUS_CHUNK] * (missing // ANONYMOUS_CHUNK) + [missing % ANONYMOUS_CHUNK]:
        if size == 0:
            continue
        visitor_zone = rng.choice(zone, size=size)

        def started_at(rows: np.ndarray, zones: np.ndarray = visitor_zone) -> np.ndarray:
            days = window.start_day + sample_days(day_weights, len(rows), rng)
            local_ms = days * MS_PER_DAY + sample_time_of_day_ms(SHOPPING_HOURS, len(rows), rng)
            return offsets.to_utc(zones[rows], local_ms)

        start = window.draw_inside(size, started_at)
        landing = np.where(
            rng.random(size) < ANONYMOUS_COURSE_PAGE_SHARE,
            course_page(rng.choice(len(course_popularity), size=size, p=course_popularity)),
            categorical(ANONYMOUS_PAGE_WEIGHTS, size, rng),
        )
        log.add(
            start,
            np.zeros(size, np.int64),
            categorical(DEVICE_WEIGHTS, size, rng),
            sources.sample(ANONYMOUS_CHANNELS, size, rng),
            landing,
            converted=False,
        )


def build_sessions(
    log: SessionLog, sources: Sources, n_courses: int, referenced: np.ndarray, rng: np.random.Generator
) -> tuple[EntityTable, pa.Array]:
    """The sessions export sorted by start, and the sessionId of each log index."""
    start = log.column("start_ms")
    order = np.argsort(start, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    session_ids = fixed_width_text(random_hex_ids(np.arange(len(order)), 16, salt=0x5E55))

    user = log.column("user")
    anonymous = user == 0
    n = len(start)
    # Anonymous visitors: a pool smaller than their sessions, so some visitors come back.
    pool = max(int(anonymous.sum() * 0.7), 1)
    visitor = np.where(
        anonymous,
        2 * log.n_students + 1 + rng.integers(0, pool, n),
        user + log.n_students * log.column("second_device"),
    )
    converted = log.column("converted")
    bounce = ~converted & (rng.random(n) < np.where(anonymous, BOUNCE_ANONYMOUS, BOUNCE_LOGGED_IN))
    pageviews = np.where(converted, 3 + rng.poisson(5, n), np.where(bounce, 1, 2 + rng.poisson(2.5, n)))
    browsing_s = np.where(bounce, rng.integers(0, 15, n), pageviews * rng.lognormal(np.log(45), 0.6, n))
    needed_s = (log.last_event_ms() - start) / 1000 + rng.integers(20, 240, n)
    duration = np.minimum(np.maximum(browsing_s, np.where(converted, needed_s, 0)), 86_400).astype(np.int64)

    source = log.column("source")
    pages = STATIC_PAGES + tuple(f"/courses/{i}" for i in range(1, n_courses + 1))
    referrer_labels, referrer_codes = sources.column("referrer")
    utm = {f: sources.column(f) for f in ("utm_source", "utm_medium", "utm_campaign")}
    table = EntityTable.build(
        "sessions",
        {
            "sessionId": session_ids,
            "visitorId": fixed_width_text(random_hex_ids(visitor[order], 16, salt=0x71517)),
            "userId": user[order],
            "sessionStart": start[order],
            "deviceCategory": Categorical.of(DEVICES, log.column("device")[order]),
            "landingPage": Categorical.of(pages, log.column("landing")[order]),
            "referrer": Categorical.of(referrer_labels, referrer_codes[source[order]]),
            "utmSource": Categorical.of(utm["utm_source"][0], utm["utm_source"][1][source[order]]),
            "utmMedium": Categorical.of(utm["utm_medium"][0], utm["utm_medium"][1][source[order]]),
            "utmCampaign": Categorical.of(utm["utm_campaign"][0], utm["utm_campaign"][1][source[order]]),
            "pageviews": pageviews[order],
            "durationSeconds": duration[order],
            "converted": converted[order],
        },
        nulls={"userId": anonymous[order]},
        protected=referenced[order],
    )
    return table, session_ids.take(pa.array(rank))

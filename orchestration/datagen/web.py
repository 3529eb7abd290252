"""Website sessions: every step registers the visits it needs (a signup, a checkout, a campaign
click), browsing fills up the rest, and the web-analytics export is built from the log at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from orchestration.datagen.channels import RETURN_CHANNELS, Sources
from orchestration.datagen.geo import ZoneOffsets, sample_countries, sample_zones
from orchestration.datagen.marketing import CampaignTraffic
from orchestration.datagen.sampling import (
    Draw,
    DrawStream,
    categorical,
    pick_with,
    position_in_group,
    random_hex_ids,
    stream_ahead,
)
from orchestration.datagen.spill import ColumnOf, Layout, MonthSpill, SpilledTable, blocks
from orchestration.datagen.tables import Categorical, fixed_width_text
from orchestration.datagen.timeline import (
    MS_PER_DAY,
    MS_PER_SECOND,
    SHOPPING_HOURS,
    Window,
    demand_weights,
    sample_days,
    sample_time_of_day_ms,
    time_of_day_draws,
    time_of_day_ms,
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


LOG_RECORD = np.dtype(
    [
        ("start_ms", np.int64),
        ("user", np.int64),
        ("device", np.int32),
        ("source", np.int32),
        ("landing", np.int32),
        ("converted", np.bool_),
        ("last_event_ms", np.int64),
        ("second_device", np.bool_),
    ]
)


@dataclass
class SessionLog:
    """Sessions in registration order; an index into the log identifies a session until export.

    Each registered batch goes to a scratch file: tens of millions of sessions are never held."""

    n_students: int
    scratch: Path
    # Visitor numbers across shards (shards.py): the shard's first student is student_base + 1 of
    # all_students (0: this log's students are all), its anonymous visitors follow anonymous_base.
    student_base: int = 0
    all_students: int = 0
    anonymous_base: int = 0
    _parts: list[tuple[Path, int]] = field(default_factory=list)  # file, first log index
    _touches: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    _size: int = 0
    n_anonymous: int = 0

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
        part = np.empty(n, dtype=LOG_RECORD)
        part["start_ms"] = start_ms
        part["user"] = user
        part["device"] = device
        part["source"] = source
        part["landing"] = landing
        part["converted"] = converted
        part["last_event_ms"] = start_ms if last_event_ms is None else last_event_ms
        part["second_device"] = False if second_device is None else second_device
        self.scratch.mkdir(parents=True, exist_ok=True)
        path = self.scratch / f"log-{len(self._parts)}.npy"
        np.save(path, part)
        self._parts.append((path, self._size))
        self.n_anonymous += int(np.count_nonzero(part["user"] == 0))
        indexes = np.arange(self._size, self._size + n)
        self._size += n
        return indexes

    def touch(self, indexes: np.ndarray, ms: np.ndarray) -> None:
        """Something happened in these sessions at these instants (the session lasts at least until then)."""
        self._touches.append((np.asarray(indexes, dtype=np.int64), np.asarray(ms, dtype=np.int64)))

    def __len__(self) -> int:
        return self._size

    def discard(self) -> None:
        """Remove the scratch files once the export is built."""
        for path, _ in self._parts:
            path.unlink(missing_ok=True)

    def read(self, start: int, stop: int) -> np.ndarray:
        """Log indexes start..stop-1, their last_event_ms raised to what touched them."""
        pieces = []
        for index, (path, first) in enumerate(self._parts):
            end = self._parts[index + 1][1] if index + 1 < len(self._parts) else self._size
            if first < stop and end > start:
                mapped = np.load(path, mmap_mode="r")
                pieces.append(np.array(mapped[max(start - first, 0) : min(stop, end) - first]))
                del mapped
        records = np.concatenate(pieces) if pieces else np.zeros(0, dtype=LOG_RECORD)
        for indexes, ms in self._touches:
            inside = (indexes >= start) & (indexes < stop)
            np.maximum.at(records["last_event_ms"], indexes[inside] - start, ms[inside])
        return records


LEAD_ORDER, LEAD, EXISTING_ORDER, CAMPAIGN_BROWSE = range(4)


@dataclass(frozen=True)
class CampaignVisits:
    """One row per session a campaign link brought, with what the visit will turn into."""

    campaign: np.ndarray
    start_ms: np.ndarray
    country: np.ndarray
    zone: np.ndarray
    role: np.ndarray  # LEAD_ORDER, LEAD, EXISTING_ORDER or CAMPAIGN_BROWSE

    def shard(self, shard: int, shards: int) -> CampaignVisits:
        """Every `shards`-th visit from the shard's: each shard's students get their share."""
        if shards == 1:
            return self
        return CampaignVisits(*(getattr(self, f)[shard::shards] for f in self.__dataclass_fields__))


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


@dataclass(frozen=True)
class SessionRows:
    """Row numbers in the sessions export of the session log indexes other rows point to."""

    log_index: np.ndarray  # ascending
    row: np.ndarray  # counted from the export's first row (a shard's first row, shards.py)

    def session_ids(self, session_of_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the sessionId of each row's session log index as fixed-width bytes, a null mask: where
        the index is -1, no web session); bytes, so the column can be stashed with its table."""
        web = session_of_row >= 0
        rows = np.zeros(len(session_of_row), dtype=np.int64)
        rows[web] = self.row[np.searchsorted(self.log_index, session_of_row[web])]
        return random_hex_ids(rows, 16, salt=SESSION_ID_SALT), ~web


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

    Every draw is one call over all the sessions (the realization), taken as a stream
    (sampling.stream_ahead): sessions are made and logged a block at a time, and only who
    browses and when are held for all of them (rows drawn outside the window are drawn again).
    """
    missing = max(target - len(log), 0)
    if missing == 0:
        return
    wants_login = rng.random(missing) < LOGGED_IN_BROWSE_SHARE
    day_weights = demand_weights(window, 1.8)
    activity = np.cumsum(rng.lognormal(0, 1.0, len(signup_ms)))
    visitor_zone = rng.choice(zone, size=missing)  # anonymous visitors look like the student base
    user = np.zeros(missing, dtype=np.int64)

    def eligible_on(days: np.ndarray) -> np.ndarray:  # students signed up a day before (signup_ms is sorted)
        return np.searchsorted(signup_ms, days * MS_PER_DAY - MS_PER_DAY, side="right")

    def started(rows: np.ndarray, day_index: np.ndarray, time_of_day: np.ndarray, uniforms: Draw) -> np.ndarray:
        """Who browses in these rows (into `user`) and when (UTC), from a day, a local time of day
        and, for the members among them, `uniforms(rng, k)` to pick one by activity."""
        days = window.start_day + day_index
        eligible = eligible_on(days)
        member = wants_login[rows] & (eligible > 0)
        user[rows] = 0
        user[rows[member]] = pick_with(activity, eligible[member], uniforms(rng, int(np.count_nonzero(member)))) + 1
        session_zone = np.where(member, zone[np.maximum(user[rows] - 1, 0)], visitor_zone[rows])
        return offsets.to_utc(session_zone, days * MS_PER_DAY + time_of_day)

    members = 0

    def count_members(first: int, day_index: np.ndarray) -> None:
        nonlocal members
        eligible = eligible_on(window.start_day + day_index)
        members += int(np.count_nonzero(wants_login[first : first + len(day_index)] & (eligible > 0)))

    hour, second = time_of_day_draws(SHOPPING_HOURS)
    day_draws = stream_ahead(rng, lambda r, k: sample_days(day_weights, k, r), missing, count_members)
    hours, seconds = stream_ahead(rng, hour, missing), stream_ahead(rng, second, missing)
    picks = stream_ahead(rng, lambda r, k: r.random(k), members)
    start = np.empty(missing, dtype=np.int64)
    for first, stop in blocks(missing):
        k = stop - first
        time_of_day = time_of_day_ms(hours.take(k), seconds.take(k))
        start[first:stop] = started(np.arange(first, stop), day_draws.take(k), time_of_day, lambda _, n: picks.take(n))
    start = window.redraw_outside(
        start,
        lambda rows: started(
            rows,
            sample_days(day_weights, len(rows), rng),
            sample_time_of_day_ms(SHOPPING_HOURS, len(rows), rng),
            lambda r, k: r.random(k),
        ),
    )

    keeps_device = stream_ahead(rng, lambda r, k: r.random(k), missing)
    other_device = stream_ahead(rng, lambda r, k: categorical(DEVICE_WEIGHTS, k, r), missing)
    to_course = stream_ahead(rng, lambda r, k: r.random(k), missing)
    course = stream_ahead(rng, lambda r, k: r.choice(len(course_popularity), size=k, p=course_popularity), missing)
    page = stream_ahead(rng, lambda r, k: categorical(BROWSE_PAGE_WEIGHTS, k, r), missing)
    source = sources.sample_ahead(RETURN_CHANNELS, missing, rng)
    for first, stop in blocks(missing):
        k, who = stop - first, user[first:stop]
        logged_in = who > 0
        usual_device = device[np.maximum(who - 1, 0)]
        session_device = np.where(logged_in & (keeps_device.take(k) < 0.75), usual_device, other_device.take(k))
        landing = np.where(
            to_course.take(k) < BROWSE_COURSE_PAGE_SHARE, course_page(course.take(k)), page.take(k)
        )
        signed_up = signup_ms[np.maximum(who - 1, 0)] + MS_PER_SECOND
        log.add(
            np.where(logged_in, np.maximum(start[first:stop], signed_up), start[first:stop]),
            who,
            session_device,
            source(k),
            landing,
            converted=False,
            second_device=logged_in & (session_device != usual_device),
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


SESSION_ID_SALT = 0x5E55
VISITOR_ID_SALT = 0x71517
SESSION_RECORD = np.dtype(
    [
        ("start_ms", np.int64),
        ("log_index", np.int64),
        ("visitor", np.int64),
        ("user", np.int64),
        ("device", np.int32),
        ("landing", np.int32),
        ("source", np.int32),
        ("pageviews", np.int64),
        ("duration", np.int64),
        ("converted", np.bool_),
        ("referenced", np.bool_),
    ]
)


def anonymous_visitors(log: SessionLog) -> int:
    """How many visitors the log's anonymous sessions come from: fewer than the sessions."""
    return max(int(log.n_anonymous * 0.7), 1)


def _session_draws(log: SessionLog, rng: np.random.Generator) -> list[DrawStream]:
    """The per-session draws, in the order the export has always drawn them (whole-log calls)."""
    pool = anonymous_visitors(log)
    draws: tuple[Draw, ...] = (
        lambda r, k: r.integers(0, pool, k),  # visitor of an anonymous session
        lambda r, k: r.random(k),  # bounce
        lambda r, k: r.poisson(5, k),  # pages of a converting session
        lambda r, k: r.poisson(2.5, k),  # pages of a browsing one
        lambda r, k: r.integers(0, 15, k),  # seconds of a bounce
        lambda r, k: r.lognormal(np.log(45), 0.6, k),  # seconds per page
        lambda r, k: r.integers(20, 240, k),  # seconds after the last event
    )
    return [stream_ahead(rng, draw, len(log)) for draw in draws]


def _session_records(log: SessionLog, start: int, stop: int, draws: list[np.ndarray]) -> np.ndarray:
    """Log indexes start..stop-1 as export records (all but which of them are referenced)."""
    visitor_draw, bounce_draw, converting_pages, browsing_pages, bounce_s, page_s, after_s = draws
    entry = log.read(start, stop)
    user, converted = entry["user"], entry["converted"]
    anonymous = user == 0
    bounce = ~converted & (bounce_draw < np.where(anonymous, BOUNCE_ANONYMOUS, BOUNCE_LOGGED_IN))
    pageviews = np.where(converted, 3 + converting_pages, np.where(bounce, 1, 2 + browsing_pages))
    browsing_s = np.where(bounce, bounce_s, pageviews * page_s)
    needed_s = (entry["last_event_ms"] - entry["start_ms"]) / 1000 + after_s
    records = np.empty(stop - start, dtype=SESSION_RECORD)
    records["start_ms"] = entry["start_ms"]
    records["log_index"] = np.arange(start, stop)
    students = log.all_students or log.n_students
    records["visitor"] = np.where(
        anonymous,
        2 * students + 1 + log.anonymous_base + visitor_draw,
        user + log.student_base + students * entry["second_device"],
    )
    records["user"] = user
    records["device"] = entry["device"]
    records["landing"] = entry["landing"]
    records["source"] = entry["source"]
    records["pageviews"] = pageviews
    records["duration"] = np.minimum(np.maximum(browsing_s, np.where(converted, needed_s, 0)), 86_400).astype(
        np.int64
    )
    records["converted"] = converted
    return records


def build_sessions(
    log: SessionLog,
    sources: Sources,
    n_courses: int,
    referenced: np.ndarray,
    rng: np.random.Generator,
    scratch: Path,
    first_row: int = 0,
) -> tuple[SpilledTable, SessionRows]:
    """The sessions export sorted by start (spilled by month), and the export rows of the
    `referenced` log indexes (ascending): the sessions other rows point to, never given a defect.
    Session ids are made from row numbers counted from `first_row` (a shard's, shards.py)."""
    draws = _session_draws(log, rng)
    spill = MonthSpill(scratch, SESSION_RECORD, "start_ms")
    for start, stop in blocks(len(log)):
        records = _session_records(log, start, stop, [d.take(stop - start) for d in draws])
        records["referenced"] = np.isin(records["log_index"], referenced)
        spill.append(records)
    protected = np.empty(spill.n_rows, dtype=bool)  # filled in place: no list of parts to join
    rows, first = [], 0
    for _, records in spill.sort():  # ties in start keep log order, as a stable sort of the log
        marked = protected[first : first + len(records)]
        marked[:] = records["referenced"]
        rows.append((records["log_index"][marked], first + np.flatnonzero(marked)))
        first += len(records)
    log_index = np.concatenate([r[0] for r in rows]) if rows else np.zeros(0, np.int64)
    row = np.concatenate([r[1] for r in rows]) if rows else np.zeros(0, np.int64)
    by_log = np.argsort(log_index)
    table = spill.table("sessions", _sessions_layout(sources, n_courses), protected)
    table.first_id_row = first_row
    return table, SessionRows(log_index[by_log], first_row + row[by_log])


def _sessions_layout(sources: Sources, n_courses: int) -> Layout:
    pages = STATIC_PAGES + tuple(f"/courses/{i}" for i in range(1, n_courses + 1))
    referrer_labels, referrer_codes = sources.column("referrer")
    utm = {f: sources.column(f) for f in ("utm_source", "utm_medium", "utm_campaign")}

    def by_source(labels: list[str | None], codes: np.ndarray) -> ColumnOf:
        return lambda records, _: Categorical.of(labels, codes[records["source"]])

    return Layout(
        {
            "sessionId": lambda _, rows: fixed_width_text(random_hex_ids(rows, 16, salt=SESSION_ID_SALT)),
            "visitorId": lambda r, _: fixed_width_text(random_hex_ids(r["visitor"], 16, salt=VISITOR_ID_SALT)),
            "userId": lambda r, _: r["user"],
            "sessionStart": lambda r, _: r["start_ms"],
            "deviceCategory": lambda r, _: Categorical.of(DEVICES, r["device"]),
            "landingPage": lambda r, _: Categorical.of(pages, r["landing"]),
            "referrer": by_source(referrer_labels, referrer_codes),
            "utmSource": by_source(*utm["utm_source"]),
            "utmMedium": by_source(*utm["utm_medium"]),
            "utmCampaign": by_source(*utm["utm_campaign"]),
            "pageviews": lambda r, _: r["pageviews"],
            "durationSeconds": lambda r, _: r["duration"],
            "converted": lambda r, _: r["converted"],
        },
        nulls={"userId": lambda r, _: r["user"] == 0},
        protected=lambda r, _: r["referenced"],
    )

"""Orders, their lines, payment attempts and refunds.

Who buys when: most students buy soon after signing up (often in the signup visit), and buyers
come back to buy again with a heavy-tailed frequency; campaign visits bring their own orders.
Prices are the course price in force at checkout converted to the buyer's currency at that UTC
day's rate; coupons (sitewide sales, welcome offer, influencer codes) take a share off every line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.contracts import CURRENCIES
from orchestration.datagen.catalog import Catalog
from orchestration.datagen.channels import RETURN_CHANNELS, Sources
from orchestration.datagen.fx import Rates
from orchestration.datagen.geo import COUNTRIES, PAYMENT_METHODS, ZoneOffsets
from orchestration.datagen.incidents import NO_INCIDENTS, OUTAGE_FAILURE_RATE, PRICE_CUT_PCT, Incidents
from orchestration.datagen.marketing import COUPON_PCT, CampaignTraffic
from orchestration.datagen.sampling import (
    capped_lognormal,
    categorical,
    group_starts,
    pick_from_prefix,
    position_in_group,
)
from orchestration.datagen.students import Students
from orchestration.datagen.tables import Categorical, EntityTable, Keep, in_memory
from orchestration.datagen.timeline import (
    MS_PER_DAY,
    MS_PER_HOUR,
    MS_PER_SECOND,
    PROMOTIONS,
    SHOPPING_HOURS,
    Window,
    civil_from_days,
    demand_weights,
    promotion_code,
    promotion_of_day,
    sample_days,
    sample_time_of_day_ms,
)
from orchestration.datagen.web import EXISTING_ORDER, CampaignVisits, SessionLog, course_page, page_code

ITEMS_PER_ORDER = (0.84, 0.12, 0.03, 0.01)
ITEMS_PER_CAMPAIGN_ORDER = (0.62, 0.28, 0.08, 0.02)  # the promoted course, often with a companion course
BUY_PROBABILITY = 0.78
LATER_BUY_PROBABILITY_OF_LEADS = 0.5
SAME_VISIT_FIRST_ORDER = 0.45
FIRST_ORDER_DELAY_DAYS = 20.0
REPEAT_RETENTION_DAYS = 500.0
APP_ORDER_SHARE = (0.15, 0.7)  # of later orders placed in the app: by web signups, by app signups
FAILURE_RATE = {"card": 0.075, "paypal": 0.045, "apple_pay": 0.03, "google_pay": 0.04, "bank_transfer": 0.10}
RETRY_PROBABILITY = (0.65, 0.5)
RETRY_FAILURE_RATE = 0.35
FAILURE_REASONS = (
    "card_declined",
    "insufficient_funds",
    "expired_card",
    "authentication_failed",
    "processing_error",
)
FAILURE_REASON_WEIGHTS = (0.40, 0.25, 0.10, 0.15, 0.10)
REFUND_RATE = 0.045
REFUND_REASONS = ("not_as_described", "quality", "accidental_purchase", "duplicate", "other")
REFUND_REASON_WEIGHTS = (0.30, 0.25, 0.20, 0.05, 0.20)
PAYMENT_STATUSES = ("paid", "failed", "pending", "refunded", "partially_refunded")
PAID, FAILED, PENDING, REFUNDED, PARTIALLY_REFUNDED = range(5)
FIRST_ORDER, REPEAT_ORDER, CAMPAIGN_ORDER = range(3)
WELCOME = ("WELCOME10", 10, 0.3)
FLASH = (("FLASH10", 10), ("FLASH20", 20))
NEVER = np.iinfo(np.int64).max // 4


@dataclass(frozen=True)
class Purchases:
    """Paid order lines, which grant access to their course (enrollments)."""

    student: np.ndarray
    course: np.ndarray
    order_item_id: np.ndarray
    enrolled_ms: np.ndarray


@dataclass(frozen=True)
class Commerce:
    tables: dict[str, EntityTable]
    purchases: Purchases
    order_session: np.ndarray  # session log index of each order row; -1 for app orders
    used_price_changes: np.ndarray  # price_change_id of the price each line was sold at
    used_campaign_visits: np.ndarray  # campaign visits that became an order's session


def _first_orders(
    window: Window, students: Students, offsets: ZoneOffsets, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Time of each student's first order (NEVER if none) and whether it is in the signup visit."""
    n = len(students)
    is_lead = students.lead_campaign >= 0
    at_signup = students.orders_at_signup
    buys = ~at_signup & (rng.random(n) < np.where(is_lead, LATER_BUY_PROBABILITY_OF_LEADS, BUY_PROBABILITY))
    # A campaign lead's purchase in the signup visit is the campaign's (LEAD_ORDER); later ones are not.
    same_visit = buys & ~is_lead & (students.signup_session >= 0) & (rng.random(n) < SAME_VISIT_FIRST_ORDER)
    delayed = buys & ~same_visit
    signup = students.signup_ms
    first = np.full(n, NEVER)
    first[at_signup] = signup[at_signup] + rng.integers(120, 900, at_signup.sum()) * MS_PER_SECOND
    first[same_visit] = signup[same_visit] + rng.integers(180, 1200, same_visit.sum()) * MS_PER_SECOND
    rows = np.flatnonzero(delayed)
    local_signup_day = (
        signup[rows] + offsets.offset_seconds(students.zone[rows], signup[rows]) * 1000
    ) // MS_PER_DAY
    delay_days = 1 + np.floor(rng.exponential(FIRST_ORDER_DELAY_DAYS, len(rows))).astype(np.int64)
    local = (local_signup_day + delay_days) * MS_PER_DAY + sample_time_of_day_ms(
        SHOPPING_HOURS, len(rows), rng
    )
    first[rows] = np.maximum(offsets.to_utc(students.zone[rows], local), signup[rows] + MS_PER_HOUR)
    first = np.where(first < window.end_ms, first, NEVER)
    return first, (at_signup | same_visit) & (first < NEVER)


def _repeat_orders(
    window: Window,
    n_orders: int,
    students: Students,
    first: np.ndarray,
    live_courses: int,
    offsets: ZoneOffsets,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """(student, utc ms) of repeat orders: volume follows the season and the base of past buyers."""
    buyers = np.flatnonzero(first < NEVER)
    buyers = buyers[np.argsort(first[buyers], kind="stable")]
    if n_orders <= 0 or len(buyers) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    first_sorted = first[buyers]
    # Heavy buyers are capped so that they can still find enough distinct courses in a small catalog.
    orders_per_buyer = n_orders / len(buyers)
    cap = float(np.clip(0.5 * live_courses / (1.2 * orders_per_buyer), 1.5, 20.0))
    propensity = capped_lognormal(len(buyers), 1.1, cap, rng)
    cumulative = np.cumsum(propensity)

    days = window.days
    eligible = np.searchsorted(first_sorted, days * MS_PER_DAY - MS_PER_DAY, side="right")
    first_days = np.bincount(first_sorted // MS_PER_DAY - window.start_day, minlength=window.n_days)[
        : window.n_days
    ]
    kernel = np.exp(-np.arange(window.n_days) / REPEAT_RETENTION_DAYS)
    active_base = np.r_[0.0, np.convolve(first_days, kernel)[: window.n_days - 1]]
    weights = demand_weights(window, 1.0) * active_base * (eligible > 0)
    buyer = np.zeros(n_orders, dtype=np.int64)

    def ordered_at(rows: np.ndarray) -> np.ndarray:  # a day, a buyer of that day, their local hour
        day_index = sample_days(weights, len(rows), rng)
        buyer[rows] = buyers[pick_from_prefix(cumulative, eligible[day_index], rng)]
        local = days[day_index] * MS_PER_DAY + sample_time_of_day_ms(SHOPPING_HOURS, len(rows), rng)
        return offsets.to_utc(students.zone[buyer[rows]], local)

    utc = window.draw_inside(n_orders, ordered_at)
    utc = np.minimum(np.maximum(utc, first[buyer] + MS_PER_HOUR), window.end_ms - MS_PER_SECOND)
    return buyer, utc


def _campaign_orders(
    window: Window, visits: CampaignVisits, students: Students, first: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(visit, student, utc ms) of orders by earlier buyers who came through a campaign link
    (a checkout that would complete after the end is not there yet: that visit just browses)."""
    rows = np.flatnonzero(visits.role == EXISTING_ORDER)
    buyers = np.flatnonzero(first < NEVER)
    buyers = buyers[np.argsort(first[buyers], kind="stable")]
    eligible = np.searchsorted(first[buyers], visits.start_ms[rows] - MS_PER_DAY, side="right")
    rows, eligible = rows[eligible > 0], eligible[eligible > 0]
    student = buyers[pick_from_prefix(np.cumsum(np.ones(len(buyers))), eligible, rng)]
    ordered = visits.start_ms[rows] + rng.integers(120, 900, len(rows)) * MS_PER_SECOND
    before_end = ordered < window.end_ms
    return rows[before_end], student[before_end], ordered[before_end]


def _contains(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    position = np.searchsorted(sorted_keys, keys)
    return (position < len(sorted_keys)) & (sorted_keys[np.minimum(position, len(sorted_keys) - 1)] == keys)


def resolve_repeats(
    student: np.ndarray,
    course: np.ndarray,
    day: np.ndarray,
    catalog: Catalog,
    rng: np.random.Generator,
    taken: np.ndarray | None = None,
    keep: np.ndarray | None = None,
    rounds: int = 12,
    priced: bool = False,
) -> np.ndarray:
    """Redraw (in place) courses a student already has: from earlier rows or `taken` keys
    (student * n_courses + course).

    Rows must be in time order: the earliest purchase of a course stands, unless a later row is
    one to `keep` (a campaign's promoted course), which then displaces the earlier one. Each round
    redraws only the conflicting rows and checks them against the settled keys; later rounds draw
    uniformly so that heavy buyers of a small catalog still find something new; `priced` redraws
    respond to price as the first draw did (Catalog.pick). Returns a mask of rows that could not be
    resolved (to drop).
    """
    n_courses = catalog.n_courses
    key = student * n_courses + course
    preference = np.arange(len(key)) if keep is None else np.lexsort((np.arange(len(key)), ~keep))
    conflict = np.ones(len(key), dtype=bool)
    conflict[preference[np.unique(key[preference], return_index=True)[1]]] = False
    taken = np.unique(taken) if taken is not None else np.zeros(0, dtype=np.int64)
    conflict |= _contains(taken, key)
    blocked = np.union1d(key[~conflict], taken)  # keys that stand: redrawn rows must avoid them
    rows = np.flatnonzero(conflict)
    settled_since = np.zeros(0, dtype=np.int64)  # small, kept apart from the big sorted array
    uniform = np.ones(n_courses) / n_courses
    for round_ in range(rounds):
        if len(rows) == 0:
            break
        weights, responds = (catalog.popularity, priced) if round_ < 4 else (uniform, False)
        course[rows] = catalog.pick(day[rows], rng, weights, priced=responds)
        redrawn = student[rows] * n_courses + course[rows]
        first = np.zeros(len(rows), dtype=bool)
        first[np.unique(redrawn, return_index=True)[1]] = True
        ok = first & ~_contains(blocked, redrawn) & ~_contains(settled_since, redrawn)
        settled_since = np.union1d(settled_since, redrawn[ok])
        rows = rows[~ok]
    unresolved = np.zeros(len(key), dtype=bool)
    unresolved[rows] = True
    return unresolved


def _coupons(
    kind: np.ndarray,
    campaign: np.ndarray,
    ordered_ms: np.ndarray,
    traffic: CampaignTraffic,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(coupon code index or -1, discount percent) per order, and the code labels.

    Sitewide sales apply to most orders in their days, an influencer's code to most orders from
    the campaign's link, the welcome offer to some first orders, flash codes to a few others.
    """
    n = len(kind)
    day = ordered_ms // MS_PER_DAY
    promo = promotion_of_day(day)
    labels: list[str] = []
    code = np.full(n, -1)
    pct = np.zeros(n, dtype=np.int64)

    def assign(rows: np.ndarray, row_labels: np.ndarray, percent: np.ndarray | int) -> None:
        unique, inverse = np.unique(row_labels, return_inverse=True)
        code[rows] = len(labels) + inverse
        labels.extend(str(u) for u in unique)
        pct[rows] = percent

    sale = np.flatnonzero((promo >= 0) & (rng.random(n) < 0.65))
    sale_keys, sale_inverse = np.unique(
        promo[sale] * 10_000 + civil_from_days(day[sale])[0], return_inverse=True
    )
    sale_labels = np.array([promotion_code(int(k // 10_000), int(k % 10_000)) for k in sale_keys] or [""])
    assign(sale, sale_labels[sale_inverse], np.array([p.discount_pct for p in PROMOTIONS])[promo[sale]])
    influencer = np.flatnonzero((kind == CAMPAIGN_ORDER) & (rng.random(n) < 0.85))
    assign(influencer, np.array(traffic.coupon_code)[campaign[influencer]], COUPON_PCT)
    welcome = np.flatnonzero((kind == FIRST_ORDER) & (code < 0) & (rng.random(n) < WELCOME[2]))
    assign(welcome, np.full(len(welcome), WELCOME[0]), WELCOME[1])
    flash = np.flatnonzero((code < 0) & (rng.random(n) < 0.04))
    which = rng.integers(0, len(FLASH), len(flash))
    assign(flash, np.array([f[0] for f in FLASH])[which], np.array([f[1] for f in FLASH])[which])
    return code, pct, labels


def _payment_methods(country: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    method = np.empty(len(country), dtype=np.int64)
    for index, spec in enumerate(COUNTRIES):
        rows = np.flatnonzero(country == index)
        method[rows] = categorical(spec.payment_methods, len(rows), rng)
    return method


def _payment_attempts(
    ordered: np.ndarray, method: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(order, attempted ms, failed) of every attempt made before the window ends.

    A declined attempt is often retried within the hour; bank transfers clear after hours or days.
    """
    n = len(ordered)
    fail = [rng.random(n) < np.array([FAILURE_RATE[m] for m in PAYMENT_METHODS])[method]]
    retry = [fail[0] & (rng.random(n) < RETRY_PROBABILITY[0])]
    fail.append(retry[0] & (rng.random(n) < RETRY_FAILURE_RATE))
    retry.append(fail[1] & (rng.random(n) < RETRY_PROBABILITY[1]))
    fail.append(retry[1] & (rng.random(n) < RETRY_FAILURE_RATE))
    attempts = 1 + retry[0].astype(np.int64) + retry[1]
    order = np.repeat(np.arange(n), attempts)
    position = position_in_group(attempts)
    failed = np.stack(fail, axis=1)[order, position]  # each attempt's outcome
    del fail, retry
    # The arrays per attempt are few and changed in place: this step is the peak of the commerce.
    first_delay_s = rng.integers(3600, 72 * 3600, n)  # a bank transfer's; others take the next draw
    np.copyto(first_delay_s, rng.integers(2, 40, n), where=method != PAYMENT_METHODS.index("bank_transfer"))
    gap = rng.exponential(40 * 60, len(order)).astype(np.int64) + 60  # seconds after the attempt before
    first = np.flatnonzero(position == 0)
    gap[first] = first_delay_s[order[first]]
    del position, first_delay_s
    gap *= MS_PER_SECOND
    attempted = np.cumsum(gap)  # then made a sum within each order, from its time
    starts = group_starts(attempts)
    attempted -= np.repeat(attempted[starts] - gap[starts], attempts)
    attempted += ordered[order]
    return order, attempted, failed


@dataclass(frozen=True)
class _Orders:
    """Per-order arrays, in checkout order."""

    student: np.ndarray
    ordered: np.ndarray
    kind: np.ndarray  # FIRST_ORDER, REPEAT_ORDER or CAMPAIGN_ORDER
    campaign: np.ndarray  # -1 when not from a campaign link
    visit: np.ndarray  # campaign visit that is the checkout session, -1 otherwise
    session: np.ndarray  # session log index once known, -1 otherwise

    def take(self, rows: np.ndarray) -> _Orders:
        return _Orders(*(getattr(self, f)[rows] for f in self.__dataclass_fields__))


def _order_stream(
    window: Window,
    n_orders: int,
    students: Students,
    visits: CampaignVisits,
    live_courses: int,
    offsets: ZoneOffsets,
    rng: np.random.Generator,
) -> _Orders:
    """First orders, campaign orders by earlier buyers, and repeat orders up to the target."""
    first, in_signup_visit = _first_orders(window, students, offsets, rng)
    campaign_visit, campaign_student, campaign_ms = _campaign_orders(window, visits, students, first, rng)
    firsts = np.flatnonzero(first < NEVER)
    repeats = n_orders - len(firsts) - len(campaign_visit)
    repeat_student, repeat_ms = _repeat_orders(window, repeats, students, first, live_courses, offsets, rng)
    at_signup = students.orders_at_signup[firsts]
    none_for = np.full(len(campaign_visit) + len(repeat_student), -1)
    orders = _Orders(
        student=np.r_[firsts, campaign_student, repeat_student],
        ordered=np.r_[first[firsts], campaign_ms, repeat_ms],
        kind=np.r_[
            np.where(at_signup, CAMPAIGN_ORDER, FIRST_ORDER),
            np.full(len(campaign_visit), CAMPAIGN_ORDER),
            np.full(len(repeat_student), REPEAT_ORDER),
        ],
        campaign=np.r_[
            np.where(at_signup, students.lead_campaign[firsts], -1),
            visits.campaign[campaign_visit],
            np.full(len(repeat_student), -1),
        ],
        visit=np.r_[np.full(len(firsts), -1), campaign_visit, np.full(len(repeat_student), -1)],
        session=np.r_[np.where(in_signup_visit[firsts], students.signup_session[firsts], -1), none_for],
    )
    return orders.take(np.argsort(orders.ordered, kind="stable"))


def _order_lines(
    orders: _Orders, catalog: Catalog, promoted_course: np.ndarray, rng: np.random.Generator
) -> tuple[_Orders, np.ndarray, np.ndarray]:
    """(orders, order index per line, course per line): a campaign order starts with the promoted
    course, nobody buys a course twice, and orders left without a line are dropped."""
    n_items = 1 + np.where(
        orders.kind == CAMPAIGN_ORDER,
        categorical(ITEMS_PER_CAMPAIGN_ORDER, len(orders.ordered), rng),
        categorical(ITEMS_PER_ORDER, len(orders.ordered), rng),
    )
    item_order = np.repeat(np.arange(len(orders.ordered)), n_items)
    item_day = orders.ordered[item_order] // MS_PER_DAY
    course = catalog.pick(item_day, rng, priced=True)
    promoted = (position_in_group(n_items) == 0) & (orders.campaign[item_order] >= 0)
    course[promoted] = promoted_course[orders.campaign[item_order[promoted]]]
    unresolved = resolve_repeats(
        orders.student[item_order], course, item_day, catalog, rng, keep=promoted, priced=True
    )
    kept = np.bincount(item_order[~unresolved], minlength=len(orders.ordered)) > 0
    return orders.take(kept), (np.cumsum(kept) - 1)[item_order[~unresolved]], course[~unresolved]


def _refunds(
    window: Window,
    item_order: np.ndarray,
    paid: np.ndarray,
    success_ms: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(line, amount, refunded ms) of refunds, in time order: some paid orders, one line or all,
    mostly in full, within 30 days."""
    n = len(success_ms)
    n_items = np.bincount(item_order, minlength=n)
    refund_order = (success_ms < NEVER) & (rng.random(n) < REFUND_RATE)
    whole_order = rng.random(n) < 0.5
    which_line = (rng.random(n) * n_items).astype(np.int64)
    lines = np.flatnonzero(
        refund_order[item_order]
        & (whole_order[item_order] | (position_in_group(n_items) == which_line[item_order]))
    )
    amount = np.where(rng.random(len(lines)) < 0.9, paid[lines], (paid[lines] + 1) // 2)
    delay = np.minimum(rng.exponential(4 * MS_PER_DAY, len(lines)), 30 * MS_PER_DAY).astype(np.int64)
    refunded_at = success_ms[item_order[lines]] + MS_PER_HOUR + delay // MS_PER_SECOND * MS_PER_SECOND
    issued = np.flatnonzero(refunded_at < window.end_ms)
    issued = issued[np.argsort(refunded_at[issued], kind="stable")]
    return lines[issued], amount[issued], refunded_at[issued]


def _checkout_sessions(
    window: Window,
    orders: _Orders,
    first_line_course: np.ndarray,
    students: Students,
    visits: CampaignVisits,
    promoted_course: np.ndarray,
    sources: Sources,
    log: SessionLog,
    rng: np.random.Generator,
) -> np.ndarray:
    """Session log index of each order: its signup visit or campaign visit, a new visit, or -1 (app)."""
    session = orders.session.copy()
    n = len(session)
    web_signup = students.signup_session[orders.student] >= 0
    app_share = np.where(web_signup, APP_ORDER_SHARE[0], APP_ORDER_SHARE[1])
    in_app = (session < 0) & (orders.visit < 0) & (rng.random(n) < app_share)
    from_campaign = np.flatnonzero(orders.visit >= 0)
    session[from_campaign] = log.add(
        visits.start_ms[orders.visit[from_campaign]],
        orders.student[from_campaign] + 1,
        students.device[orders.student[from_campaign]],
        sources.campaign_source(orders.campaign[from_campaign]),
        course_page(promoted_course[orders.campaign[from_campaign]]),
        converted=True,
    )
    new = np.flatnonzero((session < 0) & ~in_app)
    landing = np.select(
        [rng.random(len(new)) < 0.5, rng.random(len(new)) < 0.5],
        [course_page(first_line_course[new]), page_code("/my-learning")],
        page_code("/"),
    )
    usual_device = students.device[orders.student[new]]
    second_device = rng.random(len(new)) < 0.25
    session[new] = log.add(
        np.maximum(orders.ordered[new] - rng.integers(120, 1500, len(new)) * MS_PER_SECOND, window.start_ms),
        orders.student[new] + 1,
        np.where(second_device, (usual_device + 1) % 3, usual_device),
        sources.sample(RETURN_CHANNELS, len(new), rng),
        landing,
        converted=True,
        second_device=second_device,
    )
    web = np.flatnonzero(session >= 0)
    log.touch(session[web], np.minimum(orders.ordered[web] + 60 * MS_PER_SECOND, window.end_ms))
    return session


def build_commerce(
    window: Window,
    n_orders: int,
    students: Students,
    visits: CampaignVisits,
    traffic: CampaignTraffic,
    catalog: Catalog,
    rates: Rates,
    sources: Sources,
    offsets: ZoneOffsets,
    log: SessionLog,
    rng: np.random.Generator,
    incidents: Incidents = NO_INCIDENTS,
    keep: Keep = in_memory,
) -> Commerce:
    """`keep` takes each table as soon as it is complete (the generator stashes it to files): its
    arrays, and the per-order and per-line arrays only it needed (deleted below), are freed while
    the next tables are built, so they are not all held at once."""
    live_courses = int(np.sum(catalog.first_day < NEVER))
    orders = _order_stream(window, n_orders, students, visits, live_courses, offsets, rng)
    orders, item_order, course = _order_lines(orders, catalog, traffic.promoted_course, rng)
    n = len(orders.ordered)

    # ---- prices and coupons
    item_ms = orders.ordered[item_order]
    currency = students.currency[orders.student]
    list_cents = rates.convert_cents(
        catalog.price_at(course, item_ms), catalog.currency[course], currency[item_order], item_ms
    )
    coupon, pct, coupon_labels = _coupons(orders.kind, orders.campaign, orders.ordered, traffic, rng)
    line_pct = pct[item_order]
    if incidents.pricing_change is not None:  # planted incident: a misconfigured sitewide promotion
        line_pct = np.where(incidents.pricing_change.covers(item_ms), np.maximum(line_pct, PRICE_CUT_PCT), line_pct)
    discount = (list_cents * line_pct + 50) // 100
    del pct, line_pct
    paid = list_cents - discount
    total = np.bincount(item_order, weights=paid, minlength=n).astype(np.int64)
    used_price_changes = np.unique(catalog.price_change_in_force(course, item_ms))
    # The lines are complete but for which granted an enrollment (set once payments are known).
    local_offset = offsets.offset_seconds(students.zone[orders.student], orders.ordered)
    items = keep(
        EntityTable.build(
            "order_items",
            {
                "order_item_id": np.arange(1, len(item_order) + 1),  # a line's id is its index + 1
                "order_id": item_order + 1,
                "course_id": course + 1,
                "ordered_at": item_ms,
                "list_price": list_cents,
                "discount_amount": discount,
                "paid_amount": paid,
            },
            local_offsets={"ordered_at": local_offset[item_order]},
        )
    )
    del item_ms, list_cents, discount

    # ---- payments, refunds and the resulting status
    method = _payment_methods(students.country[orders.student], rng)
    attempt_order, attempted, attempt_failed = _payment_attempts(orders.ordered, method, rng)
    outage_failed = np.zeros(len(attempted), dtype=bool)
    if incidents.payment_outage is not None:  # planted incident: the payment provider is down
        outage_failed = incidents.payment_outage.covers(attempted) & (rng.random(len(attempted)) < OUTAGE_FAILURE_RATE)
        attempt_failed = attempt_failed | outage_failed
    made = attempted < window.end_ms
    succeeded = made & ~attempt_failed
    success_ms = np.full(n, NEVER)
    success_ms[attempt_order[succeeded]] = attempted[succeeded]
    del succeeded
    paid_order = success_ms < NEVER
    awaiting = np.bincount(attempt_order[~made], minlength=n) > 0
    refund_line, refund_amount, refunded_at = _refunds(window, item_order, paid, success_ms, rng)
    refunded = np.bincount(item_order[refund_line], weights=refund_amount, minlength=n).astype(np.int64)
    status = np.select(
        [refunded == total, refunded > 0, paid_order, awaiting],
        [REFUNDED, PARTIALLY_REFUNDED, PAID, PENDING],
        FAILED,
    )
    del refunded, awaiting, paid

    tables = {
        "orders": keep(
            EntityTable.build(
                "orders",
                {
                    "order_id": np.arange(1, n + 1),
                    "student_id": orders.student + 1,
                    "session_id": Categorical.of((), np.full(n, -1)),  # set once sessions have their ids
                    "ordered_at": orders.ordered,
                    "currency": Categorical.of(CURRENCIES, currency),
                    "coupon_code": Categorical.of(coupon_labels, coupon),
                    "order_total": total,
                    "payment_status": Categorical.of(PAYMENT_STATUSES, status),
                },
                local_offsets={"ordered_at": local_offset},
            )
        ),
        "order_items": items,
    }
    del coupon, status, local_offset
    items.protected = paid_order[item_order]  # lines that granted an enrollment

    session = _checkout_sessions(
        window,
        orders,
        course[position_in_group(np.bincount(item_order, minlength=n)) == 0],  # each order's first line
        students,
        visits,
        traffic.promoted_course,
        sources,
        log,
        rng,
    )
    attempts = np.flatnonzero(made)
    attempts = attempts[np.argsort(attempted[attempts], kind="stable")]
    a_order, a_failed = attempt_order[attempts], attempt_failed[attempts]
    tables["payments"] = keep(
        EntityTable.build(
            "payments",
            {
                "payment_id": np.arange(1, len(attempts) + 1),
                "order_id": a_order + 1,
                "attempted_at": attempted[attempts],
                "method": Categorical.of(PAYMENT_METHODS, method[a_order]),
                "amount": total[a_order],
                "currency": Categorical.of(CURRENCIES, currency[a_order]),
                "status": Categorical.of(("succeeded", "failed"), a_failed.astype(np.int64)),
                "failure_reason": Categorical.of(
                    FAILURE_REASONS,
                    np.where(
                        outage_failed[attempts],
                        FAILURE_REASONS.index("processing_error"),
                        np.where(a_failed, categorical(FAILURE_REASON_WEIGHTS, len(a_order), rng), -1),
                    ),
                ),
            },
        )
    )
    del attempts, a_order, a_failed, attempt_order, attempted, attempt_failed, outage_failed, made, method, total
    tables["refunds"] = keep(
        EntityTable.build(
            "refunds",
            {
                "refund_id": np.arange(1, len(refund_line) + 1),
                "order_id": item_order[refund_line] + 1,
                "order_item_id": refund_line + 1,
                "refunded_at": refunded_at,
                "amount": refund_amount,
                "currency": Categorical.of(CURRENCIES, currency[item_order[refund_line]]),
                "reason": Categorical.of(
                    REFUND_REASONS, categorical(REFUND_REASON_WEIGHTS, len(refund_line), rng)
                ),
            },
        )
    )
    granted = np.flatnonzero(paid_order[item_order])
    enrolled = np.minimum(
        success_ms[item_order[granted]] + rng.integers(1, 20, len(granted)) * MS_PER_SECOND,
        window.end_ms - MS_PER_SECOND,
    )
    return Commerce(
        tables=tables,
        purchases=Purchases(orders.student[item_order[granted]], course[granted], granted + 1, enrolled),
        order_session=session,
        used_price_changes=used_price_changes,
        used_campaign_visits=orders.visit[orders.visit >= 0],
    )

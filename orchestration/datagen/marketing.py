"""Influencers, their campaigns, tracking links, daily platform metrics and the traffic they send.

Each campaign's funnel is drawn from its influencer's audience: reach is 15-25% of followers,
impressions a few per reached account, clicks 1-3% of impressions, sessions most of the clicks.
Spend follows impressions (CPM); signups (leads) and attributed orders follow spend through a
cost per lead and a cost per attributed order, so CPL, CPA and ROAS land in the benchmark ranges.
Follower counts are calibrated so campaign signups are a steady share of all signups at any scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from orchestration.contracts import COURSE_CATEGORIES, INFLUENCER_TIERS, PLATFORMS
from orchestration.datagen import names
from orchestration.datagen.catalog import Catalog
from orchestration.datagen.fx import Rates
from orchestration.datagen.geo import COUNTRY_CODES, sample_countries
from orchestration.datagen.incidents import (
    CAMPAIGN_COST_PER_LEAD_FACTOR,
    CAMPAIGN_COST_PER_ORDER_FACTOR,
    CAMPAIGN_SPEND_MULTIPLE,
    Incident,
)
from orchestration.datagen.sampling import capped_lognormal, categorical, position_in_group, split_by_weights
from orchestration.datagen.tables import Categorical, EntityTable
from orchestration.datagen.timeline import (
    MS_PER_DAY,
    MS_PER_SECOND,
    Window,
    demand_weights,
    month_index,
    month_label,
    sample_days,
)

SITE = "https://www.learnhub.example"
PLATFORM_WEIGHTS = (0.35, 0.25, 0.20, 0.10, 0.10)
PLATFORM_CPM_USD = np.array([14.0, 10.0, 22.0, 30.0, 8.0])
PLATFORM_VIEW_RATE = np.array([0.45, 0.65, 0.70, 0.15, 0.20])
TIER_FLOORS = np.array([0, 10_000, 100_000, 500_000, 1_000_000])
TIER_ENGAGEMENT = np.array([(0.045, 0.065), (0.040, 0.055), (0.035, 0.050), (0.030, 0.045), (0.028, 0.040)])
LEAD_SHARE_OF_SIGNUPS = 0.08
LEAD_ORDER_SHARE = 0.3  # attributed orders placed by the campaign's own new signups
COUPON_PCT = 10
PROMOTED_PRICE_QUANTILE = 0.8  # campaigns promote flagship (pricier) courses


@dataclass(frozen=True)
class CampaignTraffic:
    """Per campaign and active day: sessions the links brought, and what came of them."""

    campaign: np.ndarray  # campaign index (campaign_id - 1)
    day: np.ndarray  # days since epoch (UTC)
    sessions: np.ndarray
    leads: np.ndarray  # new students who signed up in one of these sessions
    lead_orders: np.ndarray  # of those, who also ordered in the signup session
    existing_orders: np.ndarray  # orders by earlier students in other sessions of the day
    utm_campaign: tuple[str, ...]  # per campaign
    platform: np.ndarray  # per campaign, index into PLATFORMS
    promoted_course: np.ndarray  # per campaign, course index
    coupon_code: tuple[str, ...]  # per campaign


def _tiers(followers: np.ndarray) -> np.ndarray:
    return np.searchsorted(TIER_FLOORS, followers, side="right") - 1


def _strings(values: list[str]) -> pa.Array:
    return pa.array(values, type=pa.string())


def _month(day: int) -> int:
    return int(month_index(np.array([day * MS_PER_DAY]))[0])


def _tracking_links(
    start_day: np.ndarray,
    platform: np.ndarray,
    course: np.ndarray,
    utm: tuple[str, ...],
    coupons: tuple[str, ...],
    rng: np.random.Generator,
) -> EntityTable:
    """1-3 links per campaign: the course page, the page with the coupon applied, a landing page."""
    per_campaign = rng.integers(1, 4, len(start_day))
    campaign = np.repeat(np.arange(len(start_day)), per_campaign)
    variant = position_in_group(per_campaign)
    urls = []
    for c, v in zip(campaign, variant, strict=True):  # ~2 links per campaign: a small table
        query = f"utm_source={PLATFORMS[platform[c]]}&utm_medium=influencer&utm_campaign={utm[c]}"
        path = (
            f"/courses/{course[c] + 1}",
            f"/courses/{course[c] + 1}?coupon={coupons[c]}",
            f"/lp/{utm[c]}",
        )[v]
        urls.append(f"{SITE}{path}{'&' if '?' in path else '?'}{query}")
    created = (start_day[campaign] - rng.integers(1, 11, len(campaign))) * MS_PER_DAY + rng.integers(
        8 * 3600, 20 * 3600, len(campaign)
    ) * MS_PER_SECOND
    return EntityTable.build(
        "tracking_links",
        {
            "tracking_link_id": np.arange(1, len(campaign) + 1),
            "campaign_id": campaign + 1,
            "utm_source": Categorical.of(PLATFORMS, platform[campaign]),
            "utm_medium": Categorical.constant("influencer", len(campaign)),
            "utm_campaign": _strings([utm[c] for c in campaign]),
            "destination_url": _strings(urls),
            "created_at": created,
        },
    )


def _handles(n: int, rng: np.random.Generator) -> list[str]:
    words = names.HANDLE_WORDS
    first = rng.integers(0, len(words), n)
    second = rng.integers(0, len(words), n)
    number = rng.integers(10, 100, n)
    handles = [f"{words[a]}{words[b]}{c}" for a, b, c in zip(first, second, number, strict=True)]
    seen: set[str] = set()
    unique = []
    for index, handle in enumerate(handles):  # a few hundred influencers at most
        unique.append(handle if handle not in seen else f"{handle}_{index + 1}")
        seen.add(unique[-1])
    return unique


def _promoted_courses(
    catalog: Catalog, rates: Rates, first_day: np.ndarray, last_day: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A popular, premium course buyable on every day of each campaign (a loop over campaigns)."""
    chosen = np.empty(len(first_day), dtype=np.int64)
    for index, (first, last) in enumerate(zip(first_day, last_day, strict=True)):
        live = np.flatnonzero((catalog.first_day <= first) & (catalog.last_day >= last))
        start_ms = np.full(len(live), first * MS_PER_DAY)
        usd = rates.to_usd(catalog.price_at(live, start_ms), catalog.currency[live], start_ms)
        candidates = live[usd >= np.quantile(usd, PROMOTED_PRICE_QUANTILE)]
        p = catalog.popularity[candidates]
        chosen[index] = candidates[rng.choice(len(candidates), p=p / p.sum())]
    return chosen


@dataclass(frozen=True)
class _FunnelRates:
    """Per campaign: how its audience moves down the funnel, and what that costs."""

    reach_rate: np.ndarray  # of followers
    frequency: np.ndarray  # impressions per reached account
    cpm: np.ndarray  # USD per 1000 impressions
    ctr: np.ndarray
    view_rate: np.ndarray  # video views per impression
    completion_rate: np.ndarray
    landing_rate: np.ndarray  # sessions per click
    cost_per_lead: np.ndarray
    cost_per_order: np.ndarray


def _funnel_rates(platform: np.ndarray, rng: np.random.Generator) -> _FunnelRates:
    n = len(platform)
    return _FunnelRates(
        reach_rate=rng.uniform(0.15, 0.25, n),
        frequency=rng.uniform(1.25, 1.8, n),
        cpm=PLATFORM_CPM_USD[platform] * rng.lognormal(0, 0.25, n),
        ctr=rng.uniform(0.01, 0.03, n),
        view_rate=np.minimum(PLATFORM_VIEW_RATE[platform] * rng.uniform(0.8, 1.2, n), 0.95),
        completion_rate=rng.uniform(0.6, 0.8, n),
        landing_rate=rng.uniform(0.7, 0.85, n),
        cost_per_lead=np.clip(rng.lognormal(np.log(20), 0.3, n), 8, 60),
        cost_per_order=np.clip(rng.lognormal(np.log(24), 0.3, n), 15, 110),
    )


def _daily_shape(duration: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(campaign, day offset, weight) per planned day: a launch post, a reminder mid-way, decay."""
    campaign = np.repeat(np.arange(len(duration)), duration)
    offset = position_in_group(duration)
    reminder = duration[campaign] // 2
    weight = (
        np.exp(-0.35 * offset)
        + 0.7 * np.exp(-0.35 * np.maximum(offset - reminder, 0)) * (offset >= reminder)
        + 0.04
    ) * rng.lognormal(0, 0.15, len(campaign))
    return campaign, offset, weight


def _calibrated_followers(
    raw: np.ndarray,
    influencer: np.ndarray,
    rates: _FunnelRates,
    row_campaign: np.ndarray,
    weight: np.ndarray,
    covered: np.ndarray,
    target_leads: float,
) -> np.ndarray:
    """Followers scaled so the campaigns' expected signups (linear in followers) hit the target."""
    n = len(influencer)
    active_share = np.bincount(row_campaign, weights=weight * covered, minlength=n) / np.bincount(
        row_campaign, weights=weight, minlength=n
    )
    spend_per_follower = rates.reach_rate * rates.frequency * rates.cpm / 1000
    expected_leads = np.sum(raw[influencer] * spend_per_follower * active_share / rates.cost_per_lead)
    return np.maximum(np.round(raw * target_leads / expected_leads), 300).astype(np.int64)


def _campaign_texts(
    catalog: Catalog,
    course: np.ndarray,
    platform: np.ndarray,
    handles: list[str],
    influencer: np.ndarray,
    start_day: np.ndarray,
) -> tuple[tuple[str, ...], list[str], tuple[str, ...]]:
    """(utm code, campaign name, coupon code) per campaign (a loop over campaigns)."""
    category = [COURSE_CATEGORIES[catalog.category[k]] for k in course]
    utm = tuple(f"inf_{PLATFORMS[p]}_{i + 1:05d}_{c}" for i, (p, c) in enumerate(zip(platform, category, strict=True)))
    campaign_names = [
        f"{c.replace('_', ' ').title()} x @{handles[i]} {month_label(_month(d))}"
        for c, i, d in zip(category, influencer, start_day, strict=True)
    ]
    coupons = tuple(f"{handles[i].upper().replace('_', '')[:12]}{COUPON_PCT}" for i in influencer)
    return utm, campaign_names, coupons


def _keep_one_running(
    start_day: np.ndarray, duration: np.ndarray, window: Window, rng: np.random.Generator
) -> None:
    """At least one campaign runs at the end (and reports the day before it): when none does,
    the latest campaign starts a few days before the end instead. In place; starts stay sorted."""
    lead_days, days_left = rng.integers(2, 15), rng.integers(3, 21)
    running = (start_day <= window.last_full_day) & (start_day + duration - 1 >= window.last_day)
    if running.any() or len(start_day) == 0:
        return
    start_day[-1] = max(int(start_day[-1]), window.last_full_day - int(lead_days))
    duration[-1] = max(int(duration[-1]), window.last_day + int(days_left) - int(start_day[-1]) + 1)


def _typical_month_cost(day: np.ndarray, row_cost: np.ndarray) -> float:
    """The median calendar month's total planned campaign cost (months with campaigns)."""
    month = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    totals = np.bincount(month - month.min(), weights=row_cost)
    return float(np.median(totals[totals > 0])) if (totals > 0).any() else 0.0


def _underperforming(
    incident: Incident,
    c: np.ndarray,
    day: np.ndarray,
    row_cost: np.ndarray,
    cpm: np.ndarray,
    cost_per_lead: np.ndarray,
    cost_per_order: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per campaign-day (cpm, cost per lead, cost per order) with the incident's campaign made a
    costly deal on its days in the incident's month: the campaign with the largest planned cost in
    the month, its price raised so it spends CAMPAIGN_SPEND_MULTIPLE typical months' campaign
    spend, each order and lead costing CAMPAIGN_COST_PER_ORDER_FACTOR / _LEAD_FACTOR times its
    usual price (so it still converts a few customers: about the typical month's orders x
    multiple / factor)."""
    in_month = incident.covers(day * MS_PER_DAY)
    if not in_month.any():
        return cpm, cost_per_lead, cost_per_order
    cost = np.bincount(c[in_month], weights=row_cost[in_month], minlength=int(c.max()) + 1)
    chosen = int(np.argmax(cost))
    mine = cost[chosen]
    multiple = max(1.0, CAMPAIGN_SPEND_MULTIPLE * _typical_month_cost(day, row_cost) / mine) if mine > 0 else 1.0
    hit = in_month & (c == chosen)
    return (
        np.where(hit, cpm * multiple, cpm),
        np.where(hit, cost_per_lead * CAMPAIGN_COST_PER_LEAD_FACTOR, cost_per_lead),
        np.where(hit, cost_per_order * CAMPAIGN_COST_PER_ORDER_FACTOR, cost_per_order),
    )


def build_marketing(
    window: Window,
    n_influencers: int,
    n_campaigns: int,
    n_students: int,
    catalog: Catalog,
    rates: Rates,
    rng: np.random.Generator,
    underperformance: Incident | None = None,
) -> tuple[CampaignTraffic, dict[str, EntityTable]]:
    platform = categorical(PLATFORM_WEIGHTS, n_influencers, rng)
    raw_followers = rng.lognormal(np.log(40_000), 1.3, n_influencers)
    works_with_us = rng.random(n_influencers) >= 0.15
    works_with_us[0] = True

    season = demand_weights(window, 1.5, promo_effect=False)[10 : window.n_days - 3]
    start_day = np.sort(window.start_day + 10 + sample_days(season, n_campaigns, rng))
    duration = rng.integers(7, 43, n_campaigns)
    _keep_one_running(start_day, duration, window, rng)
    end_day = start_day + duration - 1
    # Some influencers get many campaigns (a steady partnership), most one or a few.
    partnership = capped_lognormal(n_influencers, 0.8, 10, rng) * works_with_us
    influencer = rng.choice(n_influencers, size=n_campaigns, p=partnership / partnership.sum())
    campaign_platform = np.where(
        rng.random(n_campaigns) < 0.85, platform[influencer], categorical(PLATFORM_WEIGHTS, n_campaigns, rng)
    )
    course = _promoted_courses(catalog, rates, start_day, np.minimum(end_day, window.last_day), rng)
    funnel = _funnel_rates(campaign_platform, rng)

    c, offset, weight = _daily_shape(duration, rng)
    day = start_day[c] + offset
    # Campaigns still running at the end report the days so far, the end's own day up to the end.
    covered = np.clip((window.end_ms - day * MS_PER_DAY) / MS_PER_DAY, 0.0, 1.0)
    active = covered > 0
    followers = _calibrated_followers(
        raw_followers, influencer, funnel, c, weight, covered, LEAD_SHARE_OF_SIGNUPS * n_students
    )
    tier = _tiers(followers)

    # ---- the platform's daily numbers over the planned days, and the traffic they bring
    planned_reach = split_by_weights(
        np.round(funnel.reach_rate * followers[influencer]).astype(np.int64), weight, c
    )
    reach = np.round(planned_reach * covered).astype(np.int64)
    cpm, cost_per_lead, cost_per_order = funnel.cpm[c], funnel.cost_per_lead[c], funnel.cost_per_order[c]
    if underperformance is not None:  # planted incident
        cpm, cost_per_lead, cost_per_order = _underperforming(
            underperformance, c, day, planned_reach * covered * funnel.frequency[c] * cpm,
            cpm, cost_per_lead, cost_per_order,
        )
    engagement = reach * rng.uniform(*TIER_ENGAGEMENT[tier[influencer]].T)[c]
    impressions = np.round(reach * funnel.frequency[c]).astype(np.int64)
    video_views = rng.binomial(impressions, funnel.view_rate[c])
    clicks = rng.binomial(impressions, funnel.ctr[c])
    spend_cents = np.round(impressions * cpm / 10).astype(np.int64)
    sessions = rng.binomial(clicks, funnel.landing_rate[c])
    leads = np.minimum(rng.poisson(spend_cents / 100 / cost_per_lead), sessions)
    attributed = rng.poisson(spend_cents / 100 / cost_per_order)
    lead_orders = np.minimum(rng.binomial(attributed, LEAD_ORDER_SHARE), leads)
    existing_orders = np.minimum(attributed - lead_orders, sessions - leads)
    planned_impressions = np.round(planned_reach * funnel.frequency[c])
    planned_spend = np.bincount(
        c, weights=np.round(planned_impressions * cpm / 10), minlength=n_campaigns
    )
    budget_cents = np.minimum(np.round(planned_spend / rng.uniform(0.85, 1.0, n_campaigns)), 10_000_000)

    handles = _handles(n_influencers, rng)
    utm, campaign_names, coupons = _campaign_texts(
        catalog, course, campaign_platform, handles, influencer, start_day
    )
    influencers = EntityTable.build(
        "influencers",
        {
            "influencer_id": np.arange(1, n_influencers + 1),
            "handle": names.join("@", _strings(handles)),
            "platform": Categorical.of(PLATFORMS, platform),
            "tier": Categorical.of(INFLUENCER_TIERS, tier),
            "followers": followers,
            "country_code": Categorical.of(tuple(COUNTRY_CODES), sample_countries(n_influencers, rng)),
        },
    )
    campaigns = EntityTable.build(
        "campaigns",
        {
            "campaign_id": np.arange(1, n_campaigns + 1),
            "influencer_id": influencer + 1,
            "course_id": course + 1,
            "campaign_name": _strings(campaign_names),
            "platform": Categorical.of(PLATFORMS, campaign_platform),
            "budget_usd": budget_cents.astype(np.int64),
            "start_date": start_day,
            "end_date": end_day,
            "utm_campaign": _strings(list(utm)),
        },
    )
    metrics = EntityTable.build(
        "campaign_metrics",
        {
            "campaignId": c + 1,
            "metricDate": day,
            "impressions": impressions,
            "reach": reach,
            "likes": np.round(engagement * 0.82).astype(np.int64),
            "comments": np.round(engagement * 0.06).astype(np.int64),
            "shares": np.round(engagement * 0.12).astype(np.int64),
            "saves": np.round(engagement * 0.10).astype(np.int64),
            "videoViews": video_views,
            "videoCompletions": rng.binomial(video_views, funnel.completion_rate[c]),
            "clicks": clicks,
            "spendUsd": spend_cents,
        },
    )
    reported = np.flatnonzero(active)
    metrics = metrics.take(reported[np.lexsort((c[reported], day[reported]))])  # an export by day
    traffic = CampaignTraffic(
        campaign=c[active],
        day=day[active],
        sessions=sessions[active],
        leads=leads[active],
        lead_orders=lead_orders[active],
        existing_orders=existing_orders[active],
        utm_campaign=utm,
        platform=campaign_platform,
        promoted_course=course,
        coupon_code=coupons,
    )
    tables = {
        "influencers": influencers,
        "campaigns": campaigns,
        "tracking_links": _tracking_links(start_day, campaign_platform, course, utm, coupons, rng),
        "campaign_metrics": metrics,
    }
    return traffic, tables

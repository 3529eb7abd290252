"""Social listening: posts mentioning the brand or its competitors, and branded search volume.

The brand's own mentions come from two places: each influencer campaign's posts (about one
mention per REACH_PER_MENTION people its reported day reached, most of them positive) and the
public talking about the platform as it grows (a share of each day's signups). Competitors are
talked about about ten times as much in all, which puts the share of voice near the reference's
5-15%. Branded searches follow the same growth: each keyword is searched in proportion to the
day's signups. Some competitor post is always published in the last hours before the end, and the
search console reports every day up to the end's, so the export is current.

Mentions grow with the students: a shard of them (shards.py) brings its signups' talk, its share
of the campaigns' posts and the competitor talk in proportion; searches are counted once, over all.
"""

from __future__ import annotations

import numpy as np

from orchestration.contracts import PLATFORMS
from orchestration.datagen.sampling import categorical
from orchestration.datagen.tables import Categorical, EntityTable
from orchestration.datagen.timeline import MS_PER_DAY, MS_PER_HOUR, MS_PER_SECOND, Window

OWN_BRAND = "Learnly"
COMPETITORS = ("CourseHub", "SkillPath", "EduNova", "MasterPro")
COMPETITOR_SHARE = (0.40, 0.25, 0.20, 0.15)
BRANDS = (OWN_BRAND, *COMPETITORS)
MENTION_PLATFORMS = (*PLATFORMS, "reddit", "news", "blog")
PLATFORM_MIX = (0.22, 0.18, 0.14, 0.12, 0.16, 0.10, 0.04, 0.04)
SENTIMENTS = ("positive", "neutral", "negative")
OWN_SENTIMENT = (0.72, 0.20, 0.08)
CAMPAIGN_SENTIMENT = (0.85, 0.13, 0.02)
COMPETITOR_SENTIMENT = (0.55, 0.30, 0.15)
REACH_PER_MENTION = 4_000
MENTIONS_PER_SIGNUP = 0.4
COMPETITOR_TO_OWN = 10.0
SEARCHES_PER_SIGNUP = {"learnly": 6.0, "learnly courses": 2.5}
RECENT_MS = 6 * MS_PER_HOUR


def _days(window: Window) -> np.ndarray:
    return np.arange(window.start_day, (window.end_ms - 1) // MS_PER_DAY + 1)


def _signups_per_day(window: Window, signup_ms: np.ndarray) -> np.ndarray:
    days = _days(window)
    return np.bincount(signup_ms // MS_PER_DAY - window.start_day, minlength=len(days))[: len(days)]


def build_mentions(
    window: Window,
    signup_ms: np.ndarray,
    campaign_metrics: EntityTable,
    campaign_share: float,
    rng: np.random.Generator,
) -> EntityTable:
    """The mentions the students who signed up at `signup_ms` bring, with `campaign_share` of the
    campaigns' posts (a shard's part: the shard's share of the students)."""
    days = _days(window)
    signups = _signups_per_day(window, signup_ms)

    # the brand's own mentions: campaign posts and organic talk
    metric_day = np.asarray(campaign_metrics.columns["metricDate"])
    reach = np.asarray(campaign_metrics.columns["reach"])
    campaign = np.asarray(campaign_metrics.columns["campaignId"]).astype(np.int64)
    campaign_mentions = rng.poisson(reach / REACH_PER_MENTION * campaign_share)
    campaign_day = np.repeat(metric_day, campaign_mentions)
    campaign_of = np.repeat(campaign, campaign_mentions)
    organic_own = rng.poisson(MENTIONS_PER_SIGNUP * signups)
    own_day = days.repeat(organic_own)
    # competitors: ten times the brand's talk in all, split by their size
    expected_own = MENTIONS_PER_SIGNUP * signups + np.bincount(
        metric_day - window.start_day, weights=reach / REACH_PER_MENTION * campaign_share, minlength=len(days)
    )[: len(days)]
    competitor_total = rng.poisson(COMPETITOR_TO_OWN * expected_own)
    competitor_day = days.repeat(competitor_total)
    competitor = 1 + categorical(COMPETITOR_SHARE, len(competitor_day), rng)

    day = np.r_[campaign_day, own_day, competitor_day]
    brand = np.r_[np.zeros(len(campaign_day) + len(own_day), np.int64), competitor]
    campaign_id = np.r_[campaign_of, np.full(len(own_day) + len(competitor_day), -1)]
    sentiment = np.r_[
        categorical(CAMPAIGN_SENTIMENT, len(campaign_day), rng),
        categorical(OWN_SENTIMENT, len(own_day), rng),
        categorical(COMPETITOR_SENTIMENT, len(competitor_day), rng),
    ]
    platform = categorical(PLATFORM_MIX, len(day), rng)
    day_length = np.minimum(MS_PER_DAY, window.end_ms - day * MS_PER_DAY)  # the end's day is cut short
    mentioned = day * MS_PER_DAY + (rng.random(len(day)) * day_length).astype(np.int64)
    mentioned = mentioned // MS_PER_SECOND * MS_PER_SECOND
    mentioned = _with_recent_mention(mentioned, brand, window, rng)
    keep = mentioned >= window.start_ms
    order = np.argsort(mentioned[keep], kind="stable")
    pick = np.flatnonzero(keep)[order]
    followers = rng.lognormal(7.5, 1.6, len(pick)).astype(np.int64)
    return EntityTable.build(
        "mentions",
        {
            "mention_id": np.arange(1, len(pick) + 1),
            "brand": Categorical.of(BRANDS, brand[pick]),
            "brand_type": Categorical.of(("own", "competitor"), (brand[pick] > 0).astype(np.int64)),
            "platform": Categorical.of(MENTION_PLATFORMS, platform[pick]),
            "sentiment": Categorical.of(SENTIMENTS, sentiment[pick]),
            "mentioned_at": mentioned[pick],
            "author_followers": followers,
            "campaign_id": campaign_id[pick],
        },
        nulls={"campaign_id": campaign_id[pick] < 0},
        protected=mentioned[pick] >= window.end_ms - RECENT_MS,
    )


def build_branded_searches(window: Window, signup_ms: np.ndarray, rng: np.random.Generator) -> EntityTable:
    """Each keyword's searches per day, from every student's signup instant."""
    days = _days(window)
    signups = _signups_per_day(window, signup_ms)
    keywords = tuple(SEARCHES_PER_SIGNUP)
    search_day = np.repeat(days, len(keywords))
    keyword = np.tile(np.arange(len(keywords)), len(days))
    per_signup = np.array([SEARCHES_PER_SIGNUP[k] for k in keywords])[keyword]
    searches = rng.poisson(per_signup * (np.repeat(signups, len(keywords)) + 1))
    return EntityTable.build(
        "branded_searches",
        {
            "search_date": search_day,
            "keyword": Categorical.of(keywords, keyword),
            "searches": searches,
        },
        protected=search_day >= days[-1] - 1,
    )


def _with_recent_mention(
    mentioned: np.ndarray, brand: np.ndarray, window: Window, rng: np.random.Generator
) -> np.ndarray:
    """Mentions are sparse at small scales: when none falls in the last hours before the end, the
    newest competitor mention is published in them."""
    position = rng.random()
    if np.any(mentioned >= window.end_ms - RECENT_MS) or not np.any(brand > 0):
        return mentioned
    mentioned = mentioned.copy()
    competitor = np.flatnonzero(brand > 0)
    newest = competitor[np.argmax(mentioned[competitor])]
    mentioned[newest] = window.end_ms - RECENT_MS + int(position * (RECENT_MS - MS_PER_SECOND))
    return mentioned

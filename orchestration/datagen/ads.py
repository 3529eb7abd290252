"""Paid-media spend per day and channel, as the ad platforms export it.

Influencer campaigns are a small part of the marketing budget; the rest buys paid search, paid
social, display, affiliate and email placements. The budget follows acquisition: each day's total
marketing spend (ad spend plus the influencer campaigns' spend) is a target cost per new paying
customer times the day's new paying customers (smoothed over a few weeks, with daily noise). The
target CAC rises over the window (channels get dearer as the business scales), so CLV:CAC sits in
the 3-5 benchmark once customers have had time to pay back, and the spend per new student (cost
per enrollment) in the reference's 50-200 USD: a new student is a new paying customer or close to
one, so the two bands leave a narrow window (their product is about the CLV).
"""

from __future__ import annotations

import numpy as np

from orchestration.contracts import AD_CHANNELS
from orchestration.datagen.tables import Categorical, EntityTable
from orchestration.datagen.timeline import MS_PER_DAY, Window

CHANNEL_MIX = np.array([0.40, 0.30, 0.12, 0.10, 0.08])  # share of ad spend, AD_CHANNELS order
CHANNEL_CPM_USD = np.array([38.0, 9.0, 2.5, 6.0, 0.8])  # cost per 1000 impressions (email: sends)
CHANNEL_CTR = np.array([0.040, 0.011, 0.004, 0.015, 0.025])
CAC_USD_AT_START = 120.0  # total marketing spend per new paying customer, at the window's start
CAC_USD_AT_END = 210.0  # ... and at its end
SMOOTHING_DAYS = 28
MIN_DAILY_SPEND_SHARE = 0.25  # ad spend never falls below this share of the day's target


def new_customer_days(first_paid_ms: np.ndarray, window: Window) -> np.ndarray:
    """New paying customers per window day, from each customer's first payment instant."""
    day = np.asarray(first_paid_ms, dtype=np.int64) // MS_PER_DAY - window.start_day
    day = day[(day >= 0) & (day < window.n_days)]
    return np.bincount(day, minlength=window.n_days).astype(float)


def build_ad_spend(
    window: Window,
    new_customers_per_day: np.ndarray,
    influencer_spend_cents_per_day: np.ndarray,
    rng: np.random.Generator,
) -> EntityTable:
    """One row per window day and channel; the end's own day has the spend so far."""
    n_days = window.n_days
    kernel = np.ones(SMOOTHING_DAYS) / SMOOTHING_DAYS
    padded = np.r_[np.full(SMOOTHING_DAYS - 1, new_customers_per_day[: SMOOTHING_DAYS].mean()), new_customers_per_day]
    smoothed = np.convolve(padded, kernel, mode="valid")  # trailing mean, one value per day
    progress = np.arange(n_days) / max(n_days - 1, 1)
    cac = CAC_USD_AT_START + (CAC_USD_AT_END - CAC_USD_AT_START) * progress
    target_cents = smoothed * cac * 100 * rng.lognormal(0, 0.12, n_days)
    ad_cents = np.maximum(target_cents - influencer_spend_cents_per_day, MIN_DAILY_SPEND_SHARE * target_cents)

    day_index = np.repeat(np.arange(n_days), len(AD_CHANNELS))
    channel = np.tile(np.arange(len(AD_CHANNELS)), n_days)
    share = CHANNEL_MIX[channel] * rng.lognormal(0, 0.15, len(channel))
    share /= np.bincount(day_index, weights=share)[day_index]
    days = window.start_day + day_index
    covered = np.clip((window.end_ms - days * MS_PER_DAY) / MS_PER_DAY, 0.0, 1.0)
    spend_cents = np.round(ad_cents[day_index] * share * covered).astype(np.int64)
    cpm = CHANNEL_CPM_USD[channel] * rng.lognormal(0, 0.1, len(channel))
    impressions = np.round(spend_cents / 100 / cpm * 1000).astype(np.int64)
    clicks = rng.binomial(impressions, CHANNEL_CTR[channel] * rng.uniform(0.85, 1.15, len(channel)))
    return EntityTable.build(
        "ad_spend",
        {
            "spend_date": days,
            "channel": Categorical.of(AD_CHANNELS, channel),
            "impressions": impressions,
            "clicks": clicks,
            "spend_usd": spend_cents,
        },
    )

"""Traffic sources: the referrer and UTM tags a visit arrives with, and the channel they stand for.

Non-campaign tags never use an influencer campaign's tracking code, so a session or signup
carrying a campaign code is always that campaign's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from orchestration.contracts import ACQUISITION_CHANNELS, PLATFORMS
from orchestration.datagen.sampling import Draw, categorical, stream_ahead

INFLUENCER = ACQUISITION_CHANNELS.index("influencer")
PLATFORM_HOSTS = ("instagram.com", "tiktok.com", "youtube.com", "linkedin.com", "t.co")


@dataclass(frozen=True)
class Source:
    channel: int  # index into ACQUISITION_CHANNELS
    referrer: str | None
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None


def _c(name: str) -> int:
    return ACQUISITION_CHANNELS.index(name)


def _channel_sources(name: str) -> list[int]:
    """Indexes of the base sources of a channel."""
    return [i for i, s in enumerate(BASE_SOURCES) if s.channel == _c(name)]


def _choice_of(options: list[int]) -> Draw:
    return lambda rng, k: rng.choice(options, size=k)


BASE_SOURCES = (
    Source(_c("organic_search"), "google.com"),
    Source(_c("organic_search"), "google.com"),
    Source(_c("organic_search"), "bing.com"),
    Source(_c("organic_search"), "duckduckgo.com"),
    Source(_c("direct"), None),
    Source(_c("paid_search"), "google.com", "google", "cpc", "search_brand"),
    Source(_c("paid_search"), "google.com", "google", "cpc", "search_generic"),
    Source(_c("paid_search"), "bing.com", "bing", "cpc", "search_brand"),
    Source(_c("social"), "facebook.com", "facebook", "paid_social", "prospecting"),
    Source(_c("social"), "instagram.com", "instagram", "paid_social", "retargeting"),
    Source(_c("social"), "linkedin.com", "linkedin", "paid_social", "b2b_upskilling"),
    Source(_c("email"), None, "newsletter", "email", "weekly_digest"),
    Source(_c("email"), "mail.google.com", "newsletter", "email", "course_recommendations"),
    Source(_c("referral"), "reddit.com"),
    Source(_c("referral"), "stackoverflow.com"),
    Source(_c("referral"), "partner.example", "partner", "referral", "refer_a_friend"),
)


@dataclass(frozen=True)
class Sources:
    """All sources: the base ones, then one per influencer campaign (index = len(BASE) + campaign)."""

    sources: tuple[Source, ...]

    @classmethod
    def with_campaigns(cls, utm_campaigns: tuple[str, ...], platforms: np.ndarray) -> Sources:
        campaign_sources = tuple(
            Source(INFLUENCER, PLATFORM_HOSTS[p], PLATFORMS[p], "influencer", code)
            for code, p in zip(utm_campaigns, platforms, strict=True)
        )
        return cls(BASE_SOURCES + campaign_sources)

    def campaign_source(self, campaign: np.ndarray) -> np.ndarray:
        return len(BASE_SOURCES) + np.asarray(campaign)

    def sample(self, channel_weights: dict[str, float], size: int, rng: np.random.Generator) -> np.ndarray:
        """Base sources for visits whose channel mix is given; sources of a channel equally likely."""
        channels = list(channel_weights)
        channel = categorical([channel_weights[c] for c in channels], size, rng)
        result = np.empty(size, dtype=np.int64)
        for index, name in enumerate(channels):
            members = np.flatnonzero(channel == index)
            result[members] = rng.choice(_channel_sources(name), size=len(members))
        return result

    def sample_ahead(
        self, channel_weights: dict[str, float], size: int, rng: np.random.Generator
    ) -> Callable[[int], np.ndarray]:
        """`sample(channel_weights, size, rng)` as a stream (sampling.stream_ahead): returns a
        function giving its next values, k at a time; rng moves past all of them now."""
        channels = list(channel_weights)
        counts = np.zeros(len(channels), dtype=np.int64)

        def count(_: int, values: np.ndarray) -> None:
            counts[:] += np.bincount(values, minlength=len(channels))

        weights = [channel_weights[c] for c in channels]
        channel = stream_ahead(rng, lambda r, k: categorical(weights, k, r), size, count)
        picks = [
            stream_ahead(rng, _choice_of(_channel_sources(name)), n)
            for name, n in zip(channels, counts.tolist(), strict=True)
        ]

        def take(k: int) -> np.ndarray:
            drawn = channel.take(k)
            result = np.empty(k, dtype=np.int64)
            for index, pick in enumerate(picks):
                members = np.flatnonzero(drawn == index)
                result[members] = pick.take(len(members))
            return result

        return take

    def column(self, field: str) -> tuple[list[str | None], np.ndarray]:
        """Labels and per-source codes of one attribute, for building Categorical columns."""
        values = [getattr(s, field) for s in self.sources]
        labels = sorted({v for v in values if v is not None})
        position = {label: i for i, label in enumerate(labels)}
        codes = np.array([position[v] if v is not None else -1 for v in values], dtype=np.int32)
        return labels, codes

    @property
    def channel(self) -> np.ndarray:
        return np.array([s.channel for s in self.sources])


# Channel mixes: how new students find the site, and how returning students come back to buy.
SIGNUP_CHANNELS = {
    "organic_search": 0.31,
    "direct": 0.20,
    "paid_search": 0.16,
    "social": 0.13,
    "referral": 0.12,
    "email": 0.08,
}
RETURN_CHANNELS = {
    "direct": 0.36,
    "organic_search": 0.20,
    "email": 0.19,
    "paid_search": 0.10,
    "social": 0.08,
    "referral": 0.07,
}

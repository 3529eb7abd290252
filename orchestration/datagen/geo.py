"""Where people are: countries with their currency and IANA time zones, and UTC offsets per instant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from orchestration.contracts import CURRENCIES
from orchestration.datagen.timeline import MS_PER_DAY, MS_PER_HOUR, Window


@dataclass(frozen=True)
class Country:
    code: str
    weight: float  # share of students
    currency: str
    zones: tuple[tuple[str, float], ...]
    payment_methods: tuple[float, float, float, float, float]  # card, paypal, apple, google, bank


# Students pay in their country's currency when the marketplace supports it, otherwise in USD.
COUNTRIES = (
    Country(
        "US",
        0.25,
        "USD",
        (
            ("America/New_York", 0.46),
            ("America/Chicago", 0.26),
            ("America/Denver", 0.07),
            ("America/Los_Angeles", 0.21),
        ),
        (0.62, 0.18, 0.12, 0.06, 0.02),
    ),
    Country("IN", 0.15, "INR", (("Asia/Kolkata", 1.0),), (0.45, 0.05, 0.0, 0.30, 0.20)),
    Country("GB", 0.08, "GBP", (("Europe/London", 1.0),), (0.60, 0.18, 0.15, 0.05, 0.02)),
    Country("BR", 0.08, "BRL", (("America/Sao_Paulo", 1.0),), (0.55, 0.10, 0.02, 0.08, 0.25)),
    Country("DE", 0.06, "EUR", (("Europe/Berlin", 1.0),), (0.40, 0.35, 0.08, 0.05, 0.12)),
    Country("FR", 0.04, "EUR", (("Europe/Paris", 1.0),), (0.65, 0.17, 0.10, 0.05, 0.03)),
    Country("ES", 0.04, "EUR", (("Europe/Madrid", 1.0),), (0.64, 0.20, 0.08, 0.05, 0.03)),
    Country("IT", 0.03, "EUR", (("Europe/Rome", 1.0),), (0.60, 0.25, 0.07, 0.05, 0.03)),
    Country("NL", 0.02, "EUR", (("Europe/Amsterdam", 1.0),), (0.45, 0.20, 0.10, 0.05, 0.20)),
    Country("PT", 0.01, "EUR", (("Europe/Lisbon", 1.0),), (0.65, 0.20, 0.07, 0.05, 0.03)),
    Country(
        "CA",
        0.05,
        "USD",
        (("America/Toronto", 0.65), ("America/Vancouver", 0.35)),
        (0.68, 0.15, 0.10, 0.05, 0.02),
    ),
    Country("MX", 0.04, "USD", (("America/Mexico_City", 1.0),), (0.70, 0.15, 0.03, 0.07, 0.05)),
    Country(
        "AU",
        0.03,
        "USD",
        (("Australia/Sydney", 0.7), ("Australia/Perth", 0.3)),
        (0.65, 0.15, 0.12, 0.06, 0.02),
    ),
    Country("NG", 0.03, "USD", (("Africa/Lagos", 1.0),), (0.75, 0.05, 0.0, 0.05, 0.15)),
    Country("PH", 0.03, "USD", (("Asia/Manila", 1.0),), (0.60, 0.20, 0.02, 0.13, 0.05)),
    Country("SG", 0.02, "USD", (("Asia/Singapore", 1.0),), (0.65, 0.12, 0.13, 0.08, 0.02)),
    Country("ZA", 0.02, "USD", (("Africa/Johannesburg", 1.0),), (0.75, 0.10, 0.03, 0.05, 0.07)),
    Country("JP", 0.02, "USD", (("Asia/Tokyo", 1.0),), (0.75, 0.08, 0.10, 0.05, 0.02)),
)
COUNTRY_CODES = np.array([c.code for c in COUNTRIES])
COUNTRY_WEIGHTS = np.array([c.weight for c in COUNTRIES]) / sum(c.weight for c in COUNTRIES)
COUNTRY_CURRENCY = np.array([CURRENCIES.index(c.currency) for c in COUNTRIES])
ZONES = tuple(dict.fromkeys(zone for c in COUNTRIES for zone, _ in c.zones))
PAYMENT_METHODS = ("card", "paypal", "apple_pay", "google_pay", "bank_transfer")
EURO_COUNTRIES = frozenset({"DE", "FR", "ES", "IT", "NL", "PT"})


def sample_countries(size: int, rng: np.random.Generator) -> np.ndarray:
    return rng.choice(len(COUNTRIES), size=size, p=COUNTRY_WEIGHTS)


def sample_zones(countries: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An index into ZONES for each person, among the zones of their country."""
    zones = np.empty(len(countries), dtype=np.int64)
    for index, country in enumerate(COUNTRIES):
        members = np.flatnonzero(countries == index)
        names = [ZONES.index(z) for z, _ in country.zones]
        weights = np.array([w for _, w in country.zones])
        zones[members] = rng.choice(names, size=len(members), p=weights / weights.sum())
    return zones


@dataclass(frozen=True)
class ZoneOffsets:
    """UTC offset changes of each zone within a window: offsets[i] holds before bounds[i]."""

    bounds_ms: tuple[np.ndarray, ...]
    offsets_s: tuple[np.ndarray, ...]

    @cached_property
    def _matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """(bounds, offsets), a row per zone; bounds padded with the largest instant (never
        reached), offsets with zeros (never read), so that every zone has as many."""
        width = max((len(b) for b in self.bounds_ms), default=0)
        bounds = np.full((len(self.bounds_ms), width), np.iinfo(np.int64).max, dtype=np.int64)
        offsets = np.zeros((len(self.offsets_s), width + 1), dtype=np.int64)
        for zone, (changes, values) in enumerate(zip(self.bounds_ms, self.offsets_s, strict=True)):
            bounds[zone, : len(changes)] = changes
            offsets[zone, : len(values)] = values
        return bounds, offsets

    def offset_seconds(self, zones: np.ndarray, utc_ms: np.ndarray) -> np.ndarray:
        # Each instant's position among its zone's bounds (searchsorted side="right"), counted a
        # bound at a time: a zone has a few changes in the window, where a pass per zone over
        # all rows would be one of two dozen.
        bounds, offsets = self._matrices
        zones = np.asarray(zones)
        position = np.zeros(len(utc_ms), dtype=np.int64)
        for column in bounds.T:
            position += column[zones] <= utc_ms
        return offsets[zones, position]

    def to_utc(self, zones: np.ndarray, local_ms: np.ndarray) -> np.ndarray:
        """UTC instant of a local wall-clock time (in a DST gap or overlap, either side will do)."""
        first_guess = local_ms - self.offset_seconds(zones, local_ms) * 1000
        return local_ms - self.offset_seconds(zones, first_guess) * 1000


def _offset_at(zone: ZoneInfo, ms: int) -> int:
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC).astimezone(zone)
    offset = moment.utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


@lru_cache(maxsize=8)
def zone_offsets(window: Window) -> ZoneOffsets:
    """Offsets checked daily across the window (plus margins), transitions located to the hour."""
    bounds, offsets = [], []
    first_ms = window.start_ms - 3 * MS_PER_DAY
    day_count = window.n_days + 6
    for name in ZONES:
        zone = ZoneInfo(name)
        daily = [_offset_at(zone, first_ms + d * MS_PER_DAY) for d in range(day_count)]
        zone_bounds, zone_offsets_ = [], [daily[0]]
        for d in range(1, day_count):
            if daily[d] != daily[d - 1]:
                hour = next(
                    h
                    for h in range(1, 25)
                    if _offset_at(zone, first_ms + (d - 1) * MS_PER_DAY + h * MS_PER_HOUR) == daily[d]
                )
                zone_bounds.append(first_ms + (d - 1) * MS_PER_DAY + hour * MS_PER_HOUR)
                zone_offsets_.append(daily[d])
        bounds.append(np.array(zone_bounds, dtype=np.int64))
        offsets.append(np.array(zone_offsets_, dtype=np.int64))
    return ZoneOffsets(tuple(bounds), tuple(offsets))

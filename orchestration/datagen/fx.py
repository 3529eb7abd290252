"""Daily reference exchange rates, and converting prices between order currencies with them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.contracts import CURRENCIES
from orchestration.datagen.tables import Categorical, EntityTable
from orchestration.datagen.timeline import MS_PER_DAY, Window

# USD per unit at the start of the window, daily volatility, and pull back to the anchor.
ANCHORS = {
    "USD": (1.0, 0.0),
    "EUR": (1.08, 0.004),
    "GBP": (1.27, 0.004),
    "INR": (0.0120, 0.003),
    "BRL": (0.185, 0.008),
}
MEAN_REVERSION = 0.02


@dataclass(frozen=True)
class Rates:
    start_day: int
    usd_per_unit: np.ndarray  # [day index, currency index]

    def convert_cents(
        self, cents: np.ndarray, from_currency: np.ndarray, to_currency: np.ndarray, ms: np.ndarray
    ) -> np.ndarray:
        """Amount in another currency at the rates of the instant's UTC day, rounded to the cent."""
        day = ms // MS_PER_DAY - self.start_day
        factor = self.usd_per_unit[day, from_currency] / self.usd_per_unit[day, to_currency]
        return np.where(from_currency == to_currency, cents, np.floor(cents * factor + 0.5).astype(np.int64))

    def to_usd(self, cents: np.ndarray, currency: np.ndarray, ms: np.ndarray) -> np.ndarray:
        return self.convert_cents(cents, currency, np.zeros_like(currency), ms)


def _significant(values: np.ndarray, digits: int) -> np.ndarray:
    """Round to significant digits, as reference rates are published."""
    magnitude = np.floor(np.log10(values))
    factor = 10.0 ** (digits - 1 - magnitude)
    return np.round(values * factor) / factor


def build_rates(window: Window, rng: np.random.Generator) -> tuple[Rates, EntityTable]:
    n = window.n_days
    matrix = np.ones((n, len(CURRENCIES)))
    for index, currency in enumerate(CURRENCIES):
        anchor, volatility = ANCHORS[currency]
        if volatility == 0:
            continue
        log_anchor = np.log(anchor)
        shocks = rng.normal(0, volatility, n)
        level = np.empty(n)
        level[0] = log_anchor
        for day in range(1, n):  # a mean-reverting walk: one step per day, ~730 steps per currency
            level[day] = level[day - 1] + shocks[day] - MEAN_REVERSION * (level[day - 1] - log_anchor)
        matrix[:, index] = _significant(np.exp(level), 6)
    rates = Rates(window.start_day, matrix)
    day = np.repeat(window.days, len(CURRENCIES))
    table = EntityTable.build(
        "exchange_rates",
        {
            "rate_date": day,
            "currency": Categorical.of(CURRENCIES, np.tile(np.arange(len(CURRENCIES)), n)),
            "usd_per_unit": matrix.ravel(),
        },
        protected=np.ones(n * len(CURRENCIES), dtype=bool),  # every rate converts some order
    )
    return rates, table

"""Installment plans: paid orders a student chose to pay in monthly installments at checkout.

Dear orders are split far more often than cheap ones (a plan is offered from PLAN_THRESHOLD_USD),
and the plan is set up a minute or two after the order is placed. The provider pays the
marketplace in full, so payments and revenue are those of the order; the plan's state is the
provider's: active until its last installment, then completed, or defaulted or cancelled for a
few. A plan's month file is sent again as its state changes.
"""

from __future__ import annotations

import numpy as np

from orchestration.datagen.fx import Rates
from orchestration.datagen.orders import PAID, PARTIALLY_REFUNDED, REFUNDED
from orchestration.datagen.sampling import categorical
from orchestration.datagen.tables import Categorical, EntityTable
from orchestration.datagen.timeline import MS_PER_DAY, MS_PER_MINUTE, MS_PER_SECOND, Window

PLAN_THRESHOLD_USD = 80
PLAN_SHARE = (0.02, 0.30)  # of paid orders below and from the threshold
INSTALLMENTS = np.array([3, 4, 6, 12])
INSTALLMENT_MIX = (0.45, 0.30, 0.20, 0.05)
STATUSES = ("active", "completed", "defaulted", "cancelled")
ACTIVE, COMPLETED, DEFAULTED, CANCELLED = range(4)
DEFAULT_SHARE = 0.03
CANCEL_SHARE = 0.02  # cancelled when the order is refunded in full


def build_installment_plans(window: Window, orders: EntityTable, rates: Rates, rng: np.random.Generator) -> EntityTable:
    status = orders.columns["payment_status"].codes
    ordered = np.asarray(orders.columns["ordered_at"])
    usd_cents = rates.to_usd(np.asarray(orders.columns["order_total"]), orders.columns["currency"].codes, ordered)
    paid = np.isin(status, (PAID, REFUNDED, PARTIALLY_REFUNDED))
    chance = np.where(usd_cents >= PLAN_THRESHOLD_USD * 100, PLAN_SHARE[1], PLAN_SHARE[0])
    planned = np.flatnonzero(paid & (rng.random(len(status)) < chance))
    started = ordered[planned] + rng.integers(1, 3, len(planned)) * MS_PER_MINUTE
    started = started // MS_PER_SECOND * MS_PER_SECOND
    keep = started < window.end_ms
    planned, started = planned[keep], started[keep]
    installments = INSTALLMENTS[categorical(INSTALLMENT_MIX, len(planned), rng)]

    ends = started + installments * 30 * MS_PER_DAY
    outcome = rng.random(len(planned))
    plan_status = np.where(ends < window.end_ms, COMPLETED, ACTIVE)
    plan_status = np.where(outcome < DEFAULT_SHARE, DEFAULTED, plan_status)
    plan_status = np.where(status[planned] == REFUNDED, CANCELLED, plan_status)
    plan_status = np.where(
        (outcome >= DEFAULT_SHARE) & (outcome < DEFAULT_SHARE + CANCEL_SHARE) & (plan_status == ACTIVE),
        CANCELLED,
        plan_status,
    )
    order = np.argsort(started, kind="stable")
    return EntityTable.build(
        "installment_plans",
        {
            "installment_plan_id": np.arange(1, len(planned) + 1),
            "order_id": np.asarray(orders.columns["order_id"])[planned][order],
            "installments": installments[order],
            "started_at": started[order],
            "status": Categorical.of(STATUSES, plan_status[order]),
        },
    )

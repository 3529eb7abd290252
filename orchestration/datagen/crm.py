"""CRM leads: every student was a lead before signing up, and most leads never sign up.

A student's lead is created some days before the signup, from the channel that brought the
student (the influencer campaign for a campaign lead). Other leads, three for every student,
arrive like students do (a few days before a student's signup, from that student's channel) and
stay prospects: some contacted, a few qualified, the rest disqualified or still new; the newest
are still new. Sales qualifies a lead from its score: every lead
that became a student is qualified when it signs up (a sign-up is the strongest signal), and a
lead becomes a customer with its first payment (a marketplace order or a subscription), which
gives a lead-to-customer rate in the reference's 10-25% band.
"""

from __future__ import annotations

import numpy as np

from orchestration.contracts import ACQUISITION_CHANNELS
from orchestration.datagen.sampling import categorical
from orchestration.datagen.students import Students
from orchestration.datagen.tables import Categorical, EntityTable
from orchestration.datagen.timeline import MS_PER_DAY, MS_PER_HOUR, MS_PER_SECOND, Window

PROSPECTS_PER_STUDENT = 3.0
STAGES = ("new", "contacted", "qualified", "unqualified", "customer")
NEW, CONTACTED, QUALIFIED, UNQUALIFIED, CUSTOMER = range(5)
PROSPECT_STAGE_MIX = (0.30, 0.30, 0.08, 0.32)  # new, contacted, qualified, unqualified
RECENT_MS = 6 * MS_PER_HOUR


def build_leads(
    window: Window,
    students: Students,
    student_channel: np.ndarray,
    first_paid_ms: np.ndarray,
    rng: np.random.Generator,
) -> EntityTable:
    """`student_channel`: index into ACQUISITION_CHANNELS per student; `first_paid_ms`: each
    student's first payment (int64 max when none)."""
    n_students = len(students)
    lead_age = rng.exponential(4 * MS_PER_DAY, n_students).astype(np.int64)
    student_created = np.maximum(students.signup_ms - lead_age - 5 * 60 * 1000, window.start_ms)
    student_created = np.minimum(student_created, students.signup_ms)

    n_prospects = round(PROSPECTS_PER_STUDENT * n_students)
    # a prospect arrives like a student does (same seasons and channels): a few days before a
    # student's signup, from that student's channel and campaign
    like = rng.integers(0, n_students, n_prospects) if n_students else np.zeros(0, np.int64)
    prospect_created = students.signup_ms[like] - rng.exponential(3 * MS_PER_DAY, n_prospects).astype(np.int64)
    prospect_created = np.maximum(prospect_created, window.start_ms)
    prospect_created = _with_recent_prospect(prospect_created, window, rng)
    prospect_stage = categorical(PROSPECT_STAGE_MIX, n_prospects, rng)
    # the newest prospects are still new: nobody has called them yet
    prospect_stage = np.where(prospect_created > window.end_ms - 2 * MS_PER_DAY, NEW, prospect_stage)

    became_customer = first_paid_ms < window.end_ms
    student_stage = np.where(became_customer, CUSTOMER, QUALIFIED)
    created = np.r_[student_created, prospect_created] // MS_PER_SECOND * MS_PER_SECOND
    channel = np.r_[student_channel, student_channel[like]]
    campaign = np.r_[students.lead_campaign, students.lead_campaign[like]]
    student = np.r_[np.arange(n_students), np.full(n_prospects, -1)]
    stage = np.r_[student_stage, prospect_stage]
    qualified_ms = np.r_[
        np.maximum(students.signup_ms, student_created),
        prospect_created + rng.integers(1, 72, n_prospects) * MS_PER_HOUR,
    ]
    is_qualified = (stage == QUALIFIED) | (stage == CUSTOMER)
    is_qualified &= qualified_ms < window.end_ms
    stage = np.where((stage == QUALIFIED) & ~is_qualified, CONTACTED, stage)
    converted_ms = np.r_[first_paid_ms, np.zeros(n_prospects, np.int64)]
    converted = stage == CUSTOMER
    converted_ms = np.where(converted, converted_ms, 0)  # no payment: int64 max, never written
    score = np.clip(
        np.where(is_qualified, rng.normal(75, 10, len(stage)), rng.normal(35, 15, len(stage))), 0, 100
    ).astype(np.int64)

    order = np.argsort(created, kind="stable")
    created, channel, campaign, student, stage = (a[order] for a in (created, channel, campaign, student, stage))
    qualified_ms, is_qualified, converted_ms, converted, score = (
        a[order] for a in (qualified_ms, is_qualified, converted_ms, converted, score)
    )
    return EntityTable.build(
        "leads",
        {
            "lead_id": np.arange(1, len(created) + 1),
            "created_at": created,
            "source_channel": Categorical.of(ACQUISITION_CHANNELS, channel),
            "campaign_id": campaign + 1,
            "student_id": student + 1,
            "stage": Categorical.of(STAGES, stage),
            "lead_score": score,
            "qualified_at": qualified_ms // MS_PER_SECOND * MS_PER_SECOND,
            "converted_at": converted_ms // MS_PER_SECOND * MS_PER_SECOND,
        },
        nulls={
            "campaign_id": campaign < 0,
            "student_id": student < 0,
            "qualified_at": ~is_qualified,
            "converted_at": ~converted,
        },
        protected=created >= window.end_ms - RECENT_MS,
    )


def _with_recent_prospect(created: np.ndarray, window: Window, rng: np.random.Generator) -> np.ndarray:
    """Leads are sparse at small scales: when none arrives in the last hours before the end, the
    newest prospect arrives in them, so the export shows a CRM that is current."""
    position = rng.random()
    if len(created) == 0 or np.any(created >= window.end_ms - RECENT_MS):
        return created
    created = created.copy()
    created[np.argmax(created)] = window.end_ms - RECENT_MS + int(position * (RECENT_MS - MS_PER_SECOND))
    return created

"""CRM leads: every student was a lead before signing up, and most leads never sign up.

A student's lead is created some days before the signup, from the channel that brought the
student (the influencer campaign for a campaign lead). Other leads, three for every student,
arrive like students do (a few days before a student's signup, from that student's channel) and
stay prospects: some contacted, a few qualified, the rest disqualified or still new; the newest
are still new. Sales qualifies a lead from its score: every lead
that became a student is qualified when it signs up (a sign-up is the strongest signal), and a
lead becomes a customer with its first payment (a marketplace order or a subscription), which
gives a lead-to-customer rate in the reference's 10-25% band.

Referrals: students invite friends through the referral programme, more of them the better the
courses they took (satisfaction drives referring), the first invitation some weeks after signing
up. Every student the referral channel brought was invited by an earlier student a few days
before signing up; the other invitations stay unanswered.
"""

from __future__ import annotations

import numpy as np

from orchestration.contracts import ACQUISITION_CHANNELS
from orchestration.datagen.learning import Enrollments
from orchestration.datagen.sampling import categorical
from orchestration.datagen.students import Students
from orchestration.datagen.tables import Categorical, EntityTable
from orchestration.datagen.timeline import MS_PER_DAY, MS_PER_HOUR, MS_PER_SECOND, Window

PROSPECTS_PER_STUDENT = 3.0
STAGES = ("new", "contacted", "qualified", "unqualified", "customer")
NEW, CONTACTED, QUALIFIED, UNQUALIFIED, CUSTOMER = range(5)
PROSPECT_STAGE_MIX = (0.30, 0.30, 0.08, 0.32)  # new, contacted, qualified, unqualified
RECENT_MS = 6 * MS_PER_HOUR
REFERRER_SHARE = 0.28  # of students taking courses of average quality
FIRST_REFERRAL_DAYS = 20.0
EXTRA_INVITATIONS = 0.8
REFERRAL_CHANNELS = ("link", "email", "social")
REFERRAL_CHANNEL_MIX = (0.5, 0.3, 0.2)


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


def build_referrals(
    window: Window,
    students: Students,
    student_channel: np.ndarray,
    enrollments: Enrollments,
    course_quality: np.ndarray,
    rng: np.random.Generator,
) -> EntityTable:
    """`student_channel`: index into ACQUISITION_CHANNELS per student."""
    n_students = len(students)
    quality = np.zeros(n_students)
    taken = np.bincount(enrollments.student, minlength=n_students)
    np.add.at(quality, enrollments.student, course_quality[enrollments.course])
    quality = np.divide(quality, taken, out=np.zeros(n_students), where=taken > 0)
    chance = np.where(taken > 0, REFERRER_SHARE * np.exp(1.2 * quality), 0.0)
    referrer = np.flatnonzero(rng.random(n_students) < chance)
    referrer = np.repeat(referrer, 1 + rng.poisson(EXTRA_INVITATIONS, len(referrer)))
    first = rng.exponential(FIRST_REFERRAL_DAYS * MS_PER_DAY, len(referrer))
    later = rng.exponential(3 * FIRST_REFERRAL_DAYS * MS_PER_DAY, len(referrer))
    is_first = np.r_[True, referrer[1:] != referrer[:-1]] if len(referrer) else np.zeros(0, bool)
    unanswered_ms = students.signup_ms[referrer] + np.where(is_first, first, first + later).astype(np.int64)

    # a student the referral channel brought was invited by an earlier student (students are in
    # signup order) a few days before signing up, never before the referrer's own signup
    invited = np.flatnonzero(student_channel == ACQUISITION_CHANNELS.index("referral"))
    invited = invited[invited > 0]
    inviter = (rng.random(len(invited)) * invited).astype(np.int64)
    invited_ms = np.maximum(
        students.signup_ms[invited] - rng.exponential(3 * MS_PER_DAY, len(invited)).astype(np.int64) - MS_PER_HOUR,
        students.signup_ms[inviter],
    )

    sender = np.r_[referrer, inviter]
    friend = np.r_[np.full(len(referrer), -1), invited]
    sent = np.r_[unanswered_ms, invited_ms] // MS_PER_SECOND * MS_PER_SECOND
    keep = np.flatnonzero(sent < window.end_ms)
    order = keep[np.argsort(sent[keep], kind="stable")]
    sender, friend, sent = (
        sender[order],
        friend[order],
        _with_recent_invitation(sent[order], friend[order], window, rng),
    )
    channel = categorical(REFERRAL_CHANNEL_MIX, len(sent), rng)
    return EntityTable.build(
        "referrals",
        {
            "referral_id": np.arange(1, len(sent) + 1),
            "referrer_student_id": sender + 1,
            "channel": Categorical.of(REFERRAL_CHANNELS, channel),
            "referred_at": sent,
            "referred_student_id": friend + 1,
        },
        nulls={"referred_student_id": friend < 0},
        protected=sent >= window.end_ms - RECENT_MS,
    )


def _with_recent_invitation(
    sent: np.ndarray, friend: np.ndarray, window: Window, rng: np.random.Generator
) -> np.ndarray:
    """Invitations are sparse at small scales: when none is sent in the last hours before the
    end, the newest unanswered one is sent in them (later, so still after its sender's signup)."""
    position = rng.random()
    unanswered = np.flatnonzero(friend < 0)
    if len(unanswered) == 0 or np.any(sent >= window.end_ms - RECENT_MS):
        return sent
    sent = sent.copy()
    newest = unanswered[np.argmax(sent[unanswered])]
    sent[newest] = (
        window.end_ms - RECENT_MS + int(position * (RECENT_MS - MS_PER_SECOND)) // MS_PER_SECOND * MS_PER_SECOND
    )
    return sent

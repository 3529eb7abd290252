"""Student accounts: who signs up when and where, through which channel, and their signup visit."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from orchestration.contracts import ACQUISITION_CHANNELS
from orchestration.datagen.channels import SIGNUP_CHANNELS, Sources
from orchestration.datagen.geo import (
    COUNTRY_CODES,
    COUNTRY_CURRENCY,
    ZONES,
    ZoneOffsets,
    sample_countries,
    sample_zones,
)
from orchestration.datagen.sampling import categorical
from orchestration.datagen.tables import Categorical, EntityTable
from orchestration.datagen.timeline import (
    MS_PER_DAY,
    MS_PER_HOUR,
    MS_PER_SECOND,
    SHOPPING_HOURS,
    Window,
    demand_weights,
    sample_days,
    sample_time_of_day_ms,
)
from orchestration.datagen.web import (
    CAMPAIGN_BROWSE,
    DEVICE_WEIGHTS,
    DEVICES,
    LEAD,
    LEAD_ORDER,
    CampaignVisits,
    SessionLog,
    course_page,
    page_code,
)

APP_SIGNUP_SHARE = 0.08  # signed up in the mobile app: no web session
MAX_LEAD_SHARE = 0.5


@dataclass(frozen=True)
class Students:
    """Students in signup order: index i is student_id i + 1."""

    signup_ms: np.ndarray
    country: np.ndarray
    zone: np.ndarray
    currency: np.ndarray  # index into CURRENCIES students pay in
    device: np.ndarray  # usual device
    signup_session: np.ndarray  # session log index; -1 for app signups
    lead_campaign: np.ndarray  # campaign whose link brought them; -1 otherwise
    orders_at_signup: np.ndarray  # campaign lead who bought in the signup session

    def __len__(self) -> int:
        return len(self.signup_ms)


def _cap_leads(visits: CampaignVisits, n_students: int, rng: np.random.Generator) -> CampaignVisits:
    """At odd scales campaign signups could outnumber students: surplus leads just browse."""
    leads = np.flatnonzero(np.isin(visits.role, (LEAD, LEAD_ORDER)))
    surplus = len(leads) - int(MAX_LEAD_SHARE * n_students)
    if surplus <= 0:
        return visits
    role = visits.role.copy()
    role[rng.choice(leads, size=surplus, replace=False)] = CAMPAIGN_BROWSE
    return replace(visits, role=role)


def build_students(
    window: Window,
    n_students: int,
    visits: CampaignVisits,
    promoted_course: np.ndarray,
    course_popularity: np.ndarray,
    sources: Sources,
    offsets: ZoneOffsets,
    log: SessionLog,
    rng: np.random.Generator,
) -> tuple[Students, CampaignVisits, EntityTable]:
    visits = _cap_leads(visits, n_students, rng)
    lead_visit = np.flatnonzero(np.isin(visits.role, (LEAD, LEAD_ORDER)))
    n_leads = len(lead_visit)
    n_other = n_students - n_leads

    other_country = sample_countries(n_other, rng)
    other_zone = sample_zones(other_country, rng)
    day_weights = demand_weights(window, 1.7)

    def signup_at(rows: np.ndarray) -> np.ndarray:  # a day, then a local hour of that day
        days = window.start_day + sample_days(day_weights, len(rows), rng)
        local = days * MS_PER_DAY + sample_time_of_day_ms(SHOPPING_HOURS, len(rows), rng)
        return offsets.to_utc(other_zone[rows], local)

    other_signup = window.draw_inside(n_other, signup_at)
    other_signup = np.clip(other_signup, window.start_ms + MS_PER_HOUR, window.end_ms - MS_PER_SECOND)
    lead_signup = np.minimum(
        visits.start_ms[lead_visit] + rng.integers(60, 720, n_leads) * MS_PER_SECOND,
        window.end_ms - MS_PER_SECOND,
    )

    signup = np.r_[lead_signup, other_signup]
    order = np.argsort(signup, kind="stable")
    signup = signup[order]
    country = np.r_[visits.country[lead_visit], other_country][order]
    zone = np.r_[visits.zone[lead_visit], other_zone][order]
    lead_campaign = np.r_[visits.campaign[lead_visit], np.full(n_other, -1)][order]
    orders_at_signup = np.r_[visits.role[lead_visit] == LEAD_ORDER, np.zeros(n_other, bool)][order]
    is_lead = lead_campaign >= 0
    source = np.where(
        is_lead,
        sources.campaign_source(np.maximum(lead_campaign, 0)),
        sources.sample(SIGNUP_CHANNELS, n_students, rng),
    )
    # Influencer traffic is mostly phones.
    device = np.where(
        is_lead & (rng.random(n_students) < 0.7),
        DEVICES.index("mobile"),
        categorical(DEVICE_WEIGHTS, n_students, rng),
    )

    web = is_lead | (rng.random(n_students) >= APP_SIGNUP_SHARE)
    lead_start = np.r_[visits.start_ms[lead_visit], np.zeros(n_other, np.int64)][order]
    session_start = np.where(
        is_lead,
        lead_start,
        np.maximum(signup - rng.integers(60, 720, n_students) * MS_PER_SECOND, window.start_ms),
    )
    landing = np.where(
        is_lead,
        course_page(promoted_course[np.maximum(lead_campaign, 0)]),
        np.select(
            [rng.random(n_students) < 0.45, rng.random(n_students) < 0.3],
            [
                course_page(rng.choice(len(course_popularity), size=n_students, p=course_popularity)),
                page_code("/signup"),
            ],
            page_code("/"),
        ),
    )
    signup_session = np.full(n_students, -1)
    web_rows = np.flatnonzero(web)
    signup_session[web_rows] = log.add(
        session_start[web_rows],
        web_rows + 1,
        device[web_rows],
        source[web_rows],
        landing[web_rows],
        converted=True,
        last_event_ms=signup[web_rows],
    )

    students = Students(
        signup_ms=signup,
        country=country,
        zone=zone,
        currency=COUNTRY_CURRENCY[country],
        device=device,
        signup_session=signup_session,
        lead_campaign=lead_campaign,
        orders_at_signup=orders_at_signup,
    )
    labels = {f: sources.column(f) for f in ("utm_source", "utm_medium", "utm_campaign")}
    table = EntityTable.build(
        "students",
        {
            "student_id": np.arange(1, n_students + 1),
            "signup_at": signup,
            "country_code": Categorical.of(tuple(COUNTRY_CODES), country),
            "timezone": Categorical.of(ZONES, zone),
            "acquisition_channel": Categorical.of(ACQUISITION_CHANNELS, sources.channel[source]),
            **{
                name: Categorical.of(labels[name][0], labels[name][1][source])
                for name in ("utm_source", "utm_medium", "utm_campaign")
            },
        },
    )
    return students, visits, table

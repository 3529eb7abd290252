"""The landing contract: every source entity, its columns as exported, and the rules a row must meet.

One definition serves three readers: the data generator writes files in this shape, the landing
step checks files against it, and `python -m orchestration.render_sources` renders from it the dbt
sources (`models/staging/<source>/_<source>__sources.yml`) and the base models, whose SQL turns
the same rules into casts and quarantine reasons.

Besides the rules of single values, an entity carries consistency rules across entities (a payment
is not before its order, a review comes from a student enrolled in the course): a row breaking one
is quarantined with a reason that starts with the rule's name, like any invalid row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# `key`: an identifier, any text (trimmed, compared exactly): exports use `C0001`, UUIDs, numbers.
ColumnType = Literal["key", "integer", "text", "decimal", "double", "timestamp", "date", "boolean"]
Layout = Literal["snapshot", "monthly"]


@dataclass(frozen=True)
class CodeList:
    """A standard list of codes kept as a dbt seed: a value must be one of `seed`.`column`."""

    seed: str
    column: str
    label: str  # what a listed value is, for the quarantine reason: "an ISO 3166-1 alpha-2 country code"


ISO_3166_COUNTRIES = CodeList("iso_3166_countries", "country_code", "an ISO 3166-1 alpha-2 country code")


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    description: str
    required: bool = False
    accepted_values: tuple[str, ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    references: str | None = None  # "entity.column" of the parent row this value points to
    codes: CodeList | None = None  # upper case, and one of the list's codes


@dataclass(frozen=True)
class Anchor:
    """A timestamp a row's own timestamp may not precede.

    Without `via`, `timestamp` is another column of the same row. With `via`, `timestamp` is
    "entity.column" of the parent rows whose `key` equals this row's `via` value: the earliest of
    them, among the parent's staged rows (valid, not a duplicate) that have the `where` values, so
    a quarantined parent never counts and every row finds one value or none.
    """

    timestamp: str
    label: str  # names the anchor in the reason: "its order's ordered_at"
    via: str | None = None
    key: str | None = None
    where: tuple[tuple[str, str], ...] = ()

    @property
    def entity(self) -> str | None:
        return self.timestamp.split(".")[0] if self.via else None

    @property
    def column(self) -> str:
        return self.timestamp.split(".")[-1]


@dataclass(frozen=True)
class NotBefore:
    """Consistency rule: `column` is not before the first of `anchors` that resolves, so a later
    anchor is the fallback when an earlier one has no row (an order without a successful payment).
    Reason: `<name>: <column> <value> is before <label> <anchor value>` (timestamps in UTC)."""

    name: str
    column: str
    anchors: tuple[Anchor, ...]


@dataclass(frozen=True)
class ExistsIn:
    """Consistency rule: some staged row of `entity` has `entity_columns` equal to this row's
    `columns`. Reason: `<name>: no <entity> row with <column> <value>, ...`."""

    name: str
    columns: tuple[str, ...]
    entity: str
    entity_columns: tuple[str, ...]


ConsistencyRule = NotBefore | ExistsIn


@dataclass(frozen=True)
class Entity:
    source: str
    name: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    layout: Layout = "snapshot"
    # Monthly files are partitioned by this business timestamp; a row whose timestamp falls before
    # its file's month arrived late.
    partitioned_by: str | None = None
    # Checked only on rows that pass every column rule, so a row has either column reasons or
    # consistency reasons, and a broken parent link is reported once, as an orphan.
    consistency_rules: tuple[ConsistencyRule, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")


CURRENCIES = ("USD", "EUR", "GBP", "INR", "BRL")
COURSE_CATEGORIES = (
    "development",
    "data_science",
    "business",
    "design",
    "marketing",
    "it_and_software",
    "personal_development",
    "photography",
)
PLATFORMS = ("instagram", "tiktok", "youtube", "linkedin", "x")
INFLUENCER_TIERS = ("nano", "micro", "mid", "macro", "mega")
AD_CHANNELS = ("paid_search", "paid_social", "display", "affiliate", "email")
ACQUISITION_CHANNELS = (
    "organic_search",
    "paid_search",
    "social",
    "email",
    "referral",
    "influencer",
    "direct",
)


def _id(name: str, description: str, references: str | None = None) -> Column:
    return Column(name, "key", description, required=True, references=references)


def _money(name: str, description: str, required: bool = True) -> Column:
    return Column(name, "decimal", description, required=required, min_value=0, max_value=100_000)


def _count(name: str, description: str, max_value: float = 1e10) -> Column:
    return Column(name, "integer", description, required=True, min_value=0, max_value=max_value)


def _currency(name: str = "currency") -> Column:
    return Column(
        name,
        "text",
        "ISO 4217 code of the currency the amounts of this row are in.",
        required=True,
        accepted_values=CURRENCIES,
    )


def _ts(name: str, description: str, required: bool = True) -> Column:
    return Column(name, "timestamp", description, required=required)


MARKETPLACE = "marketplace"
BILLING = "billing"
LEARNING = "learning"
WEB = "web_analytics"
MARKETING = "marketing"
SUPPORT = "support"
CRM = "crm"
EMAIL = "email"
SOCIAL = "social"
COMMUNITY = "community"
EXPERIMENTATION = "experimentation"
MANUAL = "manual"

ENTITIES: tuple[Entity, ...] = (
    # ---------------------------------------------------------------- marketplace
    Entity(
        MARKETPLACE,
        "instructors",
        "Instructors who publish courses on the marketplace; one row per instructor account.",
        key=("instructor_id",),
        columns=(
            _id("instructor_id", "Instructor account id."),
            Column("instructor_name", "text", "Public display name.", required=True),
            Column("country_code", "text", "ISO 3166-1 alpha-2 country of the instructor.", codes=ISO_3166_COUNTRIES),
            _ts("joined_at", "When the instructor account was created (ISO 8601 with offset)."),
            Column(
                "status",
                "text",
                "Account status.",
                required=True,
                accepted_values=("active", "suspended", "closed"),
            ),
        ),
    ),
    Entity(
        MARKETPLACE,
        "courses",
        "Course catalog: one row per course with its current attributes and list price.",
        key=("course_id",),
        columns=(
            _id("course_id", "Course id."),
            _id("instructor_id", "Instructor who owns the course.", "instructors.instructor_id"),
            Column("title", "text", "Course title.", required=True),
            Column(
                "category",
                "text",
                "Top-level category.",
                required=True,
                accepted_values=COURSE_CATEGORIES,
            ),
            Column("subcategory", "text", "Subcategory within the category.", required=True),
            Column(
                "level",
                "text",
                "Difficulty level.",
                required=True,
                accepted_values=("beginner", "intermediate", "advanced", "all_levels"),
            ),
            Column(
                "language",
                "text",
                "ISO 639-1 language of instruction.",
                required=True,
                accepted_values=("en", "es", "pt", "de", "fr", "hi"),
            ),
            _money("list_price", "Current list price in `currency`."),
            _currency(),
            Column(
                "status",
                "text",
                "Lifecycle status in the catalog.",
                required=True,
                accepted_values=("draft", "published", "retired"),
            ),
            _ts("created_at", "When the course draft was created."),
            _ts("published_at", "When the course went live; empty for drafts.", required=False),
            _ts("retired_at", "When the course was withdrawn; empty while live.", required=False),
        ),
    ),
    Entity(
        MARKETPLACE,
        "course_prices",
        "Change log of course list prices: one row each time an instructor changes a price.",
        key=("price_change_id",),
        columns=(
            _id("price_change_id", "Price change id."),
            _id("course_id", "Course whose price changed.", "courses.course_id"),
            _money("list_price", "New list price in `currency`."),
            _currency(),
            _ts("effective_at", "When the new price took effect."),
        ),
    ),
    Entity(
        MARKETPLACE,
        "students",
        "Student accounts with their signup attribution.",
        key=("student_id",),
        columns=(
            _id("student_id", "Student account id."),
            _ts("signup_at", "Account creation time."),
            Column("country_code", "text", "ISO 3166-1 alpha-2 country.", required=True, codes=ISO_3166_COUNTRIES),
            Column(
                "timezone",
                "text",
                "IANA time zone of the student, for local-time analysis.",
                required=True,
            ),
            Column(
                "acquisition_channel",
                "text",
                "Channel that brought the student.",
                required=True,
                accepted_values=ACQUISITION_CHANNELS,
            ),
            Column("utm_source", "text", "UTM source of the signup visit."),
            Column("utm_medium", "text", "UTM medium of the signup visit."),
            Column("utm_campaign", "text", "UTM campaign of the signup visit (tracking code)."),
        ),
    ),
    Entity(
        MARKETPLACE,
        "orders",
        "Checkout orders; one row per order, amounts in the order currency.",
        key=("order_id",),
        layout="monthly",
        partitioned_by="ordered_at",
        columns=(
            _id("order_id", "Order id."),
            _id("student_id", "Buying student.", "students.student_id"),
            Column("session_id", "text", "Web session in which the checkout happened."),
            _ts("ordered_at", "Checkout time (ISO 8601 with the buyer's UTC offset)."),
            _currency(),
            Column("coupon_code", "text", "Coupon applied at checkout, if any."),
            _money("order_total", "Amount charged for the order in `currency`."),
            Column(
                "payment_status",
                "text",
                "Outcome of payment for the order.",
                required=True,
                accepted_values=("paid", "failed", "pending", "refunded", "partially_refunded"),
            ),
        ),
    ),
    Entity(
        MARKETPLACE,
        "order_items",
        "Courses bought in an order; one row per course per order.",
        key=("order_item_id",),
        layout="monthly",
        partitioned_by="ordered_at",
        columns=(
            _id("order_item_id", "Order line id."),
            _id("order_id", "Order the line belongs to.", "orders.order_id"),
            _id("course_id", "Course bought.", "courses.course_id"),
            _ts("ordered_at", "Checkout time of the order, repeated for partitioning."),
            _money("list_price", "List price in force at checkout, in the order currency."),
            _money("discount_amount", "Discount taken off the list price."),
            _money("paid_amount", "Amount paid for the line: list_price - discount_amount."),
        ),
    ),
    Entity(
        MARKETPLACE,
        "payments",
        "Payment attempts for orders, successful or failed.",
        key=("payment_id",),
        layout="monthly",
        partitioned_by="attempted_at",
        columns=(
            _id("payment_id", "Payment attempt id."),
            _id("order_id", "Order being paid.", "orders.order_id"),
            _ts("attempted_at", "When the attempt was made."),
            Column(
                "method",
                "text",
                "Payment method.",
                required=True,
                accepted_values=("card", "paypal", "apple_pay", "google_pay", "bank_transfer"),
            ),
            _money("amount", "Amount attempted in `currency`."),
            _currency(),
            Column(
                "status",
                "text",
                "Attempt outcome.",
                required=True,
                accepted_values=("succeeded", "failed"),
            ),
            Column("failure_reason", "text", "Processor reason for a failed attempt."),
        ),
        consistency_rules=(
            NotBefore(
                "payment_before_order",
                "attempted_at",
                (Anchor("orders.ordered_at", "its order's ordered_at", via="order_id", key="order_id"),),
            ),
        ),
    ),
    Entity(
        MARKETPLACE,
        "refunds",
        "Refunds of order lines.",
        key=("refund_id",),
        layout="monthly",
        partitioned_by="refunded_at",
        columns=(
            _id("refund_id", "Refund id."),
            _id("order_id", "Refunded order.", "orders.order_id"),
            _id("order_item_id", "Refunded order line.", "order_items.order_item_id"),
            _ts("refunded_at", "When the refund was issued."),
            _money("amount", "Amount refunded in `currency`."),
            _currency(),
            Column(
                "reason",
                "text",
                "Refund reason given by the student.",
                required=True,
                accepted_values=(
                    "not_as_described",
                    "quality",
                    "accidental_purchase",
                    "duplicate",
                    "other",
                ),
            ),
        ),
        # A refund gives back money collected: it is not before the order's first successful
        # payment; an order with no staged successful payment is judged by its order time.
        consistency_rules=(
            NotBefore(
                "refund_before_payment",
                "refunded_at",
                (
                    Anchor(
                        "payments.attempted_at",
                        "its order's first successful payment",
                        via="order_id",
                        key="order_id",
                        where=(("status", "succeeded"),),
                    ),
                    Anchor("orders.ordered_at", "its unpaid order's ordered_at", via="order_id", key="order_id"),
                ),
            ),
        ),
    ),
    Entity(
        MARKETPLACE,
        "reviews",
        "Star ratings students give courses.",
        key=("review_id",),
        layout="monthly",
        partitioned_by="reviewed_at",
        columns=(
            _id("review_id", "Review id."),
            _id("course_id", "Reviewed course.", "courses.course_id"),
            _id("student_id", "Reviewing student.", "students.student_id"),
            Column("rating", "integer", "Stars, 1 to 5.", required=True, min_value=1, max_value=5),
            _ts("reviewed_at", "When the review was posted."),
        ),
        consistency_rules=(
            ExistsIn(
                "review_without_enrollment",
                ("student_id", "course_id"),
                "enrollments",
                ("student_id", "course_id"),
            ),
        ),
    ),
    Entity(
        MARKETPLACE,
        "exchange_rates",
        "Daily reference rates: USD value of one unit of each order currency.",
        key=("rate_date", "currency"),
        columns=(
            Column("rate_date", "date", "Day the rate applies to.", required=True),
            _currency(),
            Column(
                "usd_per_unit",
                "double",
                "US dollars for one unit of `currency`.",
                required=True,
                min_value=0.0001,
                max_value=10,
            ),
        ),
    ),
    # ---------------------------------------------------------------- billing
    Entity(
        BILLING,
        "subscription_plans",
        "All-access subscription plans.",
        key=("plan_id",),
        columns=(
            _id("plan_id", "Plan id."),
            Column("plan_name", "text", "Plan name.", required=True),
            Column(
                "billing_period",
                "text",
                "How often the plan bills.",
                required=True,
                accepted_values=("monthly", "annual"),
            ),
            _money("price_usd", "Price per billing period in USD."),
        ),
    ),
    Entity(
        BILLING,
        "subscription_events",
        "Subscription lifecycle: starts, renewals, plan changes and cancellations.",
        key=("subscription_event_id",),
        layout="monthly",
        partitioned_by="occurred_at",
        columns=(
            _id("subscription_event_id", "Event id."),
            _id("subscription_id", "Subscription the event belongs to."),
            _id("student_id", "Subscriber.", "students.student_id"),
            _id("plan_id", "Plan in force after the event.", "subscription_plans.plan_id"),
            Column(
                "event_type",
                "text",
                "What happened.",
                required=True,
                accepted_values=("start", "renewal", "upgrade", "cancel"),
            ),
            _ts("occurred_at", "When it happened."),
            _money("amount_usd", "Amount billed by the event in USD (0 for cancellations)."),
        ),
    ),
    Entity(
        BILLING,
        "installment_plans",
        "Payment plans: one row per marketplace order a student chose to pay in installments at checkout "
        "(the provider pays the marketplace in full and collects the installments), in its current state.",
        key=("installment_plan_id",),
        layout="monthly",
        partitioned_by="started_at",
        columns=(
            _id("installment_plan_id", "Payment plan id."),
            _id("order_id", "Order paid through the plan.", "orders.order_id"),
            Column(
                "installments",
                "integer",
                "Number of monthly installments.",
                required=True,
                min_value=2,
                max_value=24,
            ),
            _ts("started_at", "When the plan was set up at checkout."),
            Column(
                "status",
                "text",
                "Where the plan stands.",
                required=True,
                accepted_values=("active", "completed", "defaulted", "cancelled"),
            ),
        ),
        consistency_rules=(
            NotBefore(
                "plan_before_order",
                "started_at",
                (Anchor("orders.ordered_at", "its order's ordered_at", via="order_id", key="order_id"),),
            ),
        ),
    ),
    # ---------------------------------------------------------------- learning
    Entity(
        LEARNING,
        "lessons",
        "Lessons of each course, in order, grouped into modules.",
        key=("lesson_id",),
        columns=(
            _id("lesson_id", "Lesson id."),
            _id("course_id", "Course the lesson belongs to.", "courses.course_id"),
            _count("module_number", "Module (section) number within the course.", 100),
            _count("lesson_position", "Position of the lesson within the course.", 1000),
            Column(
                "lesson_type",
                "text",
                "Kind of lesson.",
                required=True,
                accepted_values=("video", "reading", "quiz", "assignment"),
            ),
            _count("video_seconds", "Video length in seconds (0 for non-video lessons).", 36_000),
        ),
    ),
    Entity(
        LEARNING,
        "enrollments",
        "A student's enrollment in a course, with the progress the learning platform reports.",
        key=("enrollment_id",),
        layout="monthly",
        partitioned_by="enrolled_at",
        columns=(
            _id("enrollment_id", "Enrollment id."),
            _id("student_id", "Enrolled student.", "students.student_id"),
            _id("course_id", "Course enrolled in.", "courses.course_id"),
            Column("order_item_id", "key", "Purchase that granted access; empty when via subscription."),
            Column(
                "access_type",
                "text",
                "How access was granted.",
                required=True,
                accepted_values=("purchase", "subscription"),
            ),
            _ts("enrolled_at", "Enrollment time."),
            Column(
                "progress_pct",
                "double",
                "Share of lessons completed, 0 to 100.",
                required=True,
                min_value=0,
                max_value=100,
            ),
            _ts("completed_at", "When all lessons were completed.", required=False),
        ),
        consistency_rules=(
            NotBefore("completion_before_enrollment", "completed_at", (Anchor("enrolled_at", "its enrolled_at"),)),
        ),
    ),
    Entity(
        LEARNING,
        "lesson_activity",
        "Learning events: lesson starts, video progress, completions, quiz and assignment submissions.",
        key=("event_id",),
        layout="monthly",
        partitioned_by="occurred_at",
        columns=(
            Column("event_id", "text", "Event id (unique per event).", required=True),
            _id("enrollment_id", "Enrollment the event belongs to.", "enrollments.enrollment_id"),
            _id("lesson_id", "Lesson.", "lessons.lesson_id"),
            Column(
                "event_type",
                "text",
                "Event kind.",
                required=True,
                accepted_values=(
                    "lesson_start",
                    "video_progress",
                    "lesson_complete",
                    "quiz_submit",
                    "assignment_submit",
                ),
            ),
            _ts("occurred_at", "Event time (UTC)."),
            _count("video_seconds_watched", "Seconds of video watched in this event.", 36_000),
            Column(
                "score",
                "double",
                "Quiz or assignment score 0-100; empty for other events.",
                min_value=0,
                max_value=100,
            ),
        ),
    ),
    Entity(
        LEARNING,
        "certificates",
        "Certificates of completion.",
        key=("certificate_id",),
        layout="monthly",
        partitioned_by="issued_at",
        columns=(
            _id("certificate_id", "Certificate id."),
            _id("enrollment_id", "Completed enrollment.", "enrollments.enrollment_id"),
            _ts("issued_at", "Issue time."),
        ),
        consistency_rules=(
            NotBefore(
                "certificate_before_enrollment",
                "issued_at",
                (
                    Anchor(
                        "enrollments.enrolled_at",
                        "its enrollment's enrolled_at",
                        via="enrollment_id",
                        key="enrollment_id",
                    ),
                ),
            ),
        ),
    ),
    Entity(
        LEARNING,
        "assessments",
        "Graded assessments of an enrollment: the pre-test taken on starting a course, the post-test on "
        "finishing it, and the final project of courses that have one; one row per graded submission.",
        key=("assessment_id",),
        layout="monthly",
        partitioned_by="submitted_at",
        columns=(
            _id("assessment_id", "Graded submission id."),
            _id("enrollment_id", "Enrollment the submission belongs to.", "enrollments.enrollment_id"),
            Column(
                "assessment_type",
                "text",
                "What was assessed: the knowledge test before or after the course, or its final project.",
                required=True,
                accepted_values=("pre_test", "post_test", "final_project"),
            ),
            _ts("submitted_at", "When the student submitted it."),
            Column("score", "double", "Grade, 0 to 100.", required=True, min_value=0, max_value=100),
            Column("passed", "boolean", "Whether the grade met the course's pass mark.", required=True),
        ),
        consistency_rules=(
            NotBefore(
                "assessment_before_enrollment",
                "submitted_at",
                (
                    Anchor(
                        "enrollments.enrolled_at",
                        "its enrollment's enrolled_at",
                        via="enrollment_id",
                        key="enrollment_id",
                    ),
                ),
            ),
        ),
    ),
    Entity(
        LEARNING,
        "surveys",
        "Student survey responses: NPS, CSAT and course rating.",
        key=("response_id",),
        layout="monthly",
        partitioned_by="submitted_at",
        columns=(
            _id("response_id", "Survey response id."),
            _id("student_id", "Responding student.", "students.student_id"),
            _id("course_id", "Course the survey is about.", "courses.course_id"),
            _ts("submitted_at", "Submission time."),
            Column("nps_score", "integer", "Likelihood to recommend, 0-10.", required=True, min_value=0, max_value=10),
            Column("csat_score", "integer", "Satisfaction, 1-5.", required=True, min_value=1, max_value=5),
            Column("course_rating", "integer", "Course rating, 1-5.", required=True, min_value=1, max_value=5),
        ),
    ),
    # ---------------------------------------------------------------- web analytics
    Entity(
        WEB,
        "sessions",
        "Website sessions from the web-analytics export (camelCase columns as the tool exports them).",
        key=("sessionId",),
        layout="monthly",
        partitioned_by="sessionStart",
        columns=(
            Column("sessionId", "text", "Session id.", required=True),
            Column("visitorId", "text", "Anonymous visitor (cookie) id.", required=True),
            Column("userId", "key", "Student id once logged in.", references="students.student_id"),
            _ts("sessionStart", "Session start (UTC, 'Z' suffix)."),
            Column(
                "deviceCategory",
                "text",
                "Device class.",
                required=True,
                accepted_values=("desktop", "mobile", "tablet"),
            ),
            Column("landingPage", "text", "Path of the first page.", required=True),
            Column("referrer", "text", "Referring host."),
            Column("utmSource", "text", "UTM source."),
            Column("utmMedium", "text", "UTM medium."),
            Column("utmCampaign", "text", "UTM campaign (tracking code)."),
            _count("pageviews", "Pages viewed in the session.", 1000),
            _count("durationSeconds", "Session length in seconds.", 86_400),
            Column("converted", "boolean", "Whether the session ended in an order or signup.", required=True),
        ),
    ),
    # ---------------------------------------------------------------- marketing
    Entity(
        MARKETING,
        "influencers",
        "Influencers the marketing team works with.",
        key=("influencer_id",),
        columns=(
            _id("influencer_id", "Influencer id."),
            Column("handle", "text", "Public handle.", required=True),
            Column("platform", "text", "Main platform.", required=True, accepted_values=PLATFORMS),
            Column("tier", "text", "Size tier by followers.", required=True, accepted_values=INFLUENCER_TIERS),
            _count("followers", "Follower count on the platform."),
            Column("country_code", "text", "ISO 3166-1 alpha-2 country.", codes=ISO_3166_COUNTRIES),
        ),
    ),
    Entity(
        MARKETING,
        "campaigns",
        "Influencer campaigns promoting a course.",
        key=("campaign_id",),
        columns=(
            _id("campaign_id", "Campaign id."),
            _id("influencer_id", "Influencer running the campaign.", "influencers.influencer_id"),
            _id("course_id", "Course promoted.", "courses.course_id"),
            Column("campaign_name", "text", "Campaign name.", required=True),
            Column("platform", "text", "Platform the campaign runs on.", required=True, accepted_values=PLATFORMS),
            _money("budget_usd", "Planned budget in USD."),
            Column("start_date", "date", "First day.", required=True),
            Column("end_date", "date", "Last day.", required=True),
            Column("utm_campaign", "text", "Tracking code used in the campaign's links.", required=True),
        ),
    ),
    Entity(
        MARKETING,
        "tracking_links",
        "Tracking links handed to influencers; their UTM ties sessions, signups and orders to campaigns.",
        key=("tracking_link_id",),
        columns=(
            _id("tracking_link_id", "Tracking link id."),
            _id("campaign_id", "Campaign the link belongs to.", "campaigns.campaign_id"),
            Column("utm_source", "text", "UTM source of the link.", required=True),
            Column("utm_medium", "text", "UTM medium of the link.", required=True),
            Column("utm_campaign", "text", "UTM campaign of the link.", required=True),
            Column("destination_url", "text", "Landing page the link points to.", required=True),
            _ts("created_at", "When the link was created."),
        ),
    ),
    Entity(
        MARKETING,
        "campaign_metrics",
        "Daily campaign metrics as reported by the social platforms (camelCase API export).",
        key=("campaignId", "metricDate"),
        layout="monthly",
        partitioned_by="metricDate",
        columns=(
            _id("campaignId", "Campaign.", "campaigns.campaign_id"),
            Column("metricDate", "date", "Day of the metrics.", required=True),
            _count("impressions", "Times content was displayed."),
            _count("reach", "Unique accounts reached."),
            _count("likes", "Likes."),
            _count("comments", "Comments."),
            _count("shares", "Shares."),
            _count("saves", "Saves."),
            _count("videoViews", "Video views."),
            _count("videoCompletions", "Video views watched to the end."),
            _count("clicks", "Link clicks."),
            _money("spendUsd", "Spend of the day in USD."),
        ),
    ),
    Entity(
        MARKETING,
        "ad_spend",
        "Daily paid-media spend per channel, as exported by the ad platforms.",
        key=("spend_date", "channel"),
        layout="monthly",
        partitioned_by="spend_date",
        columns=(
            Column("spend_date", "date", "Day of the spend.", required=True),
            Column(
                "channel",
                "text",
                "Paid channel the spend bought.",
                required=True,
                accepted_values=AD_CHANNELS,
            ),
            _count("impressions", "Ad impressions served."),
            _count("clicks", "Ad clicks."),
            _money("spend_usd", "Spend of the day on the channel in USD."),
        ),
    ),
    # ---------------------------------------------------------------- crm
    Entity(
        CRM,
        "leads",
        "Leads in the CRM, in their current stage: one row per lead; a lead that signed up names its "
        "student account, and one that paid is a customer (its month's file is sent again as it moves on).",
        key=("lead_id",),
        layout="monthly",
        partitioned_by="created_at",
        columns=(
            _id("lead_id", "Lead id."),
            _ts("created_at", "When the lead entered the CRM."),
            Column(
                "source_channel",
                "text",
                "Marketing channel that brought the lead.",
                required=True,
                accepted_values=ACQUISITION_CHANNELS,
            ),
            Column(
                "campaign_id",
                "key",
                "Influencer campaign whose link brought the lead; empty otherwise.",
                references="campaigns.campaign_id",
            ),
            Column(
                "student_id",
                "key",
                "Student account the lead signed up as; empty while a prospect.",
                references="students.student_id",
            ),
            Column(
                "stage",
                "text",
                "Where the lead stands in the funnel.",
                required=True,
                accepted_values=("new", "contacted", "qualified", "unqualified", "customer"),
            ),
            Column("lead_score", "integer", "Sales' fit score, 0 to 100.", required=True, min_value=0, max_value=100),
            _ts("qualified_at", "When sales qualified the lead; empty when not qualified.", required=False),
            _ts("converted_at", "When the lead became a paying customer; empty otherwise.", required=False),
        ),
        consistency_rules=(
            NotBefore("qualified_before_lead", "qualified_at", (Anchor("created_at", "its created_at"),)),
            NotBefore("converted_before_lead", "converted_at", (Anchor("created_at", "its created_at"),)),
        ),
    ),
    Entity(
        CRM,
        "referrals",
        "Student referral programme: one row per invitation a student sends a friend; the friend's student "
        "account is filled in once they sign up.",
        key=("referral_id",),
        layout="monthly",
        partitioned_by="referred_at",
        columns=(
            _id("referral_id", "Invitation id."),
            _id("referrer_student_id", "Student who sent the invitation.", "students.student_id"),
            Column(
                "channel",
                "text",
                "How the invitation was shared.",
                required=True,
                accepted_values=("link", "email", "social"),
            ),
            _ts("referred_at", "When the invitation was sent."),
            Column(
                "referred_student_id",
                "key",
                "Student account the invited friend opened; empty until they sign up.",
                references="students.student_id",
            ),
        ),
        consistency_rules=(
            NotBefore(
                "referral_before_referrer_signup",
                "referred_at",
                (
                    Anchor(
                        "students.signup_at",
                        "its referrer's signup_at",
                        via="referrer_student_id",
                        key="student_id",
                    ),
                ),
            ),
        ),
    ),
    # ---------------------------------------------------------------- email
    Entity(
        EMAIL,
        "email_sends",
        "Email marketing sends: one row per email sent to a list or segment, with its delivery, unique "
        "opens and clicks and unsubscribes as the email tool reports them (its month's file is sent "
        "again as late opens come in).",
        key=("email_id",),
        layout="monthly",
        partitioned_by="sent_at",
        columns=(
            _id("email_id", "Send id."),
            Column(
                "email_type",
                "text",
                "What the email is.",
                required=True,
                accepted_values=("newsletter", "promotion", "course_launch", "reengagement", "onboarding"),
            ),
            Column("subject", "text", "Subject line.", required=True),
            _ts("sent_at", "When the send started."),
            _count("recipients", "Addresses the email was sent to."),
            _count("delivered", "Of those, delivered (not bounced)."),
            _count("unique_opens", "Recipients who opened it at least once."),
            _count("unique_clicks", "Recipients who clicked a link in it at least once."),
            _count("unsubscribes", "Recipients who unsubscribed from it."),
        ),
    ),
    # ---------------------------------------------------------------- social listening
    Entity(
        SOCIAL,
        "mentions",
        "Social listening: one row per public post that mentions the brand or a competitor, with its "
        "sentiment as the listening tool scored it.",
        key=("mention_id",),
        layout="monthly",
        partitioned_by="mentioned_at",
        columns=(
            _id("mention_id", "Mention id."),
            Column("brand", "text", "Brand the post mentions, as the listening query names it.", required=True),
            Column(
                "brand_type",
                "text",
                "Whether the brand is ours or a competitor's.",
                required=True,
                accepted_values=("own", "competitor"),
            ),
            Column(
                "platform",
                "text",
                "Where the post was published.",
                required=True,
                accepted_values=(*PLATFORMS, "reddit", "news", "blog"),
            ),
            Column(
                "sentiment",
                "text",
                "Sentiment the tool scored.",
                required=True,
                accepted_values=("positive", "neutral", "negative"),
            ),
            _ts("mentioned_at", "When the post was published."),
            _count("author_followers", "Followers of the post's author."),
            Column(
                "campaign_id",
                "key",
                "Influencer campaign whose post this is; empty for any other post.",
                references="campaigns.campaign_id",
            ),
        ),
    ),
    Entity(
        SOCIAL,
        "branded_searches",
        "Search volume of the brand's own keywords per day, as the search console reports it.",
        key=("search_date", "keyword"),
        layout="monthly",
        partitioned_by="search_date",
        columns=(
            Column("search_date", "date", "Day of the searches (UTC).", required=True),
            Column("keyword", "text", "Branded keyword searched.", required=True),
            _count("searches", "Searches of the keyword that day."),
        ),
    ),
    # ---------------------------------------------------------------- support
    Entity(
        SUPPORT,
        "tickets",
        "Support desk tickets students open, in their current state: the first answer, the resolution and "
        "the student's rating are filled in as the ticket moves on (its month's file is sent again).",
        key=("ticket_id",),
        layout="monthly",
        partitioned_by="created_at",
        columns=(
            _id("ticket_id", "Ticket id."),
            _id("student_id", "Student who opened the ticket.", "students.student_id"),
            Column(
                "course_id",
                "key",
                "Course the ticket is about; empty when it is about none.",
                references="courses.course_id",
            ),
            Column(
                "channel",
                "text",
                "Where the student opened the ticket.",
                required=True,
                accepted_values=("chat", "email", "web_form"),
            ),
            Column(
                "topic",
                "text",
                "What the ticket is about.",
                required=True,
                accepted_values=("technical", "course_content", "access", "billing", "refund", "other"),
            ),
            Column(
                "priority",
                "text",
                "Priority the desk gave the ticket.",
                required=True,
                accepted_values=("low", "normal", "high", "urgent"),
            ),
            Column(
                "status",
                "text",
                "Where the ticket stands.",
                required=True,
                accepted_values=("open", "pending", "solved", "closed"),
            ),
            _ts("created_at", "When the student opened the ticket."),
            _ts("first_response_at", "First answer by an agent; empty while unanswered.", required=False),
            _ts("resolved_at", "When the ticket was solved; empty while unsolved.", required=False),
            Column(
                "satisfaction_score",
                "integer",
                "The student's rating of the support, 1 to 5; empty when not rated.",
                min_value=1,
                max_value=5,
            ),
        ),
        consistency_rules=(
            NotBefore("response_before_ticket", "first_response_at", (Anchor("created_at", "its created_at"),)),
            NotBefore("resolution_before_ticket", "resolved_at", (Anchor("created_at", "its created_at"),)),
        ),
    ),
    # ---------------------------------------------------------------- community
    Entity(
        COMMUNITY,
        "posts",
        "Posts in the course communities: a thread a student opens in a course's space, or a reply to one.",
        key=("post_id",),
        layout="monthly",
        partitioned_by="posted_at",
        columns=(
            _id("post_id", "Post id."),
            _id("student_id", "Student who wrote the post.", "students.student_id"),
            _id("course_id", "Course whose community space holds the post.", "courses.course_id"),
            # Not a checked reference: a reply's thread is a row of this same export.
            Column("parent_post_id", "key", "Thread a reply answers; empty for a thread."),
            _ts("posted_at", "When the post was published."),
            _count("upvotes", "Upvotes the post has received.", 100_000),
        ),
        consistency_rules=(
            NotBefore(
                "post_before_signup",
                "posted_at",
                (Anchor("students.signup_at", "its author's signup_at", via="student_id", key="student_id"),),
            ),
        ),
    ),
    # ---------------------------------------------------------------- experimentation
    Entity(
        EXPERIMENTATION,
        "experiments",
        "The A/B tests of the experimentation tool, each registered with its hypothesis and decision rule "
        "(planned sample per variant, significance level, power, the smallest lift worth detecting) before "
        "it starts; variants share the traffic equally.",
        key=("experiment_id",),
        columns=(
            _id("experiment_id", "Experiment id."),
            Column("experiment_name", "text", "Short name.", required=True),
            Column("hypothesis", "text", "What the test expects and why.", required=True),
            Column(
                "surface",
                "text",
                "What is varied.",
                required=True,
                accepted_values=("landing_page", "checkout", "influencer_creative", "pricing"),
            ),
            Column("control_variant", "text", "Name of the variant the others are compared with.", required=True),
            Column(
                "variants", "integer", "Number of variants, control included.", required=True, min_value=2, max_value=6
            ),
            Column(
                "planned_sample_per_variant",
                "integer",
                "Units each variant needs before the test is read at its planned size.",
                required=True,
                min_value=1,
                max_value=100_000_000,
            ),
            Column("alpha", "double", "Two-sided significance level.", required=True, min_value=0.001, max_value=0.2),
            Column("power", "double", "Power the planned sample gives.", required=True, min_value=0.5, max_value=0.99),
            Column(
                "minimum_lift",
                "double",
                "Smallest relative lift of the conversion rate worth detecting (0.1 = +10%).",
                required=True,
                min_value=0.001,
                max_value=10,
            ),
            _ts("registered_at", "When the hypothesis and the decision rule were registered."),
            _ts("started_at", "When traffic started to be assigned."),
            _ts("ended_at", "When assignment stopped; empty while the test runs.", required=False),
        ),
        consistency_rules=(
            NotBefore("start_before_registration", "started_at", (Anchor("registered_at", "its registered_at"),)),
            NotBefore("end_before_start", "ended_at", (Anchor("started_at", "its started_at"),)),
        ),
    ),
    Entity(
        EXPERIMENTATION,
        "experiment_assignments",
        "Units (visitors or students) assigned to a variant of an experiment, with the conversion the test "
        "measures once it happens (the assignment's month file is sent again then).",
        key=("assignment_id",),
        layout="monthly",
        partitioned_by="assigned_at",
        columns=(
            _id("assignment_id", "Assignment id."),
            _id("experiment_id", "Experiment the unit entered.", "experiments.experiment_id"),
            Column("variant", "text", "Variant the unit was assigned to.", required=True),
            Column("unit_id", "key", "The visitor or student assigned (the tool's id).", required=True),
            _ts("assigned_at", "When the unit was assigned (first exposure)."),
            _ts("converted_at", "When the unit converted; empty until it does.", required=False),
        ),
        consistency_rules=(
            NotBefore(
                "assignment_before_start",
                "assigned_at",
                (
                    Anchor(
                        "experiments.started_at",
                        "its experiment's started_at",
                        via="experiment_id",
                        key="experiment_id",
                    ),
                ),
            ),
            NotBefore("conversion_before_assignment", "converted_at", (Anchor("assigned_at", "its assigned_at"),)),
        ),
    ),
    # ---------------------------------------------------------------- manual
    Entity(
        MANUAL,
        "kpi_reports",
        "Values of the KPIs no system measures (market share, brand awareness, employee satisfaction, "
        "platform uptime, industry recognition), reported by a person for a period and verified by "
        "another; a corrected value is a new report for the same KPI and period. Written by "
        "`python -m orchestration.manual_kpis add` or by hand (README: Manual KPIs).",
        key=("report_id",),
        columns=(
            _id("report_id", "Report id (the CLI writes <kpi_id>-<period>-<reported_at>)."),
            Column("kpi_id", "text", "Catalog id of a manual KPI (seeds/manual_kpis.csv).", required=True),
            Column(
                "period",
                "text",
                "The period the value is for, in its KPI's frequency: 2026-11 (month), 2026-Q3 (quarter).",
                required=True,
            ),
            Column(
                "value",
                "double",
                "The value, in the KPI's unit (a rate as a fraction: 0.023 for 2.3%).",
                required=True,
                min_value=-1e12,
                max_value=1e12,
            ),
            Column("reported_by", "text", "Who reported the value.", required=True),
            _ts("reported_at", "When the value was reported."),
            Column(
                "source", "text", "Where the number comes from (a study, the status page, a survey).", required=True
            ),
            Column("verified_by", "text", "Who checked the value against its source.", required=True),
            _ts("verified_at", "When it was checked."),
            Column("note", "text", "Free text."),
        ),
        consistency_rules=(
            NotBefore("verification_before_report", "verified_at", (Anchor("reported_at", "its reported_at"),)),
        ),
    ),
)

ENTITIES_BY_NAME: dict[str, Entity] = {e.name: e for e in ENTITIES}
SOURCES: tuple[str, ...] = tuple(dict.fromkeys(e.source for e in ENTITIES))
# The sources the 24-hour timeliness standard applies to: people report the manual source on each
# KPI's own schedule, judged by its due dates (manual_kpi_values), not by a clock.
TIMED_SOURCES: tuple[str, ...] = tuple(s for s in SOURCES if s != MANUAL)


def _type_of(entity: Entity | None, column: str | None) -> str | None:
    if entity is None or column not in entity.column_names:
        return None
    return entity.column(column).type


def _rule_problems(entity: Entity, rule: ConsistencyRule, by_name: dict[str, Entity]) -> list[str]:
    problems = []
    if isinstance(rule, ExistsIn):
        other = by_name.get(rule.entity)
        if not rule.columns or len(rule.columns) != len(rule.entity_columns):
            problems.append("columns and entity_columns differ in number")
        # a length mismatch is reported above; the pairs that do line up are still checked
        for column, key in zip(rule.columns, rule.entity_columns, strict=False):
            if _type_of(entity, column) is None or _type_of(entity, column) != _type_of(other, key):
                problems.append(f"{column} does not match a column {rule.entity}.{key} of the same type")
        return problems
    if _type_of(entity, rule.column) != "timestamp":
        problems.append(f"{rule.column} is not a timestamp column")
    for anchor in rule.anchors:
        if anchor.via is None:
            if _type_of(entity, anchor.column) != "timestamp":
                problems.append(f"{anchor.column} is not a timestamp column")
            continue
        parent = by_name.get(anchor.entity or "")
        if _type_of(parent, anchor.column) != "timestamp":
            problems.append(f"{anchor.timestamp} is not a timestamp column")
        if _type_of(entity, anchor.via) is None or _type_of(entity, anchor.via) != _type_of(parent, anchor.key):
            problems.append(f"{anchor.via} does not match a column {anchor.entity}.{anchor.key} of the same type")
        problems += [f"{anchor.entity} has no column {c}" for c, _ in anchor.where if _type_of(parent, c) is None]
    return problems


def rule_problems(entities: tuple[Entity, ...]) -> list[str]:
    """Consistency rules naming columns or entities that do not exist, or comparing non-timestamps."""
    by_name = {e.name: e for e in entities}
    return [
        f"{entity.name}.{rule.name}: {problem}"
        for entity in entities
        for rule in entity.consistency_rules
        for problem in _rule_problems(entity, rule, by_name)
    ]


_PROBLEMS = rule_problems(ENTITIES)
if _PROBLEMS:
    raise ValueError("consistency rules of the contract: " + "; ".join(_PROBLEMS))


def entity(name: str) -> Entity:
    try:
        return ENTITIES_BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown entity {name!r}; known: {', '.join(ENTITIES_BY_NAME)}") from None

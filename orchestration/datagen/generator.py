"""`generate(config)`: build every entity, inject defects, write the landing files and manifest.

The catalog and campaigns are built once; the students and everything they do (orders, learning,
sessions...) are built in shards of at most shards.SHARD_SCALE each, one after the other, their
tables stashed or spilled to scratch files before the next shard is built, and the aggregates over
all students (ad spend, email sends, social) last. Defects are planned a shard at a time and every
file is written from each shard's rows in turn, ids numbered across shards: memory follows the
shard's size, not the scale. Within a shard, the biggest tables (web sessions, lesson activity) are
generated a block of rows at a time and spilled to scratch files by month (spill.py), then written
a chunk of rows at a time; every other table is stashed to scratch files as soon as it is complete,
and the file pages read back are given back (spill.release). What grows with a shard is the arrays
of the step being built, whose draws are whole-table calls in time order: orders, their lines and
payment attempts, enrollments while their activity is played forward, who browses when.

The dataset is written into a new dir next to the landing dir and swapped in whole when complete
(`writer.replacing_dataset`): a generation that fails or is killed leaves the previous dataset."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from orchestration.contracts import ENTITIES
from orchestration.datagen.ads import build_ad_spend, new_customer_days
from orchestration.datagen.assessments import build_assessments, project_courses
from orchestration.datagen.billing import build_billing
from orchestration.datagen.catalog import Catalog, build_catalog
from orchestration.datagen.channels import Sources
from orchestration.datagen.community import build_posts
from orchestration.datagen.config import GeneratorConfig, format_end
from orchestration.datagen.crm import build_leads, build_referrals
from orchestration.datagen.defects import DefectPlan, defect_count, plan_defects, referenced_rows
from orchestration.datagen.email_sends import build_email_sends
from orchestration.datagen.experiments import (
    PlannedExperiment,
    build_experiments,
    plan_experiments,
    write_planted_experiments,
)
from orchestration.datagen.feedback import build_reviews, build_surveys
from orchestration.datagen.fx import Rates, build_rates
from orchestration.datagen.geo import ZoneOffsets, zone_offsets
from orchestration.datagen.incidents import NO_INCIDENTS, Incidents, plan_incidents, write_incidents
from orchestration.datagen.learning import build_learning
from orchestration.datagen.manual_reports import build_kpi_reports
from orchestration.datagen.marketing import CampaignTraffic, build_marketing
from orchestration.datagen.orders import build_commerce
from orchestration.datagen.payment_plans import build_installment_plans
from orchestration.datagen.shards import SHARDED, IdBases, proportional, shard_count, shard_sizes, stream_name
from orchestration.datagen.social import build_branded_searches, build_mentions
from orchestration.datagen.spill import SpilledTable, Table, release, stash, stash_protected
from orchestration.datagen.students import build_students
from orchestration.datagen.support import build_tickets
from orchestration.datagen.tables import EntityTable
from orchestration.datagen.timeline import MS_PER_DAY, Window, month_index
from orchestration.datagen.web import (
    CampaignVisits,
    SessionLog,
    add_anonymous_traffic,
    add_browsing,
    add_campaign_browsing,
    anonymous_visitors,
    build_sessions,
    campaign_visits,
)
from orchestration.datagen.writer import (
    DefectLog,
    EntityFiles,
    WrittenFile,
    replacing_dataset,
    write_manifest,
)

Progress = Callable[[str], None]
LONG_TABLE_ROWS = 1_000_000
SCRATCH_DIR = ".scratch"
M_MMAP_THRESHOLD = -3  # glibc mallopt parameter
# 1 MiB: measured at scale 1.0 (before the writer and spill work of session 15), 726 MB peak in
# 175 s; glibc's initial 128 KiB gives 648 MB but 188 s (each mapped allocation is zero-filled
# again), the default dynamic threshold 1,236 MB in 158 s. Now 685 MB in 84 s; 4 MiB cut another
# 15-20% at 0.25 and 0.5 for about 30 MB more (not measured at 1.0)
MMAP_THRESHOLD_BYTES = 1024 * 1024


@dataclass(frozen=True)
class GenerationResult:
    config: GeneratorConfig
    row_counts: dict[str, int]  # rows written per entity, duplicate rows included
    files: tuple[WrittenFile, ...]
    defects: dict[str, int]  # defects injected per entity (listed in _manifest/defects.csv)
    seconds: float


def _quiet(_: str) -> None:
    pass


@dataclass
class Dataset:
    """Every contract entity as typed tables, clean (no defects yet): those built once, and the
    student world's built per shard (shards.py) with the id bases each shard's rows are written with."""

    shared: dict[str, Table]
    shards: list[dict[str, Table]]
    bases: list[IdBases]

    def parts(self, name: str) -> list[tuple[int | None, Table]]:
        """(shard or None, table) of an entity: one table, or one per shard."""
        if name in self.shared:
            return [(None, self.shared[name])]
        return [(shard, tables[name]) for shard, tables in enumerate(self.shards)]

    def n_rows(self, name: str) -> int:
        return sum(table.n_rows for _, table in self.parts(name))


@dataclass(frozen=True)
class _Shared:
    """What every shard is built against: the timeline, the catalog, the campaigns."""

    window: Window
    offsets: ZoneOffsets
    incidents: Incidents
    rates: Rates
    catalog: Catalog
    traffic: CampaignTraffic
    sources: Sources
    visits: CampaignVisits
    project_courses: np.ndarray  # per course, whether it ends with a final project
    campaign_metrics: EntityTable


@dataclass(frozen=True)
class _ShardResult:
    tables: dict[str, Table]  # of the SHARDED entities
    subscription_plans: EntityTable
    used_price_changes: np.ndarray  # price_change_id of the prices the shard's lines were sold at
    new_customers: np.ndarray  # per window day, the shard's customers paying for the first time
    signup_ms: np.ndarray
    ids: dict[str, int]  # per id space, the ids the shard used


def build_tables(config: GeneratorConfig, progress: Progress = _quiet) -> dict[str, Table]:
    """Every contract entity of a dataset of one shard as a typed table, clean (no defects yet),
    the biggest ones spilled to a temporary dir removed once they are garbage."""
    holder = tempfile.TemporaryDirectory(prefix="datagen-")
    dataset = build_dataset(config, progress, Path(holder.name))
    if len(dataset.shards) != 1:
        raise ValueError(f"scale {config.scale} makes {len(dataset.shards)} shards: use build_dataset")
    tables = {**dataset.shared, **dataset.shards[0]}
    for table in tables.values():
        if isinstance(table, SpilledTable):
            table.holder = holder  # the dir lives as long as a table reads from it
    return {e.name: tables[e.name] for e in ENTITIES}


def build_dataset(config: GeneratorConfig, progress: Progress, scratch: Path) -> Dataset:
    """The catalog and campaigns, then the student world a shard at a time (each shard's tables
    stashed or spilled under `scratch` before the next is built), then what sums over all students."""
    shared: dict[str, Table] = {}
    stashed = _stasher(scratch / "tables", shared, progress)
    context = _catalog_and_campaigns(config, shared, stashed)
    shards: list[dict[str, Table]] = []
    bases = [IdBases.empty()]
    used_price_changes, signups = [], []
    new_customers = np.zeros(context.window.n_days)
    n_shards = shard_count(config.scale)
    for shard in range(n_shards):
        label = "" if n_shards == 1 else f"shard {shard + 1} of {n_shards}: "
        result = _build_shard(
            config, context, shard, n_shards, bases[-1], scratch / f"shard-{shard}", _prefixed(progress, label)
        )
        if set(result.tables) != SHARDED:  # a shard's ids are numbered across shards: SHARDED lists them
            raise RuntimeError(f"a shard built {sorted(result.tables)}, shards.SHARDED lists {sorted(SHARDED)}")
        shards.append(result.tables)
        if shard == 0:
            shared["subscription_plans"] = result.subscription_plans
            stashed("subscription_plans")
        bases.append(bases[-1].after(result.ids))
        used_price_changes.append(result.used_price_changes)
        new_customers += result.new_customers
        signups.append(result.signup_ms)
        del result
    prices = shared["course_prices"]
    assert isinstance(prices, EntityTable)
    prices.protected = np.isin(prices.columns["price_change_id"], np.concatenate(used_price_changes))
    _over_all_students(config, context, new_customers, np.concatenate(signups), shared, stashed)
    return Dataset(shared, shards, bases[:-1])


def _catalog_and_campaigns(
    config: GeneratorConfig, shared: dict[str, Table], stashed: Callable[..., None]
) -> _Shared:
    """The tables every shard is built against (into `shared`), and what the shards need of them."""
    sizes = config.sizes
    window = Window.between(config.start, config.end)
    offsets = zone_offsets(window)
    rates, shared["exchange_rates"] = build_rates(window, config.rng("exchange_rates"))
    catalog, catalog_tables = build_catalog(window, sizes.instructors, sizes.courses, config.rng("catalog"))
    shared.update(_taken(catalog_tables))
    stashed("exchange_rates", "instructors", "courses", "course_prices", "lessons")
    incidents = planned_incidents(config)
    traffic, marketing_tables = build_marketing(
        window,
        sizes.influencers,
        sizes.campaigns,
        sizes.students,
        catalog,
        rates,
        config.rng("marketing"),
        underperformance=incidents.campaign_underperformance,
    )
    shared.update(_taken(marketing_tables))
    stashed("influencers", "campaigns", "tracking_links", "campaign_metrics")
    metrics = shared["campaign_metrics"]
    assert isinstance(metrics, EntityTable)
    return _Shared(
        window,
        offsets,
        incidents,
        rates,
        catalog,
        traffic,
        Sources.with_campaigns(traffic.utm_campaign, traffic.platform),
        campaign_visits(traffic, window, offsets, config.rng("campaign_visits")),
        project_courses(catalog.n_courses, config.rng("project_courses")),
        metrics,
    )


def _over_all_students(
    config: GeneratorConfig,
    context: _Shared,
    new_customers: np.ndarray,
    signup_ms: np.ndarray,
    shared: dict[str, Table],
    stashed: Callable[..., None],
) -> None:
    """The tables that sum over every shard's students (into `shared`), and those built once last."""
    window = context.window
    # Paid media: the budget follows the customers acquired (first marketplace or subscription payment).
    metrics = context.campaign_metrics
    influencer_cents = np.bincount(
        np.asarray(metrics.columns["metricDate"]) - window.start_day,
        weights=np.asarray(metrics.columns["spendUsd"]),
        minlength=window.n_days,
    )[: window.n_days]
    shared["ad_spend"] = build_ad_spend(window, new_customers, influencer_cents, config.rng("ad_spend"))
    stashed("ad_spend")
    shared["email_sends"] = build_email_sends(window, signup_ms, context.catalog.first_day, config.rng("email"))
    stashed("email_sends")
    shared["branded_searches"] = build_branded_searches(window, signup_ms, config.rng("branded_searches"))
    stashed("branded_searches")
    shared.update(build_experiments(window, config.scale, planned_experiments(config), config.rng("experiments")))
    stashed("experiments", "experiment_assignments")
    shared.update(build_kpi_reports(window, config.rng("kpi_reports")))
    stashed("kpi_reports")


def _prefixed(progress: Progress, label: str) -> Progress:
    return lambda message: progress(label + message)


def _stasher(directory: Path, tables: dict[str, Table], progress: Progress) -> Callable[..., None]:
    def stashed(*names: str) -> None:
        """Report the tables complete and stash those still in memory: the tables built so far
        hold no memory while the next are built (builders that take `keep` stash their own)."""
        for name in names:
            table = tables[name]
            if isinstance(table, EntityTable):
                tables[name] = stash(table, directory)
            else:
                stash_protected(table, directory)
        progress("built " + ", ".join(f"{n} ({tables[n].n_rows:,})" for n in names))

    return stashed


def _build_shard(
    config: GeneratorConfig,
    context: _Shared,
    shard: int,
    n_shards: int,
    bases: IdBases,
    scratch: Path,
    progress: Progress,
) -> _ShardResult:
    """The students of one shard and everything they do; each random stream named for the shard."""
    sizes = shard_sizes(config.sizes, shard, n_shards)
    window, offsets, catalog, traffic, sources = (
        context.window,
        context.offsets,
        context.catalog,
        context.traffic,
        context.sources,
    )

    def rng(name: str) -> np.random.Generator:
        return config.rng(stream_name(name, shard))

    tables: dict[str, Table] = {}
    stashed = _stasher(scratch / "tables", tables, progress)

    def kept(table: EntityTable) -> EntityTable:  # a complete table waits for the writes in files
        return stash(table, scratch / "tables")

    log = SessionLog(
        sizes.students,
        scratch / "session_log",
        student_base=bases.base("students"),
        all_students=config.sizes.students,
        anonymous_base=bases.base("visitors"),
    )
    students, visits, tables["students"] = build_students(
        window,
        sizes.students,
        context.visits.shard(shard, n_shards),
        traffic.promoted_course,
        catalog.popularity,
        sources,
        offsets,
        log,
        rng("students"),
    )
    stashed("students")

    commerce = build_commerce(
        window,
        sizes.orders,
        students,
        visits,
        traffic,
        catalog,
        context.rates,
        sources,
        offsets,
        log,
        rng("orders"),
        incidents=context.incidents,
        keep=kept,
    )
    tables.update(commerce.tables)
    tables["installment_plans"] = build_installment_plans(
        window, commerce.tables["orders"], context.rates, rng("installment_plans")
    )
    release(commerce.tables["orders"])
    stashed("orders", "order_items", "payments", "refunds", "installment_plans")
    used_price_changes = commerce.used_price_changes
    order_session, used_visits, purchases = commerce.order_session, commerce.used_campaign_visits, commerce.purchases
    del commerce  # what else it holds is per order line, needed no more

    subscriptions, billing_tables = build_billing(window, students, rng("billing"))
    plans = billing_tables.pop("subscription_plans")  # the same for every shard's subscribers
    tables.update(_taken(billing_tables))
    stashed("subscription_events")

    first_paid = np.full(len(students), np.iinfo(np.int64).max)
    np.minimum.at(first_paid, purchases.student, purchases.enrolled_ms)
    np.minimum.at(first_paid, subscriptions.student, subscriptions.start_ms)
    channel = tables["students"].columns["acquisition_channel"]
    tables["leads"] = build_leads(window, students, channel.codes, first_paid, rng("leads"))  # type: ignore[union-attr]
    tables["mentions"] = build_mentions(
        window, students.signup_ms, context.campaign_metrics, sizes.students / config.sizes.students, rng("social")
    )
    stashed("leads", "mentions")

    enrollments, learning_tables = build_learning(
        window,
        purchases,
        subscriptions,
        catalog,
        students.zone,
        offsets,
        sizes.lesson_events,
        rng("learning"),
        scratch / "lesson_activity",
        course_update=context.incidents.course_update,
        keep=kept,
    )
    del purchases  # per paid line: now in the enrollments
    tables.update(_taken(learning_tables))
    activity = tables["lesson_activity"]
    assert isinstance(activity, SpilledTable)
    activity.first_id_row = bases.base("lesson_activity")
    stashed("enrollments", "lesson_activity", "certificates")
    tables["reviews"] = build_reviews(
        window, enrollments, catalog, catalog.lesson_count[enrollments.course], rng("reviews")
    )
    tables["surveys"] = build_surveys(window, enrollments, catalog, rng("surveys"))
    stashed("reviews", "surveys")
    tables["tickets"] = build_tickets(window, enrollments, catalog, rng("tickets"))
    stashed("tickets")
    tables["assessments"] = build_assessments(
        window, enrollments, catalog, context.project_courses, rng("assessments")
    )
    tables["posts"] = build_posts(window, enrollments, catalog, rng("community"))
    tables["referrals"] = build_referrals(
        window, students, channel.codes, enrollments, catalog.quality, rng("referrals")  # type: ignore[union-attr]
    )
    stashed("assessments", "posts", "referrals")
    # The per-enrollment arrays are not needed for the sessions: freed, they leave room.
    del enrollments

    session_rng = rng("sessions")
    add_campaign_browsing(log, visits, used_visits, traffic.promoted_course, sources, session_rng)
    add_browsing(
        log,
        sizes.student_sessions,
        window,
        students.signup_ms,
        students.zone,
        students.device,
        offsets,
        sources,
        catalog.popularity,
        session_rng,
    )
    add_anonymous_traffic(
        log, sizes.sessions, window, students.zone, offsets, sources, catalog.popularity, session_rng
    )
    referenced = np.unique(order_session[order_session >= 0])
    tables["sessions"], session_rows = build_sessions(
        log, sources, catalog.n_courses, referenced, session_rng, scratch / "sessions", bases.base("sessions")
    )
    visitors = anonymous_visitors(log)
    log.discard()
    orders = tables["orders"]
    assert isinstance(orders, EntityTable)
    orders.columns["session_id"], orders.nulls["session_id"] = session_rows.session_ids(order_session)
    tables["orders"] = kept(orders)  # the new column to its files as the others
    stashed("sessions")

    ids = {name: table.n_rows for name, table in tables.items()}
    ids["subscriptions"] = len(subscriptions.student)
    ids["visitors"] = visitors
    return _ShardResult(
        tables=tables,
        subscription_plans=plans,
        used_price_changes=used_price_changes,
        new_customers=new_customer_days(first_paid, window),
        signup_ms=students.signup_ms,
        ids=ids,
    )


def _taken(built: dict[str, EntityTable] | dict[str, Table]) -> dict[str, Table]:
    """A builder's tables, its dict emptied: a table it still held would not be freed once stashed."""
    taken: dict[str, Table] = dict(built)
    built.clear()
    return taken


def planned_experiments(config: GeneratorConfig) -> tuple[PlannedExperiment, ...]:
    """The A/B tests of this dataset and what each variant truly does (experiments.py)."""
    return plan_experiments(Window.between(config.start, config.end), config.rng("experiment_plan"))


def planned_incidents(config: GeneratorConfig) -> Incidents:
    """The business incidents planted in this dataset (incidents.py), none when switched off."""
    if not config.incidents:
        return NO_INCIDENTS
    return plan_incidents(Window.between(config.start, config.end))


def row_months(table: Table) -> np.ndarray | None:
    """Per row of a monthly entity's table in memory, the month of its partition value (its file)."""
    entity = table.entity
    if entity.layout != "monthly" or entity.partitioned_by is None or isinstance(table, SpilledTable):
        return None
    values = np.asarray(table.columns[entity.partitioned_by])
    ms = values * MS_PER_DAY if entity.column(entity.partitioned_by).type == "date" else values
    return month_index(ms)


def partition_months(table: Table) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(month of each row's partition value, rows that may arrive late) for monthly entities."""
    entity = table.entity
    if entity.layout != "monthly" or entity.partitioned_by is None:
        return None, None
    if isinstance(table, SpilledTable):
        return _spilled_partition_months(table)
    month = row_months(table)
    assert month is not None
    ms = np.asarray(table.columns[entity.partitioned_by])
    if entity.column(entity.partitioned_by).type == "date":
        ms = ms * MS_PER_DAY
    late_ok = month < month.max(initial=0)
    # Staging calls a row late when it is older than what earlier files already delivered; a row
    # from the later half of its month may be newer than anything its month's file still holds.
    months, position = np.unique(month, return_inverse=True)
    medians = np.array([np.median(ms[month == m]) for m in months])
    late_ok &= ms < medians[position]
    offset = table.local_offsets.get(entity.partitioned_by)
    if offset is not None:  # written in local time: only rows whose local month is the UTC month
        late_ok &= month_index(ms + offset * 1000) == month
    return month, late_ok


def _spilled_partition_months(table: SpilledTable) -> tuple[np.ndarray, np.ndarray]:
    """As for a table in memory (spilled tables are in UTC, rows in month order), a month at a time."""
    last = table.months.max(initial=0)
    late_ok = np.empty(table.n_rows, dtype=bool)  # filled in place: no list of parts to join
    for index, month in enumerate(table.months.tolist()):
        ms = table.partition_values(index)
        late_ok[table.bounds[index] : table.bounds[index + 1]] = (month < last) & (ms < np.median(ms))
    return table.month_of_rows(), late_ok


def plan_dataset_defects(dataset: Dataset, config: GeneratorConfig) -> dict[tuple[str, int | None], DefectPlan]:
    """Each table's defect plan, a shard at a time: the rows other rows point to (never given a
    defect) are found among the shard's tables, and for what is built once among every shard's."""
    parent_sizes = {e.name: dataset.n_rows(e.name) for e in ENTITIES}  # orphan ids beyond every shard's
    plans: dict[tuple[str, int | None], DefectPlan] = {}
    shared_marks: dict[str, np.ndarray] = {}
    counts = {  # the whole entity's defects, shared out over its shards by their rows
        name: proportional(
            defect_count(config.defect_rate, parent_sizes[name]), [tables[name].n_rows for tables in dataset.shards]
        )
        for name in SHARDED
    }
    for shard, tables in enumerate(dataset.shards):
        marks = referenced_rows({**dataset.shared, **tables})
        for table in [*dataset.shared.values(), *tables.values()]:  # keys and references read: not needed until written
            release(table)
        for name, mark in marks.items():
            if name in dataset.shared:
                shared_marks[name] = shared_marks[name] | mark if name in shared_marks else mark
        for name, table in tables.items():
            # popped: a mask of the whole table, not needed once its defects are planned
            plans[(name, shard)] = _plan(
                table, config, marks.pop(name, None), parent_sizes, shard, counts[name][shard]
            )
            release(table)  # the pages of the partition values read
    for name, table in dataset.shared.items():
        plans[(name, None)] = _plan(table, config, shared_marks.pop(name, None), parent_sizes, 0)
        release(table)
    return plans


def _plan(
    table: Table,
    config: GeneratorConfig,
    referenced: np.ndarray | None,
    parent_sizes: dict[str, int],
    shard: int,
    count: int | None = None,
) -> DefectPlan:
    month, late_ok = partition_months(table)
    return plan_defects(
        table,
        config.defect_rate,
        referenced,
        parent_sizes,
        month,
        late_ok,
        config.rng(stream_name(f"defects:{table.name}", shard)),
        count,
    )


def map_big_allocations() -> None:
    """Fix glibc's mmap threshold at MMAP_THRESHOLD_BYTES: by default it rises up to 32 MB as big
    blocks are freed, after which the generator's many short-lived arrays come from a heap that
    fragments and is rarely given back, and the process's memory grows with the scale well beyond
    the arrays alive. Memory behaviour only, process-wide; nothing to do off glibc."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


@contextlib.contextmanager
def _system_arrow_allocator() -> Iterator[None]:
    """Arrow's buffers from the system allocator while generating: Arrow's default pool keeps the
    memory of freed buffers for reuse, and rendering a big table frees hundreds of megabytes of
    them; the system allocator maps such buffers and unmaps them when freed."""
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


def generate(config: GeneratorConfig, progress: Progress = _quiet) -> GenerationResult:
    started = time.perf_counter()
    map_big_allocations()
    files: list[WrittenFile] = []
    with (
        _system_arrow_allocator(),
        replacing_dataset(config.out_dir) as out_dir,
        _scratch(out_dir) as scratch,
    ):
        dataset = build_dataset(config, progress, scratch)
        plans = plan_dataset_defects(dataset, config)
        clean_rows = {entity.name: dataset.n_rows(entity.name) for entity in ENTITIES}
        defect_log = DefectLog(out_dir)
        for entity in ENTITIES:
            entity_files = EntityFiles(entity, out_dir, config.end_date)
            for shard, table in dataset.parts(entity.name):
                shifts = {} if shard is None else dataset.bases[shard].shifts(entity)
                entity_files.add(table, plans.pop((entity.name, shard)), row_months(table), shifts)
            dataset.shared.pop(entity.name, None)  # written tables are freed as we go
            for tables in dataset.shards:
                tables.pop(entity.name, None)
            written, defects = entity_files.close(_file_progress(clean_rows[entity.name], progress))
            files += written
            defect_log.add(defects)
            rows = sum(f.rows for f in written)
            progress(
                f"wrote {entity.source}.{entity.name}: {rows:,} rows, {len(written)} file(s), {len(defects)} defect(s)"
            )
        parameters = {
            "scale": config.scale,
            "seed": config.seed,
            "end": format_end(config.end),
            "end_date": config.end_date.isoformat(),  # the export date: the end's UTC date
            "defect_rate": config.defect_rate,
            "incidents": config.incidents,
            "shards": len(dataset.shards),  # the student world built a slice at a time (shards.py)
        }
        window = {"start": format_end(config.start), "end_exclusive": format_end(config.end)}
        write_incidents(out_dir / "_manifest" / "incidents.csv", planned_incidents(config))
        write_planted_experiments(out_dir / "_manifest" / "experiments.csv", planned_experiments(config))
        defect_log.close()
        # last: a dir with generation.json is a complete dataset (the pipeline reuses it as such)
        write_manifest(out_dir, parameters, window, files, defect_log.counts, clean_rows)
    row_counts = {e.name: sum(f.rows for f in files if f.entity == e.name) for e in ENTITIES}
    return GenerationResult(
        config, row_counts, tuple(files), defect_log.counts, time.perf_counter() - started
    )


@contextlib.contextmanager
def _scratch(out_dir: Path) -> Iterator[Path]:
    """Room for the spilled tables inside the dataset being written (so on the same disk, and
    removed with it if the generation fails), emptied before the dataset is swapped in."""
    scratch = out_dir / SCRATCH_DIR
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _file_progress(n_rows: int, progress: Progress) -> Callable[[str, int], None] | None:
    """Per-file progress for the tables that take a while to write."""
    if n_rows < LONG_TABLE_ROWS:
        return None
    return lambda path, rows: progress(f"  {path} ({rows:,} rows)")

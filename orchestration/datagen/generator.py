"""`generate(config)`: build every entity, inject defects, write the landing files and manifest.

The biggest tables (web sessions, lesson activity) are generated a block of rows at a time and
spilled to scratch files by month (spill.py), then written a chunk of rows at a time: memory does
not grow with them. Every other table is stashed to scratch files as soon as it is complete (the
commerce and learning builders hand theirs over one at a time, `keep`), and the file pages read
back are given back (spill.release). What grows with the scale is the arrays of the step being
built, whose draws are whole-table calls in time order: orders, their lines and payment attempts
(~230 bytes an order at the peak of build_commerce), enrollments while their activity is played
forward (~100 bytes each), who browses when (~25 bytes a browsing session); and a few bytes per row
of the biggest tables (their protected rows, per-row months and masks when defects are planned).
At scale 2.0 these steps peak within 5% of each other. Peak RSS (seed 42, end 2026-12-03T08):
scale 0.25 ~310 MB, 1.0 ~420 MB, 2.0 ~630 MB (before: ~360, ~700 and ~1,190 MB).

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
from orchestration.datagen.assessments import build_assessments
from orchestration.datagen.billing import build_billing
from orchestration.datagen.catalog import build_catalog
from orchestration.datagen.channels import Sources
from orchestration.datagen.community import build_posts
from orchestration.datagen.config import GeneratorConfig, format_end
from orchestration.datagen.crm import build_leads, build_referrals
from orchestration.datagen.defects import DefectPlan, plan_defects, referenced_rows
from orchestration.datagen.email_sends import build_email_sends
from orchestration.datagen.experiments import (
    PlannedExperiment,
    build_experiments,
    plan_experiments,
    write_planted_experiments,
)
from orchestration.datagen.feedback import build_reviews, build_surveys
from orchestration.datagen.fx import build_rates
from orchestration.datagen.geo import zone_offsets
from orchestration.datagen.incidents import NO_INCIDENTS, Incidents, plan_incidents, write_incidents
from orchestration.datagen.learning import build_learning
from orchestration.datagen.manual_reports import build_kpi_reports
from orchestration.datagen.marketing import build_marketing
from orchestration.datagen.orders import build_commerce
from orchestration.datagen.payment_plans import build_installment_plans
from orchestration.datagen.social import build_social
from orchestration.datagen.spill import SpilledTable, Table, release, stash
from orchestration.datagen.students import build_students
from orchestration.datagen.support import build_tickets
from orchestration.datagen.tables import EntityTable
from orchestration.datagen.timeline import MS_PER_DAY, Window, month_index
from orchestration.datagen.web import (
    SessionLog,
    add_anonymous_traffic,
    add_browsing,
    add_campaign_browsing,
    build_sessions,
    campaign_visits,
)
from orchestration.datagen.writer import (
    DefectRecord,
    WrittenFile,
    replacing_dataset,
    write_entity,
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
    defects: tuple[DefectRecord, ...]
    seconds: float


def _quiet(_: str) -> None:
    pass


def build_tables(
    config: GeneratorConfig, progress: Progress = _quiet, scratch: Path | None = None
) -> dict[str, Table]:
    """Every contract entity as a typed table, clean (no defects yet); the biggest ones spilled to
    files under `scratch` (default: a temporary dir removed once they are garbage)."""
    if scratch is None:
        holder = tempfile.TemporaryDirectory(prefix="datagen-")
        tables = build_tables(config, progress, Path(holder.name))
        for table in tables.values():
            if isinstance(table, SpilledTable):
                table.holder = holder  # the dir lives as long as a table reads from it
        return tables
    sizes = config.sizes
    window = Window.between(config.start, config.end)
    offsets = zone_offsets(window)
    incidents = planned_incidents(config)
    tables: dict[str, Table] = {}

    def kept(table: EntityTable) -> EntityTable:  # a complete table waits for the writes in files
        return stash(table, scratch / "tables")

    def built(*names: str) -> None:
        """Report the tables complete and stash those still in memory: the tables built so far
        hold no memory while the next are built (builders that take `keep` stash their own)."""
        for name in names:
            table = tables[name]
            tables[name] = kept(table) if isinstance(table, EntityTable) else table
        progress("built " + ", ".join(f"{n} ({tables[n].n_rows:,})" for n in names))

    rates, tables["exchange_rates"] = build_rates(window, config.rng("exchange_rates"))
    catalog, catalog_tables = build_catalog(window, sizes.instructors, sizes.courses, config.rng("catalog"))
    tables.update(_taken(catalog_tables))
    built("exchange_rates", "instructors", "courses", "course_prices", "lessons")

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
    tables.update(_taken(marketing_tables))
    built("influencers", "campaigns", "tracking_links", "campaign_metrics")

    sources = Sources.with_campaigns(traffic.utm_campaign, traffic.platform)
    log = SessionLog(sizes.students, scratch / "session_log")
    visits = campaign_visits(traffic, window, offsets, config.rng("campaign_visits"))
    students, visits, tables["students"] = build_students(
        window,
        sizes.students,
        visits,
        traffic.promoted_course,
        catalog.popularity,
        sources,
        offsets,
        log,
        config.rng("students"),
    )
    built("students")

    commerce = build_commerce(
        window,
        sizes.orders,
        students,
        visits,
        traffic,
        catalog,
        rates,
        sources,
        offsets,
        log,
        config.rng("orders"),
        incidents=incidents,
        keep=kept,
    )
    tables.update(commerce.tables)
    tables["installment_plans"] = build_installment_plans(
        window, commerce.tables["orders"], rates, config.rng("installment_plans")
    )
    release(commerce.tables["orders"])
    prices = tables["course_prices"]
    prices.protected = np.isin(prices.columns["price_change_id"], commerce.used_price_changes)
    built("orders", "order_items", "payments", "refunds", "installment_plans")
    order_session, used_visits, purchases = commerce.order_session, commerce.used_campaign_visits, commerce.purchases
    del commerce  # what else it holds is per order line, needed no more

    subscriptions, billing_tables = build_billing(window, students, config.rng("billing"))
    tables.update(_taken(billing_tables))
    built("subscription_plans", "subscription_events")

    # Paid media: the budget follows the customers acquired (first marketplace or subscription payment).
    first_paid = np.full(len(students), np.iinfo(np.int64).max)
    np.minimum.at(first_paid, purchases.student, purchases.enrolled_ms)
    np.minimum.at(first_paid, subscriptions.student, subscriptions.start_ms)
    metrics = tables["campaign_metrics"]
    influencer_cents = np.bincount(
        np.asarray(metrics.columns["metricDate"]) - window.start_day,
        weights=np.asarray(metrics.columns["spendUsd"]),
        minlength=window.n_days,
    )[: window.n_days]
    tables["ad_spend"] = build_ad_spend(
        window, new_customer_days(first_paid, window), influencer_cents, config.rng("ad_spend")
    )
    built("ad_spend")
    channel = tables["students"].columns["acquisition_channel"]
    tables["leads"] = build_leads(window, students, channel.codes, first_paid, config.rng("leads"))
    built("leads")
    tables["email_sends"] = build_email_sends(window, students, catalog.first_day, config.rng("email"))
    built("email_sends")
    tables.update(build_social(window, students, metrics, config.rng("social")))
    built("mentions", "branded_searches")

    enrollments, learning_tables = build_learning(
        window,
        purchases,
        subscriptions,
        catalog,
        students.zone,
        offsets,
        sizes.lesson_events,
        config.rng("learning"),
        scratch / "lesson_activity",
        course_update=incidents.course_update,
        keep=kept,
    )
    del purchases  # per paid line: now in the enrollments
    tables.update(_taken(learning_tables))
    built("enrollments", "lesson_activity", "certificates")
    tables["reviews"] = build_reviews(
        window, enrollments, catalog, catalog.lesson_count[enrollments.course], config.rng("reviews")
    )
    tables["surveys"] = build_surveys(window, enrollments, catalog, config.rng("surveys"))
    built("reviews", "surveys")
    tables["tickets"] = build_tickets(window, enrollments, catalog, config.rng("tickets"))
    built("tickets")
    tables["assessments"] = build_assessments(window, enrollments, catalog, config.rng("assessments"))
    tables["posts"] = build_posts(window, enrollments, catalog, config.rng("community"))
    tables["referrals"] = build_referrals(
        window, students, channel.codes, enrollments, catalog.quality, config.rng("referrals")
    )
    built("assessments", "posts", "referrals")
    tables.update(build_experiments(window, config.scale, planned_experiments(config), config.rng("experiments")))
    built("experiments", "experiment_assignments")
    tables.update(build_kpi_reports(window, config.rng("kpi_reports")))
    built("kpi_reports")
    # The per-enrollment arrays are not needed for the sessions: freed, they leave room.
    del enrollments, first_paid

    rng = config.rng("sessions")
    add_campaign_browsing(log, visits, used_visits, traffic.promoted_course, sources, rng)
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
        rng,
    )
    add_anonymous_traffic(
        log, sizes.sessions, window, students.zone, offsets, sources, catalog.popularity, rng
    )
    referenced = np.unique(order_session[order_session >= 0])
    tables["sessions"], session_rows = build_sessions(
        log, sources, catalog.n_courses, referenced, rng, scratch / "sessions"
    )
    log.discard()
    orders = tables["orders"]
    assert isinstance(orders, EntityTable)
    orders.columns["session_id"] = session_rows.session_id_column(order_session)
    built("sessions")
    return {e.name: tables[e.name] for e in ENTITIES}


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


def partition_months(table: Table) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(month of each row's partition value, rows that may arrive late) for monthly entities."""
    entity = table.entity
    if entity.layout != "monthly" or entity.partitioned_by is None:
        return None, None
    if isinstance(table, SpilledTable):
        return _spilled_partition_months(table)
    values = np.asarray(table.columns[entity.partitioned_by])
    ms = values * MS_PER_DAY if entity.column(entity.partitioned_by).type == "date" else values
    month = month_index(ms)
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


def _plan(
    table: Table,
    config: GeneratorConfig,
    referenced: np.ndarray | None,
    parent_sizes: dict[str, int],
) -> tuple[DefectPlan, np.ndarray | None]:
    """The table's defect plan and, for a table in memory, the month of each row (its files); a
    spilled table's files come from its month bounds, so its per-row months are freed here."""
    month, late_ok = partition_months(table)
    plan = plan_defects(
        table,
        config.defect_rate,
        referenced,
        parent_sizes,
        month,
        late_ok,
        config.rng(f"defects:{table.name}"),
    )
    return plan, None if isinstance(table, SpilledTable) else month


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
    records: list[DefectRecord] = []
    with (
        _system_arrow_allocator(),
        replacing_dataset(config.out_dir) as out_dir,
        _scratch(out_dir) as scratch,
    ):
        tables = build_tables(config, progress, scratch)
        referenced = referenced_rows(tables)
        for table in tables.values():  # their keys and references were read: not needed until written
            release(table)
        parent_sizes = {name: table.n_rows for name, table in tables.items()}
        clean_rows = dict(parent_sizes)
        for entity in ENTITIES:
            table = tables.pop(entity.name)  # written tables are freed as we go
            # popped: a mask of the whole table, not needed once its defects are planned
            plan, month = _plan(table, config, referenced.pop(entity.name, None), parent_sizes)
            written, defects = write_entity(
                table, plan, month, out_dir, config.end_date, on_file=_file_progress(table, progress)
            )
            files += written
            records += defects
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
        }
        window = {"start": format_end(config.start), "end_exclusive": format_end(config.end)}
        write_incidents(out_dir / "_manifest" / "incidents.csv", planned_incidents(config))
        write_planted_experiments(out_dir / "_manifest" / "experiments.csv", planned_experiments(config))
        # last: a dir with generation.json is a complete dataset (the pipeline reuses it as such)
        write_manifest(out_dir, parameters, window, files, records, clean_rows)
    row_counts = {e.name: sum(f.rows for f in files if f.entity == e.name) for e in ENTITIES}
    return GenerationResult(config, row_counts, tuple(files), tuple(records), time.perf_counter() - started)


@contextlib.contextmanager
def _scratch(out_dir: Path) -> Iterator[Path]:
    """Room for the spilled tables inside the dataset being written (so on the same disk, and
    removed with it if the generation fails), emptied before the dataset is swapped in."""
    scratch = out_dir / SCRATCH_DIR
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _file_progress(table: Table, progress: Progress) -> Callable[[str, int], None] | None:
    """Per-file progress for the tables that take a while to write."""
    if table.n_rows < LONG_TABLE_ROWS:
        return None
    return lambda path, rows: progress(f"  {path} ({rows:,} rows)")

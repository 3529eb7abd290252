"""The experiments' statistics: the SQL macros against scipy, and the decisions they drive.

- normal_cdf, normal_quantile and two_sided_p_value (macros/experiments/normal_distribution.sql)
  compiled by dbt and evaluated in DuckDB over a grid, against scipy.stats.norm;
- msprt_p_value (sequential_test.sql) against the mixture likelihood ratio it stands for,
  integrated numerically by scipy;
- peeking: many simulated A/A tests read after every day. The always-valid p-value keeps the
  share of false winners under alpha; the fixed-horizon p-value read daily does not (the reason
  the mart decides on the former);
- the whole chain (generator, landing, staging, experiment_looks, experiment_results) on a
  programme of many generated tests, null and with a planted effect: the null variants are not
  declared winners more often than alpha, the planted effects are found.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest
from scipy import integrate, stats

from dbt_compile import compiled_sql  # tests/dbt_compile.py
from orchestration.datagen.experiments import (
    BASELINE,
    SURFACES,
    PlannedExperiment,
    PlannedVariant,
    build_experiments,
)
from orchestration.datagen.render import render_table
from orchestration.datagen.timeline import MS_PER_DAY, MS_PER_HOUR, Window
from orchestration.dbt_runner import run_dbt
from orchestration.landing import land
from orchestration.settings import Settings

ALPHA = 0.05


@pytest.fixture(scope="module")
def macros(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each macro compiled once over the columns x, p, d, s2 and tau2 of a table `grid`."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        sql = compiled_sql(
            monkeypatch,
            tmp_path_factory.mktemp("compile"),
            "select {{ normal_cdf('x') }} as cdf, {{ normal_quantile('p') }} as quantile, "
            "{{ two_sided_p_value('x') }} as two_sided, "
            "{{ msprt_p_value('d', 's2', 'tau2') }} as msprt from grid",
        )
    return {"select": sql}


def _evaluate(macros: dict[str, str], grid: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    with duckdb.connect() as con:
        con.register("grid_arrow", pa.table(grid))
        con.execute("create table grid as select * from grid_arrow")
        result = con.execute(macros["select"]).to_arrow_table()
    return {name: result[name].to_numpy(zero_copy_only=False).astype(float) for name in result.column_names}


def _grid(n: int, **columns: np.ndarray) -> dict[str, np.ndarray]:
    defaults = {"x": np.zeros(n), "p": np.full(n, 0.5), "d": np.zeros(n), "s2": np.ones(n), "tau2": np.ones(n)}
    return {**defaults, **columns}


# ---------------------------------------------------------------------------- the distribution


def test_normal_cdf_and_two_sided_p_value_match_scipy(macros: dict[str, str]) -> None:
    x = np.concatenate([np.linspace(-8, 8, 3201), [-1.959963985, 1.959963985, 2.575829304]])
    got = _evaluate(macros, _grid(len(x), x=x))
    assert np.max(np.abs(got["cdf"] - stats.norm.cdf(x))) < 7.5e-8  # the approximation's bound
    assert np.max(np.abs(got["two_sided"] - 2 * stats.norm.sf(np.abs(x)))) < 1.5e-7
    assert got["two_sided"][-3] == pytest.approx(0.05, abs=1.5e-7)


def test_normal_quantile_matches_scipy_and_is_null_outside_the_unit_interval(macros: dict[str, str]) -> None:
    p = np.concatenate([np.logspace(-12, -1, 200), np.linspace(0.01, 0.99, 981), 1 - np.logspace(-12, -1, 200)])
    got = _evaluate(macros, _grid(len(p), p=p))
    exact = stats.norm.ppf(p)
    assert np.max(np.abs(got["quantile"] - exact) / np.maximum(np.abs(exact), 1e-3)) < 1.2e-9 * 10
    assert got["quantile"][np.searchsorted(p, 0.975)] == pytest.approx(1.959963985, abs=1e-8)
    outside = _evaluate(macros, _grid(3, p=np.array([0.0, 1.0, -0.5])))
    assert np.isnan(outside["quantile"]).all()


# ---------------------------------------------------------------------------- the sequential test


def _mixture_likelihood_ratio(d: float, s2: float, tau2: float) -> float:
    """The mSPRT statistic by its definition: the likelihood of the observed difference averaged
    over the mixing distribution N(0, tau2) of the true difference, over its likelihood at 0."""
    sd = math.sqrt(s2)
    integrand = lambda theta: stats.norm.pdf(d, theta, sd) * stats.norm.pdf(theta, 0, math.sqrt(tau2))  # noqa: E731
    spread = 12 * math.sqrt(tau2 + s2)
    numerator, _ = integrate.quad(integrand, d - spread, d + spread, points=[0.0, d], limit=200)
    return numerator / stats.norm.pdf(d, 0, sd)


def test_msprt_p_value_is_one_over_the_mixture_likelihood_ratio(macros: dict[str, str]) -> None:
    cases = [(0.0, 1e-4, 4e-4), (0.01, 1e-4, 4e-4), (0.03, 1e-4, 4e-4), (-0.02, 2e-4, 1e-4), (0.05, 4e-4, 9e-4)]
    d, s2, tau2 = (np.array(column) for column in zip(*cases, strict=True))
    got = _evaluate(macros, _grid(len(d), d=d, s2=s2, tau2=tau2))["msprt"]
    expected = [min(1.0, 1 / _mixture_likelihood_ratio(*case)) for case in cases]
    assert got == pytest.approx(expected, rel=1e-6)
    assert got[0] == got[1] == 1.0 and got[2] < 0.1  # 0 or 1 sd of difference: no evidence; 3 sd: some
    missing = _evaluate(macros, _grid(2, d=np.array([0.1, 0.1]), s2=np.array([0.0, 1e-4]), tau2=np.array([1e-4, 0.0])))
    assert np.isnan(missing["msprt"]).all()  # no variance or no mixing variance: no p-value


def _simulated_looks(rng: np.random.Generator, tests: int, days: int, lift: float) -> dict[str, np.ndarray]:
    """Daily cumulative conversions of `tests` two-arm tests with 400 units an arm a day at a 10%
    baseline, the treatment converting `lift` better: one row per test and day."""
    baseline, per_day = 0.10, 400
    units = per_day * np.arange(1, days + 1, dtype=float)
    control = np.cumsum(rng.binomial(per_day, baseline, (tests, days)), axis=1)
    treatment = np.cumsum(rng.binomial(per_day, baseline * (1 + lift), (tests, days)), axis=1)
    p0, p1 = control / units, treatment / units
    pooled = (control + treatment) / (2 * units)
    return {
        "test": np.repeat(np.arange(tests), days),
        "day": np.tile(np.arange(days), tests),
        "x": ((p1 - p0) / np.sqrt(pooled * (1 - pooled) * 2 / units)).ravel(),
        "d": (p1 - p0).ravel(),
        "s2": (p0 * (1 - p0) / units + p1 * (1 - p1) / units).ravel(),
        # the mart's mixing variance: the square of the minimum lift (20%) on the control's rate
        "tau2": ((p0 * 0.2) ** 2).ravel(),
    }


def _share_ever_significant(macros: dict[str, str], looks: dict[str, np.ndarray]) -> tuple[float, float, float]:
    """Share of tests whose always-valid p-value (running minimum), whose daily fixed-horizon
    p-value, and whose last-day fixed-horizon p-value ever reached ALPHA."""
    got = _evaluate(macros, _grid(len(looks["x"]), **{k: looks[k] for k in ("x", "d", "s2", "tau2")}))
    tests = int(looks["test"].max()) + 1
    sequential = np.nan_to_num(got["msprt"], nan=1.0).reshape(tests, -1)
    fixed = got["two_sided"].reshape(tests, -1)
    return (
        float(np.mean(sequential.min(axis=1) <= ALPHA)),
        float(np.mean(fixed.min(axis=1) <= ALPHA)),
        float(np.mean(fixed[:, -1] <= ALPHA)),
    )


def test_daily_peeking_keeps_false_winners_under_alpha_only_with_the_always_valid_p_value(
    macros: dict[str, str],
) -> None:
    tests = 2000
    looks = _simulated_looks(np.random.default_rng(7), tests, 28, 0)
    always_valid, peeking, once = _share_ever_significant(macros, looks)
    margin = 3 * math.sqrt(ALPHA * (1 - ALPHA) / tests)  # 0.015
    print(f"\nA/A tests read daily for 28 days: always-valid {always_valid:.3f}, daily {peeking:.3f}, once {once:.3f}")
    assert always_valid <= ALPHA + margin
    assert abs(once - ALPHA) <= margin  # read once at the end, the fixed-horizon test is right...
    assert peeking >= 2 * ALPHA  # ...read daily, it finds a winner in several times alpha of them


def test_the_sequential_test_finds_a_real_lift(macros: dict[str, str]) -> None:
    # a 20% lift on 10%: 28 days of 400 units an arm are 2.5x the fixed-horizon sample for 80% power
    always_valid, _, once = _share_ever_significant(macros, _simulated_looks(np.random.default_rng(8), 500, 28, 0.2))
    print(f"\n20% lift, 28 daily looks: always-valid power {always_valid:.2f}, fixed-horizon at the end {once:.2f}")
    assert always_valid >= 0.8


# ---------------------------------------------------------------------------- generated programmes

START = datetime(2025, 1, 6, tzinfo=UTC)
END = datetime(2025, 12, 1, tzinfo=UTC)


def _programme(rng: np.random.Generator, nulls: int, effects: int) -> tuple[PlannedExperiment, ...]:
    """Two-arm checkout tests, `nulls` without an effect and `effects` with a lift 1.25 times the
    minimum lift they were sized for, each starting a day after the previous one."""
    surface = SURFACES.index("checkout")
    planned = []
    for index in range(nulls + effects):
        experiment_id = index + 1
        lift = 0.06 * 1.25 if index >= nulls else 0.0
        started = int(START.timestamp() * 1000) + index * MS_PER_DAY + 9 * MS_PER_HOUR
        planned.append(
            PlannedExperiment(
                experiment_id,
                surface,
                (
                    PlannedVariant(experiment_id, "control", "control", 0.0),
                    PlannedVariant(experiment_id, "variant_a", "effect" if lift else "none", lift),
                ),
                alpha=ALPHA,
                power=0.8,
                registered_ms=started - 2 * MS_PER_DAY,
                started_ms=started,
            )
        )
    assert BASELINE[surface] == 0.55
    return tuple(planned)


@pytest.fixture(scope="module")
def programme_results(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, bool]]:
    """(planted, decision, is winning variant) of each treatment of 120 generated tests run through
    landing, staging and the experiments marts."""
    root = tmp_path_factory.mktemp("programme")
    settings = Settings.under(root)
    plan = _programme(np.random.default_rng(11), nulls=80, effects=40)
    window = Window.between(START, END)
    tables = build_experiments(window, 0.1, plan, np.random.default_rng(12))
    for name, table in tables.items():
        folder = settings.landing_dir / "experimentation" / name
        folder.mkdir(parents=True)
        pa_csv.write_csv(pa.table(render_table(table)), folder / f"{name}_2025-12-01.csv")
    report = land(settings.landing_dir, settings.warehouse_path)
    assert not report.failed, report.failed
    summary = run_dbt(["build", "--select", "+experiment_results", "--exclude-resource-type", "unit_test"], settings)
    assert summary.success, summary.failures
    planted = {(str(v.experiment_id), v.variant): v.planted for e in plan for v in e.variants}
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = con.execute(
            "select experiment_id, variant, decision, is_winning_variant from marts.experiment_results"
        ).fetchall()
    return [(planted[experiment, variant], decision, winning) for experiment, variant, decision, winning in rows]


@pytest.mark.slow
def test_generated_null_tests_are_rarely_winners_and_planted_effects_are_found(programme_results) -> None:
    nulls = [decision for planted, decision, _ in programme_results if planted == "none"]
    effects = [decision for planted, decision, _ in programme_results if planted == "effect"]
    assert (len(nulls), len(effects)) == (80, 40)
    # every test ran to its planned sample: none is still running
    assert "keep_running" not in nulls + effects
    false_winners = nulls.count("ship") / len(nulls)
    found = effects.count("ship") / len(effects)
    print(f"\n80 null tests: {false_winners:.3f} shipped; 40 tests with 1.25x the minimum lift: {found:.2f} shipped")
    assert false_winners <= ALPHA + 3 * math.sqrt(ALPHA * (1 - ALPHA) / len(nulls))
    assert "stop_harmful" not in effects
    assert found >= 0.6
    assert all(winning == (decision == "ship") for _, decision, winning in programme_results)

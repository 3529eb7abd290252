"""The GX-on-DuckDB fix: with it, a known-bad expectation fails and a known-good one passes.

Without the fix every expectation errors (IndexError) and reports success=False with an
exception; asserting both outcomes *and* the observed values means that state cannot pass here.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("gx_compat") / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema s")
        con.execute(
            "create table s.t as "
            "select range as id, case when range % 10 = 0 then null else range end as v from range(100)"
        )
    import great_expectations as gx

    from orchestration.quality.duckdb_compat import is_registered, register_duckdb_dialect

    register_duckdb_dialect()
    register_duckdb_dialect()  # idempotent
    assert is_registered()
    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_sql(
        "w", connection_string=f"duckdb:///{path}", kwargs={"connect_args": {"read_only": True}}
    )
    return gx, source.add_table_asset("t", table_name="t", schema_name="s").add_batch_definition_whole_table(
        "all"
    ).get_batch()


def _no_exception(result) -> None:
    assert not result.exception_info.get("raised_exception"), result.exception_info


def test_known_good_expectations_pass(batch) -> None:
    gx, b = batch
    result = b.validate(gx.expectations.ExpectColumnValuesToNotBeNull(column="id"))
    _no_exception(result)
    assert result.success and result.result["element_count"] == 100
    result = b.validate(
        gx.expectations.UnexpectedRowsExpectation(unexpected_rows_query="select * from {batch} where id < 0")
    )
    _no_exception(result)
    assert result.success and result.result["observed_value"] == 0


def test_known_bad_expectations_fail_with_the_right_counts(batch) -> None:
    gx, b = batch
    result = b.validate(gx.expectations.ExpectColumnValuesToNotBeNull(column="v"))
    _no_exception(result)
    assert not result.success and result.result["unexpected_count"] == 10
    result = b.validate(
        gx.expectations.UnexpectedRowsExpectation(unexpected_rows_query="select * from {batch} where v is null")
    )
    _no_exception(result)
    assert not result.success and result.result["observed_value"] == 10
    result = b.validate(gx.expectations.ExpectColumnProportionOfNonNullValuesToBeBetween(column="v", max_value=0.5))
    _no_exception(result)
    assert not result.success and result.result["observed_value"] == pytest.approx(0.9)

"""`trimmed_text` (macros/staging/engine_functions.sql, DuckDB's in macros/duckdb/trimmed_text.sql):
how every base model reads a landed value. DuckDB's version trims only the values that may change,
so it must give what `nullif(trim(value), '')` gives for any text: every character DuckDB's trim
removes, on either side, alone or around ASCII and non-ASCII text, and the blanks it keeps."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dbt_compile import compiled_sql  # tests/dbt_compile.py


def _spaces_trim_removes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every code point DuckDB's trim removes, found by asking it (not a list that could go stale)."""
    rows = con.execute(
        "select chr(i::integer) from range(1, 65536) as r(i) "
        "where (i < 55296 or i > 57343) and trim(chr(i::integer) || 'a' || chr(i::integer)) = 'a'"
    ).fetchall()
    return [text for (text,) in rows]


def test_trimmed_text_is_duckdbs_trim_for_any_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    select = compiled_sql(monkeypatch, tmp_path, "select {{ trimmed_text('landed') }} as trimmed from landed_values")
    with duckdb.connect() as con:
        spaces = _spaces_trim_removes(con)
        assert " " in spaces and "\u00a0" in spaces and "\t" not in spaces
        values = [None, "", "a", "a b", "C0001", "\t a\t", "\na\n", "é", "naïve", "\u200bzero width\u200b"]
        for space in spaces:
            values += [space, space * 3, f"{space}a", f"a{space}", f"{space}a{space}", f"{space}é", f"é{space}",
                       f"a{space}b", f" {space}a", f"é {space}"]
        con.execute("create table landed_values (landed varchar)")
        con.executemany("insert into landed_values values (?)", [[v] for v in values])
        ours = [row[0] for row in con.execute(select).fetchall()]
        trims = [row[0] for row in con.execute("select nullif(trim(landed), '') from landed_values").fetchall()]
    assert len(ours) == len(values) > 100
    pairs = zip(values, ours, trims, strict=True)
    differing = [(value, mine, theirs) for value, mine, theirs in pairs if mine != theirs]
    assert differing == []
    assert "strlen(" in select  # the version that skips the values trim leaves as they are

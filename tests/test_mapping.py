"""Source mappings: read, checked (every error names file and field), formats ordered."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.mapping import (
    MappingError,
    ambiguous_pairs,
    load_mappings,
    order_formats,
    read_mapping,
)
from orchestration.settings import PROJECT_DIR

MESSY = """
source: marketplace
timezone: Asia/Kolkata
timestamp_formats: ["%d-%b-%Y", "%d/%m/%Y %H:%M:%S", iso8601, "%d-%m-%Y", "%m-%d-%Y"]
entities:
  payments:
    files: "exports/payments_*.csv"
    columns: {payment_id: PaymentID, order_id: OrderID, attempted_at: PaymentDate}
    values:
      status: {Successful: succeeded, Success: succeeded, Failure: failed}
    defaults: {failure_reason: null}
    timestamp_formats: {attempted_at: ["%d/%m/%Y %H:%M:%S"]}
"""


def write(tmp_path: Path, text: str, name: str = "marketplace.yml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_mapping_fields(tmp_path: Path) -> None:
    mapping = read_mapping(write(tmp_path, MESSY))
    payments = mapping.entities["payments"]
    assert mapping.timezone == "Asia/Kolkata"
    assert payments.files == "exports/payments_*.csv"
    assert payments.export_column("order_id") == "OrderID" and payments.export_column("currency") == "currency"
    assert payments.values["status"]["Success"] == "succeeded"
    assert "failure_reason" not in payments.expected_columns
    assert mapping.formats_for("payments", "attempted_at") == ("%d/%m/%Y %H:%M:%S",)
    # entities the file does not name map one to one
    assert mapping.entities["orders"].files == "orders/*.csv"


def test_the_shipped_mappings_describe_the_generated_layout() -> None:
    mappings = load_mappings(PROJECT_DIR / "mappings")
    assert all(m.path is not None for m in mappings.values())
    orders = mappings["marketplace"].entities["orders"]
    assert (
        orders.files == "orders/*.csv"
        and orders.columns == {}
        and mappings["marketplace"].timestamp_formats == ("iso8601",)
    )


def test_day_and_month_order_is_declared_or_left_ambiguous() -> None:
    formats = ("%m-%d-%Y", "%d-%b-%Y", "%d-%m-%Y")
    assert ambiguous_pairs(formats) == [("%m-%d-%Y", "%d-%m-%Y")]
    assert order_formats(formats, None) == formats
    assert order_formats(formats, "day_first") == ("%d-%m-%Y", "%d-%b-%Y", "%m-%d-%Y")
    assert order_formats(formats, "month_first") == formats


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        (
            "OrderID",
            'Order"ID',
            "entities.payments.columns.order_id: column name 'Order\"ID' breaks the column-name rule",
        ),
        ("OrderID", "_loaded_at", "reserved for the lineage columns"),
        (
            "exports/payments_*.csv",
            "../../etc/*.csv",
            "entities.payments.files: '../../etc/*.csv' must be a relative glob",
        ),
        ("exports/payments_*.csv", "/etc/passwd.csv", "must be a relative glob"),
        ("Asia/Kolkata", "Mars/Olympus", "timezone: 'Mars/Olympus' is not an IANA time zone"),
        (
            "Failure: failed",
            "Failure: broken",
            "entities.payments.values.status.Failure: 'broken' is not an accepted value of status",
        ),
        (
            "failure_reason: null",
            "payment_id: '1'",
            "entities.payments.defaults.payment_id: payment_id is part of the key",
        ),
        ('"%d-%m-%Y"', '"%d-%m-%Y %Q"', "format '%d-%m-%Y %Q' uses unknown code(s) %Q"),
        ("payments:", "payouts:", "entities.payouts: no marketplace entity 'payouts' in the contract"),
        ("attempted_at: PaymentDate", "attempted: PaymentDate", "'attempted' is not a column of payments"),
        ("timezone:", "time_zone:", "top level: unknown key(s) time_zone"),
    ],
)
def test_every_mistake_is_named_with_file_and_field(tmp_path: Path, replace: str, by: str, message: str) -> None:
    assert replace in MESSY
    path = write(tmp_path, MESSY.replace(replace, by, 1))
    with pytest.raises(MappingError) as error:
        read_mapping(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


def test_a_source_mapped_twice_is_refused(tmp_path: Path) -> None:
    write(tmp_path, MESSY, "a.yml")
    write(tmp_path, MESSY, "b.yml")
    with pytest.raises(MappingError, match="already mapped by"):
        load_mappings(tmp_path)

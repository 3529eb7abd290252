"""Onboarding an unknown export: `profile` proposes a source mapping, `check` dry-runs it.

The messy export below is what a real marketplace system sends: text ids (`C0001`), five date
formats (one of them day/month-ambiguous: `02-09-2020`), status synonyms (`Successful`, `Success`,
`Failure`), countries as names and in any case (`INDIA`, `uk`), columns named its own way
(`PaymentDate`, `Joined`), optional columns it lacks (payments' `failure_reason`), a missing
amount, a date no format reads (`soon`), a semicolon-separated file, no orders file.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest

from orchestration.contracts import ENTITIES, entity
from orchestration.mapping import load_mappings, read_mapping
from orchestration.onboard.__main__ import main
from orchestration.onboard.check import dry_run, scratch_landing
from orchestration.onboard.export import find_files, is_landing_layout, parse_header
from orchestration.onboard.formats import (
    CANDIDATE_FORMATS,
    PAIRS,
    PairEvidence,
    Signature,
    choose_formats,
    decide_date_order,
    format_stats,
    settle_formats,
    source_date_order,
)
from orchestration.onboard.globs import generalized, propose_glob, safe_literal
from orchestration.onboard.names import (
    BY_VALUES,
    guess_entity,
    match_columns,
    match_score,
    named_by_path,
    normal,
    words,
)
from orchestration.onboard.outcomes import (
    CheckResult,
    file_outcomes,
    problem_kind,
    reason_counts,
    reason_kind,
    report_lines,
)
from orchestration.onboard.profile import Profile, is_id_column, profile_export, to_mapping
from orchestration.onboard.proposal import quoted, write_proposals
from orchestration.onboard.summary import summary_lines
from orchestration.onboard.values import id_shape, id_shape_sql, propose_country, propose_value

GOLDEN_LANDING = Path(__file__).parent / "golden" / "landing"

MESSY_EXPORT = {
    "Instructors.csv": """InstructorID,Name,Country,Joined,Status
I0001,Asha Rao,INDIA,23-Feb-2023,Active
I0002,Tom Hill,uk,05-Mar-2023,active
I0003,Lea Roy,FR,11-Jan-2023,Suspended
I0004,Ben Ode,OTHERS,02-Apr-2023,closed
I0005,Mia Sol,in,17-May-2023,Active
I0006,Kai Lun,DE,31-Dec-2022,Retired
I0007,Zoe Li,BR,soon,Active
""",
    "Courses.csv": """\
CourseID,InstructorID,Title,Category,Subcategory,Level,Language,ListPrice,Currency,Status,CreatedAt,PublishedAt
C0001,I0001,Python Basics,Development,Python,Beginner,en,19.99,usd,Published,21/04/2023 14:45:05,2023-07-31
C0002,I0002,Data Viz,Data Science,Visualization,All Levels,en,29.99,USD,Published,02/05/2023 09:00:00,2023-08-15
C0003,I0003,Brand 101,Marketing,Branding,Intermediate,fr,24.50,EUR,Draft,15/06/2023 10:30:00,
C0004,I0001,Pandas Pro,Data Science,Pandas,Advanced,en,39.00,USD,Published,30/06/2023 18:00:00,2023-09-01
""",
    "Students.csv": """StudentID,SignupDate,Country,Timezone,AcquisitionChannel,UtmSource,UtmMedium,UtmCampaign
S0001,04/21/2023,INDIA,Asia/Kolkata,Organic Search,,,
S0002,12/25/2022,uk,Europe/London,Paid Search,google,cpc,spring
S0003,01/15/2023,US,America/New_York,Referral,,,
S0004,02/28/2023,OTHERS,UTC,Influencer,instagram,social,launch
""",
    # no orders in this export: payments point at orders the warehouse does not have
    "payments_2023-01.csv": """PaymentID,OrderID,PaymentDate,Method,Amount,Currency,Status
P0001,O0001,02-09-2020,Card,19.99,INR,Successful
P0002,O0002,05-05-2020,PayPal,29.99,INR,Success
P0003,O0003,11-03-2020,Bank Transfer,24.50,INR,Failure
P0004,O0004,10-10-2020,card,39.00,INR,Successful
P0005,O0005,07-07-2020,Card,19.99,INR,Success
P0006,O0006,01-01-2021,Card,,INR,Success
""",
    # semicolon-separated: landing refuses it whole, profile still reads it
    "refunds.csv": """refund_id;order_id;order_item_id;refunded_at;amount;currency;reason
R0001;O0001;OI0001;2020-09-10;19.99;INR;Quality
R0002;O0002;OI0002;2020-05-20;29.99;INR;Other
""",
    "enrollments.csv": """enrollment_id,student_id,course_id,access_type,enrolled_at,progress_pct,completed_at
E0001,S0001,C0001,Purchase,2023-05-01,100,2023-06-01
E0002,S0002,C0002,Subscription,2023-05-03,40,
E0003,S0003,C0004,purchase,2023-05-09,0,
""",
}


def write_export(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_export(tmp_path_factory.mktemp("messy") / "export", MESSY_EXPORT)


@pytest.fixture(scope="module")
def messy_profile(messy: Path) -> Profile:
    return profile_export(messy)


# ------------------------------------------------------------------------------ names
def test_names_normalize_case_separators_and_camel_case() -> None:
    assert words("PaymentID") == ["payment", "id"]
    assert words("Signup At") == words("signup_at") == words("signupAt") == ["signup", "at"]
    assert normal("enrollment_date") == normal("enrolled_at") == normal("EnrolmentDate")
    payments = entity("payments")
    assert match_score("PaymentID", "payment_id", payments) == 1.0
    assert match_score("ID", "payment_id", payments) > 0  # the entity is implied
    assert match_score("payment_status", "status", payments) > 0
    assert match_score("PaymentDate", "attempted_at", payments) > 0  # a known alias
    assert match_score("Joined", "joined_at", entity("instructors")) > 0
    assert match_score("Amount", "order_id", payments) == 0


def test_each_contract_column_gets_one_export_column_surest_first() -> None:
    matches = match_columns(("Status", "payment_status", "ID"), entity("payments"))
    assert {(m.contract, m.export) for m in matches} == {("status", "Status"), ("payment_id", "ID")}


def test_the_entity_is_guessed_from_the_header_and_the_file_name() -> None:
    header = ("PaymentID", "OrderID", "PaymentDate", "Method", "Amount", "Currency", "Status")
    guess = guess_entity(header, "exports/whatever.csv", ENTITIES)
    assert guess is not None and guess.entity.name == "payments"
    assert guess.unmatched_contract == ("failure_reason",) and guess.unmatched_export == ()
    # a lone id column is not enough, unless the file's name says the entity
    assert guess_entity(("ID", "Foo"), "misc.csv", ENTITIES) is None
    named = guess_entity(("ID", "Foo"), "Certificates 2024.csv", ENTITIES)
    assert named is not None and named.entity.name == "certificates"
    # an `ID` matches every entity's key: the file's name outweighs it
    refunds = guess_entity(("ID", "Status"), "Refunds.csv", ENTITIES)
    assert refunds is not None and refunds.entity.name == "refunds"
    assert named_by_path("course_prices/2024.csv", entity("course_prices"))
    assert not named_by_path("courses.csv", entity("course_prices"))
    # order lines are order items, though the file's name also says "order"
    lines = guess_entity(("LineID", "OrderID", "CourseID", "OrderDate", "ListPrice"), "OrderLines.csv", ENTITIES)
    assert lines is not None and lines.entity.name == "order_items"


# ------------------------------------------------------------------------------ formats
def signature(parsed: set[str], differs: set[tuple[str, str]] = frozenset()) -> Signature:  # type: ignore[assignment]
    return tuple(f in parsed for f in CANDIDATE_FORMATS), tuple(p in differs for p in PAIRS)


DMY, MDY = "%d-%m-%Y", "%m-%d-%Y"
BOTH_WAYS = signature({DMY, MDY}, {(DMY, MDY)})  # 02-09-2020
SAME_BOTH_WAYS = signature({DMY, MDY})  # 05-05-2020
DAY_FIRST_ONLY = signature({DMY})  # 23-02-2020
MONTH_FIRST_ONLY = signature({MDY})  # 02-23-2020


def test_formats_cover_the_values_with_the_fewest_formats() -> None:
    signatures = Counter({signature({"iso8601", "%Y-%m-%d"}): 5, signature({"%d-%b-%Y"}): 3, signature(set()): 1})
    stats = format_stats(signatures)
    assert choose_formats(signatures) == ("iso8601", "%d-%b-%Y")  # %Y-%m-%d adds nothing
    assert stats.values == 9 and stats.unparsed == 1 and stats.ambiguous == 0
    assert stats.parsed == {"iso8601": 5, "%Y-%m-%d": 5, "%d-%b-%Y": 3}


def test_ambiguous_day_and_month_keep_both_formats_and_are_counted() -> None:
    signatures = Counter({BOTH_WAYS: 2, SAME_BOTH_WAYS: 3})
    stats = format_stats(signatures)
    assert stats.ambiguous == 2 and stats.pairs[(DMY, MDY)] == PairEvidence(0, 0, 2)
    assert choose_formats(signatures) == (DMY, MDY)  # so staging flags them instead of guessing
    assert decide_date_order(stats.pairs[(DMY, MDY)]) is None
    assert settle_formats((DMY, MDY), stats) == (DMY, MDY)


def test_a_day_above_12_first_decides_the_order() -> None:
    signatures = Counter({BOTH_WAYS: 2, DAY_FIRST_ONLY: 1})
    stats = format_stats(signatures)
    assert decide_date_order(stats.pairs[(DMY, MDY)]) == "day_first"
    assert choose_formats(signatures) == (DMY, MDY)
    # without a source-wide date_order the column decides for itself
    assert settle_formats((DMY, MDY), stats) == (DMY,)
    mixed = format_stats(Counter({BOTH_WAYS: 1, DAY_FIRST_ONLY: 1, MONTH_FIRST_ONLY: 1}))
    assert decide_date_order(mixed.pairs[(DMY, MDY)]) is None


def test_a_source_date_order_only_when_every_pair_in_play_decides_alike() -> None:
    assert source_date_order(["day_first", "day_first"]) == "day_first"
    assert source_date_order(["day_first", None]) is None  # another column's ambiguity stays flagged
    assert source_date_order(["day_first", "month_first"]) is None
    assert source_date_order([]) is None


def test_the_format_query_reads_values_as_staging_does() -> None:
    from orchestration.onboard.formats import signature_sql

    with duckdb.connect() as con:
        con.execute("create table t (c1 varchar)")
        con.executemany("insert into t values (?)", [["02-09-2020"], ["2023-07-31"], ["23-Feb-2023"], [" "], ["x"]])
        sql, parameters = signature_sql("c1", "t", "timestamp")
        rows = con.execute(sql, parameters).fetchall()
    signatures = Counter({(tuple(p), tuple(d)): n for p, d, n, _ in rows})
    stats = format_stats(signatures)
    assert stats.values == 4 and stats.unparsed == 1 and stats.ambiguous == 1
    assert stats.parsed["iso8601"] == 1 and stats.parsed["%d-%b-%Y"] == 1


# ------------------------------------------------------------------------------ values
def test_enum_values_map_by_case_separators_and_synonyms() -> None:
    accepted = ("succeeded", "failed")
    assert propose_value("Successful", accepted).contract_value == "succeeded"
    assert propose_value("Success", accepted).contract_value == "succeeded"
    assert propose_value("Failure", accepted).contract_value == "failed"
    assert propose_value("FAILED", accepted).how == "case"  # staging folds case itself
    assert propose_value("Pending?", accepted).contract_value is None  # never guessed
    assert propose_value("Bank Transfer", ("card", "bank_transfer")).contract_value == "bank_transfer"


def test_countries_become_iso_codes_or_are_left_for_review() -> None:
    assert propose_country("INDIA") == "IN"
    assert propose_country("uk") == "GB" and propose_country("UK") == "GB"  # UK is no ISO code
    assert propose_country("in") == "IN"
    assert propose_country("United States") == "US"
    assert propose_country("OTHERS") is None
    assert propose_country("Korea") is None  # two countries: not guessed


def test_id_shapes_in_python_and_sql_agree() -> None:
    samples = ["123", "C0001", "INS-12", "0f8fad5b-d9cb-469f-a165-70867728950e", "add3028291423651", "a b", "12.5"]
    expected = ["integer", "prefix+digits", "prefix+digits", "uuid", "hex", "other", "other"]
    assert [id_shape(s) for s in samples] == expected
    sql, parameters = id_shape_sql("v")
    with duckdb.connect() as con:
        query = f"select {sql} from (select ?::varchar as v)"
        shapes = [con.execute(query, [*parameters, s]).fetchone()[0] for s in samples]
    assert shapes == expected


# ------------------------------------------------------------------------------ globs, headers
def test_file_patterns_claim_the_entitys_files_and_no_other() -> None:
    assert generalized("2023/payments_2023-01.csv") == "*/payments_*.csv"
    assert safe_literal("O'Reilly (1).csv") == "O?Reilly ?1?.csv"
    proposal = propose_glob(["payments_2023-01.csv", "payments_2023-02.csv"], ["orders_2023-01.csv"])
    assert proposal.glob == "payments_*.csv" and proposal.unclaimed == ()
    assert propose_glob(["a1.csv"], ["a2.csv"]).glob == "a1.csv"
    assert propose_glob(["COURSES.CSV"], []).glob == "COURSES.csv"  # landing reads `.csv` only: renamed


def test_headers_name_their_delimiter() -> None:
    assert parse_header("a,b\r\n").columns == ("a", "b")
    semicolon = parse_header("\ufeffa;b;c\n")
    assert semicolon.columns == ("a", "b", "c") and semicolon.delimiter == ";" and "comma" in (semicolon.problem or "")


# ------------------------------------------------------------------------------ profile
def test_profile_recognizes_every_file_of_the_messy_export(messy_profile: Profile) -> None:
    assert not messy_profile.unassigned
    assert [s.source for s in messy_profile.sources] == ["marketplace", "learning"]
    marketplace = messy_profile.sources[0]
    names = [e.entity.name for e in marketplace.entities]
    assert names == ["instructors", "courses", "students", "payments", "refunds"]
    payments = marketplace.entity("payments")
    assert payments.glob.glob == "payments_*.csv"
    assert payments.guess.export_of["attempted_at"] == "PaymentDate"
    assert payments.guess.unmatched_contract == ("failure_reason",)
    instructors = marketplace.entity("instructors")
    assert instructors.guess.export_of == {
        "instructor_id": "InstructorID",
        "instructor_name": "Name",
        "country_code": "Country",
        "joined_at": "Joined",
        "status": "Status",
    }


def test_profile_proposes_formats_synonyms_and_flags_the_ambiguity(messy_profile: Profile) -> None:
    marketplace = to_mapping(messy_profile.sources[0])
    formats = {
        (name, column): formats
        for name, entity_mapping in marketplace.entities.items()
        for column, formats in entity_mapping.timestamp_formats.items()
    }
    assert formats == {
        ("instructors", "joined_at"): ("%d-%b-%Y",),
        # 21/04/2023 proves the column day-first, so 02/05/2023 is read that way too
        ("courses", "created_at"): ("%d/%m/%Y %H:%M:%S",),
        ("students", "signup_at"): ("%m/%d/%Y",),
        # 02-09-2020 and 11-03-2020: nothing decides, both kept so staging flags them
        ("payments", "attempted_at"): ("%d-%m-%Y", "%m-%d-%Y"),
    }  # refunds' 2020-09-10: ISO 8601, the default
    assert "published_at" not in marketplace.entities["courses"].timestamp_formats  # ISO 8601: the default
    assert messy_profile.sources[0].date_order is None
    assert messy_profile.sources[0].evidence.ambiguous == 2
    payments = marketplace.entities["payments"]
    assert payments.values["status"] == {"Success": "succeeded", "Successful": "succeeded", "Failure": "failed"}
    assert payments.values["method"] == {"Bank Transfer": "bank_transfer"}  # PayPal, card: case only
    assert payments.defaults == {"failure_reason": None}
    assert marketplace.entities["instructors"].values["country_code"] == {"INDIA": "IN", "uk": "GB", "in": "IN"}
    assert marketplace.entities["courses"].values == {
        "category": {"Data Science": "data_science"},
        "level": {"All Levels": "all_levels"},
    }
    found = messy_profile.sources[0].entity("courses").findings["course_id"]
    assert found.id_shapes == Counter({"prefix+digits": 4}) and found.id_examples["prefix+digits"] == "C0001"


def test_the_written_yaml_reads_back_with_its_review_notes(messy_profile: Profile, tmp_path: Path) -> None:
    written = write_proposals(messy_profile, tmp_path)
    assert [p.name for p in written] == ["marketplace.yml", "learning.yml"]
    for path, source in zip(written, messy_profile.sources, strict=True):
        assert read_mapping(path) == to_mapping(source, path)
    text = written[0].read_text()
    assert "# review: 'OTHERS' (1 row) names no ISO 3166-1 alpha-2 country" in text
    assert "quarantined as ambiguous until date_order is declared" in text
    assert "'Retired' (1 row) is no accepted value of status" in text
    assert 'amount: "Amount"  # review: 1 row without a value: quarantined as required value missing' in text
    assert "# review: 1 value no format reads (e.g. 'soon')" in text
    assert "# date_order: day_first  # review: 2 values read as two different dates" in text
    assert load_mappings(tmp_path)["marketplace"].entities["payments"].files == "payments_*.csv"
    with pytest.raises(Exception, match="not overwritten"):
        write_proposals(messy_profile, tmp_path)


def test_the_cli_prints_the_summary_and_writes_the_files(
    messy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["profile", str(messy), "--out", str(tmp_path / "proposed")]) == 0
    out = capsys.readouterr().out
    assert "marketplace.payments <- payments_2023-01.csv (6 rows; files: 'payments_*.csv')" in out
    assert "landing would refuse refunds.csv: ';'-separated" in out
    assert "attempted_at: proposed ['%d-%m-%Y', '%m-%d-%Y']" in out
    assert "status: proposed 'Successful' -> succeeded" in out or "'Success' -> succeeded" in out
    assert "then: python -m orchestration.onboard check" in out
    assert (tmp_path / "proposed" / "learning.yml").exists()


def test_source_limits_the_entities(messy: Path) -> None:
    profile = profile_export(messy, "learning")
    recognized = {f.file.relative: f.guess.entity.name for f in profile.files if f.guess}
    assert recognized == {"enrollments.csv": "enrollments"}


def test_only_id_columns_get_id_shapes() -> None:
    rates = entity("exchange_rates")  # keyed by day and currency: neither is an id
    assert not is_id_column(rates, rates.column("rate_date"))
    assert not is_id_column(rates, rates.column("currency"))
    payments = entity("payments")
    assert is_id_column(payments, payments.column("payment_id")) and is_id_column(payments, payments.column("order_id"))


def test_files_of_one_entity_with_other_headers_are_named_for_review(tmp_path: Path) -> None:
    export = write_export(
        tmp_path / "export",
        {
            "payments_2023-01.csv": MESSY_EXPORT["payments_2023-01.csv"],
            # a column the first file lacks, and the id under another name
            "payments_2023-02.csv": "ID,OrderID,PaymentDate,Method,Amount,Currency,Status,FailureReason\n"
            "P9,O9,2020-02-01,Card,1.00,INR,Failure,card_declined\n",
        },
    )
    profile = profile_export(export)
    text = "\n".join(summary_lines(profile, []))
    assert "review: payments_2023-02.csv name columns differently from payments_2023-01.csv" in text
    # the mapping follows the first file
    assert "payment_id <- 'PaymentID'" in text and "missing   failure_reason (defaulted to empty)" in text


def test_a_landing_layout_export_maps_one_to_one() -> None:
    assert is_landing_layout(GOLDEN_LANDING)
    profile = profile_export(GOLDEN_LANDING)
    assert not profile.unassigned
    for source in profile.sources:
        mapping = to_mapping(source)
        for proposal in source.entities:
            entity_mapping = mapping.entities[proposal.entity.name]
            assert entity_mapping.columns == {} and entity_mapping.values == {}, proposal.entity.name
            assert entity_mapping.files.startswith(f"{proposal.entity.name}/"), entity_mapping.files


def test_hostile_headers_file_names_and_values_are_data(tmp_path: Path) -> None:
    hostile = write_export(
        tmp_path / "export",
        {
            "pay'ments; drop table x.csv": (
                'PaymentID,"Pay""ment; drop table raw.payments;--",OrderID,Method,Amount,Currency,Status\n'
                'P1,02-09-2020,O1,card,1.00,USD,"Succ\ness\'; --"\n'
                "P2,03-09-2020,O2,card,1.00,USD,no\n"
            ),
        },
    )
    profile = profile_export(hostile)
    payments = profile.sources[0].entity("payments")
    assert payments.glob.glob == "pay?ments? drop table x.csv"
    # the unsafe header still matches by its values, under the name landing would accept
    assert payments.guess.export_of["attempted_at"] == 'Pay"ment; drop table raw.payments;--'
    assert payments.guess.matches[2].score == BY_VALUES
    mapping = to_mapping(profile.sources[0])
    assert mapping.entities["payments"].columns["attempted_at"] == "pay_ment_drop_table_raw_payments"
    written = write_proposals(profile, tmp_path / "proposed")
    assert read_mapping(written[0]) == to_mapping(profile.sources[0], written[0])
    text = written[0].read_text()
    assert "landing would refuse" in text and "breaks the column-name rule" in text
    assert '"pay?ments? drop table x.csv"' in text
    assert all(line.count("#") <= 2 or line.lstrip().startswith("#") for line in text.splitlines())
    assert quoted("no") == '"no"' and quoted("a\nb") == '"a\\nb"'


def test_odd_files_are_named_not_fatal(tmp_path: Path) -> None:
    export = write_export(
        tmp_path / "export",
        {
            "empty.csv": "",
            "Payments.csv": "PaymentID,OrderID,Amount,Status\n",
            "COURSES.CSV": MESSY_EXPORT["Courses.csv"],
        },
    )
    (export / "utf16.csv").write_bytes("a,b\n".encode("utf-16"))
    profile = profile_export(export)
    problems = {f.file.relative: f.problems for f in profile.files}
    assert problems["empty.csv"] == ["empty file: no header row"]
    assert "UTF-16" in problems["utf16.csv"][0]
    assert "rename it" in problems["COURSES.CSV"][0]
    assert {p.entity.name: p.rows for p in profile.sources[0].entities} == {"courses": 4, "payments": 0}
    (tmp_path / "nothing").mkdir()
    assert profile_export(tmp_path / "nothing").sources == []


def test_a_link_is_never_followed(tmp_path: Path) -> None:
    export = write_export(tmp_path / "export", {"Payments.csv": MESSY_EXPORT["payments_2023-01.csv"]})
    (export / "elsewhere.csv").symlink_to(export / "Payments.csv")
    files = {f.relative: f for f in find_files(export)}
    assert files["elsewhere.csv"].link and files["elsewhere.csv"].problem
    profile = profile_export(export)
    assert [f.file.relative for f in profile.unassigned] == ["elsewhere.csv"]


# ------------------------------------------------------------------------------ outcomes
def test_reason_kinds_name_the_column_and_the_problem() -> None:
    payments = entity("payments")
    assert problem_kind("unparseable timestamp 'yesterday'") == "unparseable timestamp"
    assert problem_kind("orphaned, no valid orders.order_id (O0001)") == "orphaned, no valid orders.order_id"
    assert problem_kind("ambiguous timestamp '02-09-2020' (%d-%m-%Y or %m-%d-%Y): declare") == "ambiguous timestamp"
    assert reason_kind("status", "not an accepted value", payments) == ("status", "not an accepted value")
    rule = reason_kind("payment_before_order", "attempted_at 2026", payments)
    assert rule == ("attempted_at", "payment_before_order")  # a rule counts for the column it checks
    assert reason_kind("b", "whatever", payments) is None  # the tail of a value that held '; '


def _hand_made_warehouse(path: Path) -> None:
    """What landing and staging leave behind, for two payments files and one refused file."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute("create schema staging")
        con.execute(
            "create table raw.load_ledger (batch_id varchar, source_name varchar, entity varchar, rows_loaded bigint)"
        )
        con.execute(
            "create table raw.landing_inventory (file_path varchar, checksum varchar, status varchar, "
            "batch_id varchar, estimated_rows bigint, error varchar, inventoried_at timestamp)"
        )
        con.executemany(
            "insert into raw.load_ledger values (?, ?, ?, ?)",
            [
                ["b1", "marketplace", "payments", 4],
                ["b2", "marketplace", "payments", 1],
                ["b3", "marketplace", "courses", 0],
            ],
        )
        con.executemany(
            "insert into raw.landing_inventory values (?, 'x', ?, ?, ?, ?, now())",
            [
                ["marketplace/p1.csv", "loaded", "b1", 0, None],
                ["marketplace/p2.csv", "loaded", "b2", 0, None],
                ["marketplace/Courses.csv", "failed", "b3", 4, "marketplace/Courses.csv: header column 2 'a b' ..."],
            ],
        )
        con.execute(
            "create table staging.base_marketplace__payments (_dq_reason varchar, _is_duplicate boolean, "
            "_source_file varchar, _batch_id varchar, _row_number bigint)"
        )
        con.executemany(
            "insert into staging.base_marketplace__payments values (?, ?, ?, ?, ?)",
            [
                [None, False, "marketplace/p1.csv", "b1", 1],
                ["attempted_at: ambiguous timestamp '02-09-2020' (%d-%m-%Y or %m-%d-%Y): declare date_order; "
                 "order_id: orphaned, no valid orders.order_id (O2)", False, "marketplace/p1.csv", "b1", 2],
                ["status: not an accepted value 'a; b: c'", False, "marketplace/p1.csv", "b1", 3],
                [None, True, "marketplace/p1.csv", "b1", 4],
                ["order_id: orphaned, no valid orders.order_id (O9)", False, "marketplace/p2.csv", "b2", 1],
            ],
        )


def test_outcomes_per_file_and_reason_from_a_staged_warehouse(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    _hand_made_warehouse(warehouse)
    mappings = load_mappings(None)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        files = {f.file: f for f in file_outcomes(con)}
        reasons = reason_counts(con, mappings)
    assert (files["marketplace/p1.csv"].rows, files["marketplace/p1.csv"].staged) == (4, 1)
    assert (files["marketplace/p1.csv"].quarantined, files["marketplace/p1.csv"].duplicates) == (2, 1)
    assert files["marketplace/Courses.csv"].status == "failed" and files["marketplace/Courses.csv"].estimated_rows == 4
    assert {(r.file, r.column, r.kind, r.rows) for r in reasons} == {
        ("marketplace/p1.csv", "attempted_at", "ambiguous timestamp", 1),
        ("marketplace/p1.csv", "order_id", "orphaned, no valid orders.order_id", 1),
        ("marketplace/p1.csv", "status", "not an accepted value", 1),
        ("marketplace/p2.csv", "order_id", "orphaned, no valid orders.order_id", 1),
    }


# ------------------------------------------------------------------------------ check (dbt)
@pytest.fixture(scope="module")
def checked(messy: Path, messy_profile: Profile, tmp_path_factory: pytest.TempPathFactory) -> CheckResult:
    mappings = tmp_path_factory.mktemp("proposed")
    write_proposals(messy_profile, mappings)  # as proposed, unreviewed
    return dry_run(messy, mappings)


@pytest.mark.slow
def test_check_reports_per_file_what_would_stage_and_what_is_refused(checked: CheckResult) -> None:
    assert checked.dbt_success, checked.dbt_failures
    files = {f.file: f for f in checked.files}
    assert set(files) == {
        "learning/enrollments.csv",
        "marketplace/Courses.csv",
        "marketplace/Instructors.csv",
        "marketplace/Students.csv",
        "marketplace/payments_2023-01.csv",
        "marketplace/refunds.csv",
    }
    refunds = files.pop("marketplace/refunds.csv")
    assert refunds.status == "failed" and "';'-separated" in (refunds.error or "") and refunds.estimated_rows == 2
    rows = {name: (f.rows, f.staged, f.quarantined, f.duplicates) for name, f in files.items()}
    # text ids (I0001) are keys like any other; only the rows with a bad value stay out
    assert rows["marketplace/Instructors.csv"] == (7, 4, 3, 0)
    assert rows["marketplace/payments_2023-01.csv"] == (6, 0, 6, 0)  # no orders in the export
    assert not checked.all_stage and not checked.not_landed


@pytest.mark.slow
def test_check_counts_the_rows_of_each_reason(checked: CheckResult) -> None:
    reasons = {(r.file.split("/")[-1], r.column, r.kind): r.rows for r in checked.reasons}
    expected = {
        ("Instructors.csv", "joined_at", "unparseable timestamp"): 1,  # 'soon'
        ("Instructors.csv", "status", "not an accepted value"): 1,  # 'Retired'
        ("Instructors.csv", "country_code", "not an ISO 3166-1 alpha-2 country code"): 1,  # 'OTHERS'
        ("Students.csv", "country_code", "not an ISO 3166-1 alpha-2 country code"): 1,  # 'OTHERS'
        ("payments_2023-01.csv", "attempted_at", "ambiguous timestamp"): 2,  # 02-09-2020, 11-03-2020
        ("payments_2023-01.csv", "amount", "required value missing"): 1,
        ("payments_2023-01.csv", "order_id", "orphaned, no valid orders.order_id"): 6,  # no orders exported
    }
    assert reasons == expected
    # the synonyms, formats and countries the proposal maps leave no reason behind: only 'Retired'
    # and 'OTHERS' (no one country), left unmapped, are held back
    mapped = [r for r in checked.reasons if r.column in ("status", "method", "country_code", "category", "level")]
    assert sorted((r.column, r.example) for r in mapped) == [
        ("country_code", "not an ISO 3166-1 alpha-2 country code 'OTHERS'"),
        ("country_code", "not an ISO 3166-1 alpha-2 country code 'OTHERS'"),
        ("status", "not an accepted value 'Retired'"),
    ]
    ambiguous = next(r for r in checked.reasons if r.kind == "ambiguous timestamp")
    assert ambiguous.export_column == "PaymentDate"
    assert ambiguous.example.startswith(("ambiguous timestamp '02-09-2020'", "ambiguous timestamp '11-03-2020'"))


@pytest.mark.slow
def test_check_prints_a_table_per_file_and_reason(checked: CheckResult) -> None:
    text = "\n".join(report_lines(checked))
    assert "marketplace/refunds.csv" in text and "REFUSED (about 2 rows)" in text
    assert "attempted_at (PaymentDate): ambiguous timestamp" in text
    assert "total: 24 rows in 5 files" in text and "1 files refused (about 2 rows)" in text


def test_check_names_a_broken_mapping_before_anything_runs(
    messy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "marketplace.yml").write_text("source: marketplace\ndate_order: sometimes\n")
    assert main(["check", str(messy), "--mappings", str(tmp_path)]) == 2
    assert "marketplace.yml: date_order: 'sometimes'" in capsys.readouterr().err


def test_check_lands_a_flat_export_under_the_sources_that_claim_its_files(
    messy_profile: Profile, tmp_path: Path
) -> None:
    written = write_proposals(messy_profile, tmp_path / "mappings")
    export = write_export(tmp_path / "export", {**MESSY_EXPORT, "notes.csv": "a,b\n1,2\n"})
    landing, not_landed = scratch_landing(export, tmp_path / "landing", load_mappings(written[0].parent))
    assert sorted(p.relative_to(landing).as_posix() for p in landing.rglob("*.csv")) == [
        "learning/enrollments.csv",
        "marketplace/Courses.csv",
        "marketplace/Instructors.csv",
        "marketplace/Students.csv",
        "marketplace/payments_2023-01.csv",
        "marketplace/refunds.csv",
    ]
    assert not_landed == [("notes.csv", "no file pattern of the mappings claims it")]
    # laid out like LANDING_DIR: landed as it is (landing only reads)
    assert scratch_landing(GOLDEN_LANDING, tmp_path / "unused", load_mappings(None)) == (GOLDEN_LANDING, [])
    laid_out = write_export(
        tmp_path / "laid_out", {"marketplace/payments/p.csv": "a\n", "marketplace/payments/P.CSV": "a\n"}
    )
    landing, not_landed = scratch_landing(laid_out, tmp_path / "unused", load_mappings(None))
    assert landing == laid_out and [f for f, _ in not_landed] == ["marketplace/payments/P.CSV"]

"""Intake: a file of workers in, every row accounted for, the registry changed in one transaction or not at all."""
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from lindung import bulk
from lindung.accounts import audit
from lindung.accounts.models import AuditEvent
from lindung.intake import validate
from lindung.intake.models import ImportBatch, ImportRow, Outcome
from lindung.intake.reader import read_table
from lindung.keys import var_dir
from lindung.personal_data import blind_index_many, encrypt
from lindung.regions.models import Level, Region
from lindung.registry.models import Person
from lindung.registry.segments import read_segments, synonym_table
from lindung.registry.services import REGISTER_COLUMNS, insert_people, update_person

Progress = Callable[[float, str], None]
IDENTITY = ("full_name", "birth_date", "sex")
COMPARED = ("full_name", "birth_place", "birth_date", "sex", "village_code", "address", "phone", "kk", "segment",
            "occupation", "income", "welfare_decile")
# Registry candidates for near-duplicates are fetched by birth date when a file has few distinct dates.
FEW_DATES = 5_000


def no_progress(fraction: float, text: str) -> None:
    pass


@dataclass
class Report:
    file: str
    rows: int = 0
    accepted: int = 0
    unchanged: int = 0
    review: int = 0
    rejected: int = 0
    issue_frame: pl.DataFrame | None = None     # row, column, code, message
    outcome_frame: pl.DataFrame | None = None   # row, status
    batch: int | None = None
    repeat_of: int | None = None

    # Lists of dicts only when asked for: a million of them cost hundreds of MB the web job never needs.
    @property
    def issues(self) -> list[dict]:
        return [] if self.issue_frame is None else self.issue_frame.to_dicts()

    @property
    def outcomes(self) -> list[dict]:
        return [] if self.outcome_frame is None else self.outcome_frame.to_dicts()

    def as_json(self) -> dict:
        report = {k: getattr(self, k) for k in
                  ("file", "rows", "accepted", "unchanged", "review", "rejected", "issues", "outcomes")}
        if self.batch is not None:
            report["batch"] = self.batch
        if self.repeat_of is not None:
            report["already_imported_as_batch"] = self.repeat_of
        return report


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def villages_frame() -> pl.DataFrame:
    rows = Region.objects.filter(level=Level.VILLAGE).values_list("code", "name_key", "parent_id", "parent__name_key")
    return pl.DataFrame(list(rows), schema=["code", "name_key", "district_code", "district_name_key"], orient="row")


def registry_candidates(frame: pl.DataFrame) -> pl.DataFrame:
    """Registered people who could be near-duplicates of the file's rows (same birth date), as a frame."""
    from lindung.intake.dates import parse_dates

    schema = {"person_id": pl.Int64, "full_name": pl.String, "birth_date": pl.Date, "village_code": pl.String}
    people = Person.objects.active()
    if not people.exists():
        return pl.DataFrame(schema=schema | {"nik": pl.String})
    if "birth_date" in frame.columns:
        dates = frame.select(parse_dates(pl.col("birth_date"))).to_series().drop_nulls().unique()
        if 0 < dates.len() <= FEW_DATES:
            people = people.filter(birth_date__in=dates.to_list())
    return bulk.read_frame(people.values_list("id", "full_name", "birth_date", "village_id"), schema).with_columns(
        pl.lit(None, dtype=pl.String).alias("nik"))


class RegionsNotLoaded(RuntimeError):
    """No village is known (the region table was never loaded), so no row's village can be checked."""

    MESSAGES = {
        "id": "Tabel wilayah belum dimuat, sehingga desa tidak dapat diperiksa. Jalankan `lindung regions load` "
              "(./run melakukannya), lalu ulangi.",
        "en": "The region table is not loaded, so no village can be checked. Run `lindung regions load` "
              "(./run does), then try again.",
    }

    def __init__(self):
        super().__init__(self.MESSAGES["en"])

    def message(self, language: str = "id") -> str:
        return self.MESSAGES[language[:2].lower()]


def context_for(frame: pl.DataFrame, today: date) -> validate.Context:
    villages = villages_frame()
    if villages.is_empty():
        raise RegionsNotLoaded
    return validate.Context(
        regency=settings.LINDUNG_REGENCY,
        known_districts=frozenset(Region.objects.filter(level=Level.DISTRICT).values_list("code", flat=True)),
        villages=villages,
        segment_synonyms=synonym_table(read_segments()),
        today=today,
        age_min=settings.LINDUNG_AGE_MIN,
        age_max=settings.LINDUNG_AGE_MAX,
        registry=registry_candidates(frame),
    )


# Above this many NIKs, all active (nik_index, id) pairs are read and joined in Polars instead of an IN list.
MANY_NIKS = 20_000


def with_nik_index(rows: pl.DataFrame) -> pl.DataFrame:
    """Adds each valid NIK's blind index (computed once per distinct NIK)."""
    niks = rows.get_column("nik").drop_nulls().unique()
    indexed = pl.DataFrame({"nik": niks, "nik_index": blind_index_many(niks.to_list(), "nik")},
                           schema={"nik": pl.String, "nik_index": pl.String})
    return rows.join(indexed, on="nik", how="left")


def registered_people(rows: pl.DataFrame) -> pl.DataFrame:
    """For each nik_index of `rows`, the active person who has it: columns nik_index, person_id."""
    wanted = rows.get_column("nik_index").drop_nulls().unique()
    people = Person.objects.active()
    if wanted.len() <= MANY_NIKS:
        people = people.filter(nik_index__in=wanted.to_list())
    found = bulk.read_frame(people.values_list("nik_index", "id"), {"nik_index": pl.String, "person_id": pl.Int64})
    return found.filter(pl.col("nik_index").is_in(wanted.implode()))


REGISTERED_SCHEMA = {
    "person_id": pl.Int64, "full_name": pl.String, "birth_place": pl.String, "birth_date": pl.Date, "sex": pl.String,
    "village_code": pl.String, "address": pl.String, "phone": pl.String, "kk": pl.String, "segment": pl.String,
    "occupation": pl.String, "income": pl.Int64, "welfare_decile": pl.Int8,
}


def registered_values(person_ids: list[int]) -> pl.DataFrame:
    """What the registry holds for these people, in the same columns as a checked row."""
    columns = ["id", "full_name", "birth_place", "birth_date", "sex", "village_id", "address", "phone", "kk",
               "segment_id", "occupation", "income", "welfare_decile"]
    rows = Person.objects.filter(id__in=person_ids).values_list(*columns)
    return pl.DataFrame(list(rows), schema=REGISTERED_SCHEMA, orient="row")


def decide_outcomes(checked: validate.Checked) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One outcome per row: rejected (any error), review, unchanged, or accepted (new, or updated).

    The rows get "reasons" (JSON list of {column, code}) and "candidates" (JSON {"people": [...], "rows":
    [...]}, or {} when there are none); the issues are the checks' plus update.identity for a registered NIK whose name, birth date or
    sex the file changes.
    """
    rows = checked.rows
    errors = checked.issues.filter(pl.col("severity") == "error").get_column("_row").unique()
    if Person.objects.active().exists():
        rows = with_nik_index(rows)
        known = registered_people(rows.filter(~pl.col("_row").is_in(errors.implode())))
    else:
        # Nobody to find: hashing every NIK (a second per million) waits until new people are written.
        rows = rows.with_columns(pl.lit(None, dtype=pl.String).alias("nik_index"))
        known = pl.DataFrame(schema={"nik_index": pl.String, "person_id": pl.Int64})
    rows = rows.drop("registered_person_id").join(known, on="nik_index", how="left").with_columns(
        # The registered person with this very NIK is the row itself, not a possible duplicate.
        pl.col("possible_duplicate_people").list.set_difference(pl.concat_list(pl.col("person_id")).fill_null([]))
    )
    still_doubtful = rows.filter(
        (pl.col("possible_duplicate_people").list.len() > 0) | (pl.col("possible_duplicate_rows").list.len() > 0)
    ).get_column("_row")
    checks = checked.issues.filter((pl.col("code") != "duplicate.possible") | pl.col("_row").is_in(still_doubtful.implode()))
    doubtful = checks.filter(pl.col("severity") == "review").get_column("_row").unique()
    registered = registered_values(known.get_column("person_id").to_list())
    compared = rows.join(registered, on="person_id", how="left", suffix="_registered")
    identity_changed = pl.any_horizontal([_differs(c) for c in IDENTITY])
    anything_changed = pl.any_horizontal([_differs(c) for c in COMPARED])
    rejected = pl.col("_row").is_in(errors.implode())
    status = (
        pl.when(rejected).then(pl.lit(Outcome.REJECTED.value))
        .when(pl.col("person_id").is_not_null() & identity_changed).then(pl.lit(Outcome.REVIEW.value))
        .when(pl.col("person_id").is_not_null() & ~anything_changed).then(pl.lit(Outcome.UNCHANGED.value))
        .when(pl.col("person_id").is_null() & pl.col("_row").is_in(doubtful.implode())).then(pl.lit(Outcome.REVIEW.value))
        .otherwise(pl.lit(Outcome.ACCEPTED.value))
    )
    identity_review = pl.col("person_id").is_not_null() & identity_changed & ~rejected
    issues = pl.concat([
        checks.select("_row", "column", "code"),
        compared.filter(identity_review).select(
            "_row", pl.lit("nik").alias("column"), pl.lit(IDENTITY_CHANGE).alias("code")),
    ])
    people = pl.when(identity_review).then(pl.concat_list(pl.col("person_id"))).otherwise(
        pl.col("possible_duplicate_people"))
    outcomes = (
        compared.with_columns(status.alias("status"), people.alias("candidate_people"))
        .drop([f"{c}_registered" for c in COMPARED])
        .join(reasons_json(issues), on="_row", how="left")
    )
    return outcomes.with_columns(pl.col("reasons").fill_null("[]"), candidates_json(outcomes)), issues


def candidates_json(outcomes: pl.DataFrame) -> pl.Series:
    """Per row, its candidates as JSON {"people": [...], "rows": [...]}, or "{}" when there are none (most rows:
    formatted only for the others, a few in a hundred)."""
    some = (pl.col("candidate_people").list.len().fill_null(0) + pl.col("possible_duplicate_rows").list.len()
            .fill_null(0)) > 0
    having = outcomes.with_row_index("_at").filter(some).select(
        "_at", pl.format('{{"people":[{}],"rows":[{}]}}', _joined("candidate_people"), _joined("possible_duplicate_rows")).alias("candidates"))
    return pl.repeat("{}", outcomes.height, dtype=pl.String, eager=True).scatter(
        having.get_column("_at"), having.get_column("candidates")).alias("candidates")


IDENTITY_CHANGE = "update.identity"
OUTSIDE_SCOPE = "village.outside_scope"


def outside_scope(checked: validate.Checked, user) -> validate.Checked:
    """A village operator registers only people of their own villages; other rows are rejected."""
    if user is None or user.has_perm("registry.view_all_areas"):
        return checked
    allowed = list(user.villages.values_list("code", flat=True))
    foreign = checked.rows.filter(pl.col("village_code").is_not_null() & ~pl.col("village_code").is_in(allowed))
    extra = foreign.select("_row", pl.lit("village").alias("column"), pl.lit(OUTSIDE_SCOPE).alias("code"),
                           pl.lit("error").alias("severity"))
    return validate.Checked(rows=checked.rows, issues=pl.concat([checked.issues, extra.cast(checked.issues.schema)]))


def reasons_json(issues: pl.DataFrame) -> pl.DataFrame:
    """Per row, its issues as a JSON list (codes and column names are plain identifiers)."""
    return issues.sort("_row", "column").group_by("_row").agg(
        pl.format('{{"column":"{}","code":"{}"}}', pl.col("column").fill_null(""), "code").str.join(",")
    ).select("_row", pl.format("[{}]", pl.col("column")).alias("reasons"))


def _joined(column: str) -> pl.Expr:
    return pl.col(column).fill_null(pl.lit([], dtype=pl.List(pl.Int64))).list.eval(
        pl.element().cast(pl.String)).list.join(",")


def _differs(column: str) -> pl.Expr:
    """The file gives a value for `column` and it is not the registered one. An empty cell erases nothing."""
    return pl.col(column).is_not_null() & pl.col(column).ne_missing(pl.col(f"{column}_registered"))


def run_intake(path: Path, *, source: str, user=None, dry_run: bool = False, filename: str | None = None,
               today: date | None = None, progress: Progress = no_progress, batch: ImportBatch | None = None) -> Report:
    """Check a file and, unless `dry_run`, apply it. A repeat of an imported file changes nothing."""
    today = today or timezone.localdate()
    filename = filename or path.name
    progress(0.05, "reading")
    table = read_table(path, filename=filename)

    def decided() -> tuple[pl.DataFrame, Report]:
        checked = outside_scope(validate.check(table.frame, context_for(table.frame, today)), user)
        outcomes, issues = decide_outcomes(checked)
        return outcomes, report_of(filename, issues, outcomes)

    progress(0.25, "checking")
    outcomes, report = decided()
    if dry_run:
        progress(1.0, "done")
        return report
    sha = file_sha256(path)
    batch = batch or ImportBatch(filename=filename, source=source, uploaded_by=user, sha256=sha)
    batch.sha256, batch.header_row = sha, table.header_row
    if (earlier := imported_before(batch)) is not None:
        return repeated(batch, earlier, progress)
    batch.stored_as = str(keep_original(path, sha, filename))
    progress(0.65, "writing")
    try:
        with transaction.atomic():
            # Held from the start, so that two imports never wait on each other's rows (a deadlock).
            bulk.hold_table(Person)
            write_batch(batch, outcomes, report, source=source, user=user)
    except IntegrityError:
        # The check ran before the register was held: someone registered one of the file's NIKs since. Check
        # again, holding the register so that nobody can, and write what that check decides.
        del outcomes, report
        with transaction.atomic():
            bulk.hold_table(Person)
            outcomes, report = decided()
            if (earlier := imported_before(batch)) is not None:
                return repeated(batch, earlier, progress)
            write_batch(batch, outcomes, report, source=source, user=user)
    finish(batch)
    report.batch = batch.pk
    progress(1.0, "done")
    return report


def imported_before(batch: ImportBatch) -> ImportBatch | None:
    """The import of the same file (by its SHA-256) that has finished, not one of its repeats."""
    return (ImportBatch.objects.filter(sha256=batch.sha256, state=ImportBatch.State.DONE, repeat_of__isnull=True)
            .exclude(pk=batch.pk).first())


def repeated(batch: ImportBatch, earlier: ImportBatch, progress: Progress) -> Report:
    """The batch of a file imported before: recorded as such, nothing else written. Its report is what the
    earlier import did with the file's rows (checked again now, by someone else, they could read otherwise:
    rows another operator could not import would look accepted, though nothing is)."""
    report = stored_report(earlier, batch.filename)
    batch.repeat_of = earlier
    report.repeat_of = earlier.pk
    record_counts(batch, report)
    batch.stored_as = earlier.stored_as
    finish(batch)
    report.batch = batch.pk
    progress(1.0, "already imported")
    return report


def write_batch(batch: ImportBatch, outcomes: pl.DataFrame, report: Report, *, source: str, user=None) -> None:
    """The batch, its rows' outcomes applied to the register, and the audit record (inside a transaction)."""
    record_counts(batch, report)
    batch.save()
    apply_outcomes(batch, outcomes, source=source, user=user)
    audit.record(AuditEvent.Action.CREATE, target=batch, user=user,
                 summary=f"intake {batch.filename}: {report.rows} rows, {report.accepted} accepted, "
                         f"{report.unchanged} unchanged, {report.review} review, {report.rejected} rejected")


def stored_report(batch: ImportBatch, filename: str) -> Report:
    """The report of a finished import, from what it stored: each row's outcome and reasons."""
    outcomes = outcome_frame(batch)
    issues = outcomes.select(pl.col("_row"), pl.col("reasons").str.json_decode(REASON).alias("reason")).explode(
        "reason").filter(pl.col("reason").is_not_null()).select("_row", pl.col("reason").struct.unnest())
    return report_of(filename, issues.with_columns(pl.col("column").fill_null("")), outcomes)


def report_of(filename: str, issues: pl.DataFrame, outcomes: pl.DataFrame) -> Report:
    counts = dict(outcomes.group_by("status").len().iter_rows())
    issues = issues.sort("_row", "column").select(
        pl.col("_row").alias("row"), "column", "code",
        pl.col("code").replace_strict(messages(), default="").alias("message"),
    )
    return Report(
        file=filename,
        rows=outcomes.height,
        accepted=counts.get("accepted", 0),
        unchanged=counts.get("unchanged", 0),
        review=counts.get("review", 0),
        rejected=counts.get("rejected", 0),
        issue_frame=issues,
        outcome_frame=outcomes.select(pl.col("_row").alias("row"), "status").sort("row"),
    )


INTAKE_MESSAGES = {
    OUTSIDE_SCOPE: (
        "Desa ini bukan desa yang Anda layani. Kirim baris ini lewat operator desanya atau petugas dinas.",
        "This village is not one you serve. Send this row through its own village operator or an officer.",
    ),
    IDENTITY_CHANGE: (
        "NIK ini sudah terdaftar dengan nama, tanggal lahir, atau jenis kelamin lain. Petugas akan memeriksanya.",
        "This NIK is registered with another name, birth date or sex. An officer will review it.",
    ),
}


def messages() -> dict[str, str]:
    """Every code's message in the active language."""
    own = {code: pair[0 if language() == "id" else 1] for code, pair in INTAKE_MESSAGES.items()}
    return validate.message_table(language()) | own


def language() -> str:
    from django.utils.translation import get_language

    return "en" if (get_language() or "id").startswith("en") else "id"


def record_counts(batch: ImportBatch, report: Report) -> None:
    for name in ("rows", "accepted", "unchanged", "review", "rejected"):
        setattr(batch, name, getattr(report, name))


def finish(batch: ImportBatch) -> None:
    batch.state = ImportBatch.State.DONE
    batch.progress = 100
    batch.finished_at = timezone.now()
    batch.save()


def keep_original(path: Path, sha: str, filename: str) -> Path:
    """The uploaded file, kept so the operator can download it back annotated."""
    folder = var_dir() / "intake"
    folder.mkdir(exist_ok=True)
    kept = folder / f"{sha}{Path(filename).suffix.lower()}"
    if not kept.exists():
        shutil.copyfile(path, kept)
    return kept


def apply_outcomes(batch: ImportBatch, outcomes: pl.DataFrame, *, source: str, user=None) -> None:
    """Register the new people (each keeping the batch and row it came from, which is that row's outcome),
    update the registered ones, and record the outcome of every other row."""
    registers = (pl.col("status") == Outcome.ACCEPTED.value) & pl.col("person_id").is_null()
    new = outcomes.filter(registers)
    if new.height:
        # decide_outcomes found an empty registry and left the NIKs unhashed: insert_people hashes them while it
        # writes, for new people only.
        indexed = ["nik_index"] if new.get_column("nik_index").null_count() == 0 else []
        insert_people(new.select("_row", *REGISTER_COLUMNS, *indexed), source=source, intake_batch=batch.pk)
    others = outcomes.filter(~registers)
    apply_updates(others.filter(pl.col("status") == Outcome.ACCEPTED.value), source=source, user=user)
    # A new person's row with something to say (no such rule yet: any issue now rejects or holds a row) keeps its
    # reasons in an outcome row too; outcome_frame() then takes that one.
    record_rows(batch, outcomes.filter(~registers | (pl.col("reasons") != "[]")))


def apply_updates(updates: pl.DataFrame, *, source: str, user=None) -> None:
    """Registered people whose other fields the file changes (usually few); empty cells change nothing."""
    people = Person.objects.in_bulk(updates.get_column("person_id").to_list())
    fields_of = {"village_code": "village_id", "segment": "segment_id"}
    for row in updates.iter_rows(named=True):
        fields = {fields_of.get(c, c): row[c] for c in COMPARED if c not in IDENTITY and row[c] is not None}
        update_person(people[row["person_id"]], source=source, user=user, **fields)


def record_rows(batch: ImportBatch, outcomes: pl.DataFrame) -> None:
    """The outcome of each row of `outcomes` (not the rows that registered someone: see apply_outcomes); the values
    of rows held for review are kept, encrypted, for the decision."""
    held = outcomes.filter(pl.col("status") == Outcome.REVIEW.value).select("_row", *REGISTER_COLUMNS)
    sealed = pl.DataFrame({
        "_row": held.get_column("_row"),
        "values": [encrypt(json.dumps(row, default=_plain), "intake_row") for row in held.drop("_row").iter_rows(named=True)],
    }, schema={"_row": pl.Int64, "values": pl.String})
    rows = outcomes.join(sealed, on="_row", how="left").select(
        pl.lit(batch.pk).alias("batch"),
        pl.col("_row").alias("row"),
        "status",
        pl.col("person_id").alias("person"),
        "values",
        "reasons",
        "candidates",
        pl.lit("").alias("decision"),
    )
    bulk.insert_rows(ImportRow, rows.columns, rows.iter_rows())


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot keep {type(value).__name__} in a held row")


def annotated_file(batch: ImportBatch) -> Path | None:
    """The batch's original file with each row's outcome and reasons added, in the active language: the status
    as a word ("ditolak"), the reasons under the file's own column headers, and an officer's decision on a row
    held for review. Written once per language and state of the review, and kept."""
    from lindung.intake.writer import write_annotated

    source = Path(batch.stored_as)
    if not source.exists():
        return None
    decisions = bulk.read_frame(batch.outcome_batch.outcomes.exclude(decision="").values_list("row", "decision"),
                                {"_row": pl.Int64, "decision": pl.String})
    out = var_dir() / "intake" / f"batch-{batch.pk}-status-{language()}-{decisions.height}{source.suffix}"
    if out.exists():
        return out
    table = read_table(source, filename=batch.filename)
    decided = decisions.with_columns(pl.format("{}: {}", pl.lit(gettext("Officer's decision")), pl.col("decision").replace_strict(
        {d.value: str(d.label) for d in ImportRow.Decision}, default=pl.col("decision"))).alias("decision"))
    texts = outcome_frame(batch).join(decided, on="_row", how="left").select(
        "_row",
        pl.col("status").replace_strict({o.value: str(o.label) for o in Outcome}, default=pl.col("status")),
        pl.concat_str(reasons_text(pl.col("reasons"), table.headers), pl.col("decision"), separator="; ", ignore_nulls=True)
        .alias("reasons"),
    )
    return write_annotated(table, source, texts, out)


def outcome_frame(batch: ImportBatch) -> pl.DataFrame:
    """Every row's outcome (columns "_row", "status", "reasons" as stored): its ImportRow, or for a row that
    registered a new person, that person's intake_row."""
    schema = {"_row": pl.Int64, "status": pl.String, "reasons": pl.String}
    batch = batch.outcome_batch
    recorded = bulk.read_frame(batch.outcomes.values_list("row", "status", "reasons"), schema)
    registered = bulk.read_frame(Person.objects.filter(intake_batch=batch).values_list("intake_row"), {"_row": pl.Int64})
    registered = registered.filter(~pl.col("_row").is_in(recorded.get_column("_row").implode()))
    return pl.concat([recorded, registered.with_columns(pl.lit(Outcome.ACCEPTED.value).alias("status"),
                                                        pl.lit("[]").alias("reasons"))]).sort("_row")


REASON = pl.List(pl.Struct({"column": pl.String, "code": pl.String}))


def reasons_text(reasons_json: pl.Expr, headers: dict[str, str] | None = None) -> pl.Expr:
    """A row's reasons (JSON as stored) as one readable text, "column: message; …" — reason_text() per column;
    with `headers` (canonical name -> the file's header), columns are named as the file names them."""
    column = pl.element().struct.field("column").fill_null("")
    if headers:
        column = column.replace_strict(headers, default=column)
    message = pl.element().struct.field("code").replace_strict(messages(), default=pl.element().struct.field("code"))
    return reasons_json.str.json_decode(REASON).list.eval(
        pl.when(column != "").then(pl.format("{}: {}", column, message)).otherwise(message)
    ).list.join("; ")


def reason_text(reason: dict) -> str:
    message = messages().get(reason["code"], reason["code"])
    return f"{reason['column']}: {message}" if reason.get("column") else message

"""BPJS's claim status file in: CSV or XLSX with the claim number or NIK, status, amount paid, date and reason.

Every row gets an outcome: changed, unchanged (the claim is already so: importing the same file twice
changes nothing) or error, with the reason in Indonesian and English. Files are small (a regency's claims
of a few weeks), so each row's claim is moved by services.change_status, whose checks and history apply.
"""
import hashlib
import re
from datetime import date, datetime
from pathlib import Path

import python_calamine
from django.db import transaction

from lindung.claims.models import ClaimStatus, Incident, StatusImport
from lindung.claims.services import ClaimError, change_status
from lindung.intake.headers import HEADER_SEARCH_ROWS
from lindung.intake.reader import UnreadableFile, cell_text, csv_records, decode, detect_format, head_encoding
from lindung.money import parse_rupiah
from lindung.personal_data import blind_index
from lindung.registry.models import Person

# The columns of a status file, as BPJS branches and officers write them.
HEADERS = {
    "claim": ("nomor klaim", "no klaim", "klaim", "claim number", "claim", "claim no"),
    "nik": ("nik", "nomor induk kependudukan", "no ktp", "nik peserta"),
    "status": ("status", "status klaim", "claim status"),
    "amount": ("jumlah dibayar", "nominal dibayar", "dibayar", "jumlah", "amount paid", "amount", "paid"),
    "date": ("tanggal", "tanggal status", "tanggal bayar", "tgl", "date", "paid on", "status date"),
    "reason": ("keterangan", "alasan", "alasan penolakan", "reason", "note", "remarks"),
}
STATUS_WORDS = {
    ClaimStatus.PAID: ("dibayar", "bayar", "lunas", "paid"),
    ClaimStatus.REJECTED: ("ditolak", "tolak", "rejected"),
    ClaimStatus.SUBMITTED: ("diajukan", "diproses", "proses", "submitted", "in process"),
    ClaimStatus.DOCUMENTS_COMPLETE: ("berkas lengkap", "dokumen lengkap", "documents complete"),
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S")
CLAIM_NUMBER = re.compile(r"KLM-?0*(\d+)", re.I)


class StatusFileError(ValueError):
    """The file as a whole cannot be read; message 'Indonesian / English'."""


def _normal(text) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text or "").lower()).strip()


LOOKUP = {_normal(h): key for key, spellings in HEADERS.items() for h in spellings}
STATUS_LOOKUP = {_normal(w): status for status, words in STATUS_WORDS.items() for w in words}


def read_rows(path: Path) -> list[dict]:
    """The rows under the header row as {"row": spreadsheet row, key: text or None}."""
    try:
        kind = detect_format(path)
        if kind == "csv":
            raw = path.read_bytes()
            text = decode(raw, head_encoding(raw[:65536]))
            first = text.splitlines()[0] if text else ""
            delimiter = max(",;\t|", key=first.count)
            records = csv_records(text, delimiter)
        else:
            with open(path, "rb") as file:
                sheet = python_calamine.CalamineWorkbook.from_filelike(file).get_sheet_by_index(0)
                records = [[cell_text(c) for c in row] for row in sheet.to_python(skip_empty_area=False)]
    except UnreadableFile as error:
        raise StatusFileError(f"{error.message('id')} / {error.message('en')}") from None
    except (python_calamine.CalamineError, OSError) as error:
        raise StatusFileError(f"Berkas tidak dapat dibaca / the file cannot be read: {error}") from None
    for index, record in enumerate(records[:HEADER_SEARCH_ROWS]):
        columns = {}
        for position, cell in enumerate(record):
            key = LOOKUP.get(_normal(cell))
            if key and key not in columns:
                columns[key] = position
        if "status" in columns and ("claim" in columns or "nik" in columns):
            break
    else:
        raise StatusFileError(
            "Baris judul kolom tidak ditemukan: berkas harus memuat kolom Nomor Klaim atau NIK, dan Status "
            "(serta Jumlah Dibayar, Tanggal, Keterangan) / no header row found: the file must have the columns "
            "Claim number or NIK, and Status (and Amount paid, Date, Reason)"
        )
    rows = []
    for number, record in enumerate(records[index + 1:], start=index + 2):
        cells = {key: (record[i].strip() or None) if i < len(record) and record[i] else None
                 for key, i in columns.items()}
        if any(cells.values()):
            rows.append({"row": number, **cells})
    return rows


def _amount(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return parse_rupiah(text)
    except ValueError:
        raise ClaimError(f"Jumlah bukan angka Rupiah: {text!r} / the amount is not a Rupiah number: {text!r}") from None


def _date(text: str | None, today: date) -> date:
    if text is None:
        return today
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ClaimError(f"Tanggal tidak dikenali: {text!r} (tulis YYYY-MM-DD atau DD/MM/YYYY) / "
                     f"the date is not understood: {text!r} (write YYYY-MM-DD or DD/MM/YYYY)")


def _claims_by_row(rows: list[dict]) -> dict[int, list[Incident]]:
    """For each row, the claims it names: by number, else the open claims of the person with that NIK."""
    numbers = {r["row"]: int(m.group(1)) for r in rows if r.get("claim") and (m := CLAIM_NUMBER.fullmatch(r["claim"].strip()))}
    niks = {r["row"]: blind_index(re.sub(r"\D", "", r["nik"]), "nik") for r in rows if r.get("nik") and r["row"] not in numbers}
    by_pk = Incident.objects.in_bulk(list(numbers.values()))
    people = dict(Person.objects.filter(nik_index__in=list(niks.values())).values_list("nik_index", "pk"))
    by_person: dict[int, list[Incident]] = {}
    for incident in Incident.objects.filter(person__in=list(people.values())):
        by_person.setdefault(incident.person_id, []).append(incident)
    found = {}
    for row, pk in numbers.items():
        found[row] = [by_pk[pk]] if pk in by_pk else []
    for row, index in niks.items():
        claims = by_person.get(people.get(index), [])
        found[row] = [c for c in claims if not c.closed] or claims
    return found


def _outcome(row: dict, outcome: str, message: str = "", claim: str = "", status: str = "") -> dict:
    indonesian, _, english = message.partition(" / ")
    return {"row": row["row"], "claim": claim, "status": status, "outcome": outcome,
            "message_id": indonesian, "message_en": english or indonesian}


def import_status_file(path: Path, filename: str, *, user=None, today: date | None = None) -> StatusImport:
    """Apply BPJS's status file; every row gets an outcome. Raises StatusFileError for an unreadable file."""
    from django.utils import timezone

    today = today or timezone.localdate()
    path = Path(path)
    rows = read_rows(path)
    claims = _claims_by_row(rows)
    with transaction.atomic():  # one commit for the file, not one per row
        return _apply(rows, claims, path, filename, user, today)


def _apply(rows, claims, path: Path, filename: str, user, today: date) -> StatusImport:
    outcomes, changed = [], 0
    for row in rows:
        found = claims.get(row["row"], [])
        if not row.get("claim") and not row.get("nik"):
            outcomes.append(_outcome(row, "error", "Nomor klaim atau NIK kosong / the claim number and NIK are empty"))
            continue
        if not found:
            outcomes.append(_outcome(row, "error", "Klaim tidak ditemukan untuk nomor atau NIK ini / "
                                                   "no claim was found for this number or NIK"))
            continue
        if len(found) > 1:
            outcomes.append(_outcome(row, "error", "NIK ini punya lebih dari satu klaim terbuka: tulis nomor klaim / "
                                                   "this NIK has more than one open claim: give the claim number"))
            continue
        incident = found[0]
        status = STATUS_LOOKUP.get(_normal(row.get("status")))
        if status is None:
            outcomes.append(_outcome(row, "error", f"Status tidak dikenal: {row.get('status')!r} (tulis dibayar, "
                                                   "ditolak, diajukan atau berkas lengkap) / unknown status: "
                                                   f"{row.get('status')!r} (write paid, rejected, submitted or "
                                                   "documents complete)", incident.number))
            continue
        try:
            moved = change_status(
                incident, status, on=_date(row.get("date"), today), amount=_amount(row.get("amount")),
                reason=row.get("reason") or "", user=user, source=f"file {filename}"[:200], today=today,
            )
        except ClaimError as error:
            outcomes.append(_outcome(row, "error", str(error), incident.number, status))
            continue
        changed += moved
        outcomes.append(_outcome(row, "changed" if moved else "unchanged",
                                 "" if moved else "Klaim sudah berstatus ini / the claim already has this status",
                                 incident.number, status))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return StatusImport.objects.create(filename=filename[:255], sha256=digest, rows=len(rows), changed=changed,
                                       outcomes=outcomes, imported_by=user)

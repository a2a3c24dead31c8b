"""Invoice documents in the form a finance office signs: an XLSX workbook and an A4 PDF.

Both carry the same header (regency, payer, invoice number, month, members, total, paid, outstanding),
the totals per programme, the breakdowns and the signature block of the Head of the Manpower Office and
the Expenditure Treasurer. Only the workbook lists the members, one row each, with the NIK masked; the
PDF gives the breakdown by kecamatan and segment and says how many villages the invoice covers.

Nothing is fetched at run time: the PDF uses a system font (DejaVu Sans) and its URL fetcher refuses
anything but local files and data: URLs.
"""
import io
from datetime import date
from itertools import count
from pathlib import Path

import xlsxwriter
from django.conf import settings
from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext, gettext_noop, trans_real

from lindung.billing.models import ContributionLine, Invoice
from lindung.billing.services import invoice_breakdown
from lindung.months import month_start
from lindung.personal_data import mask_nik
from lindung.regions.models import Region
from lindung.registry.models import Segment

STYLESHEET = Path(__file__).parent / "static" / "billing" / "invoice_document.css"

# The form's wording: the message id (English, for lindung/locale) and the Indonesian the form reads in
# while the catalogue has no translation of that id yet.
TEXTS = {
    "sheet_invoice": (gettext_noop("Invoice"), "Tagihan"),
    "sheet_members": (gettext_noop("Members"), "Peserta"),
    "government": (gettext_noop("Government of %(regency)s"), "Pemerintah %(regency)s"),
    "title": (gettext_noop("BPJS Ketenagakerjaan contribution invoice"), "Tagihan Iuran BPJS Ketenagakerjaan"),
    "payer": (gettext_noop("Payer"), "Pembayar"),
    "number": (gettext_noop("Invoice number"), "Nomor tagihan"),
    "month": (gettext_noop("Contribution month"), "Bulan iuran"),
    "members": (gettext_noop("Members"), "Peserta"),
    "total": (gettext_noop("Billed (Rp)"), "Tagihan (Rp)"),
    "paid": (gettext_noop("Paid (Rp)"), "Dibayar (Rp)"),
    "outstanding": (gettext_noop("Outstanding (Rp)"), "Sisa tagihan (Rp)"),
    "by_programme": (gettext_noop("Breakdown by programme"), "Rincian per program"),
    "by_kecamatan": (gettext_noop("Breakdown by kecamatan"), "Rincian per kecamatan"),
    "by_village": (gettext_noop("Breakdown by village"), "Rincian per desa/kelurahan"),
    "by_segment": (gettext_noop("Breakdown by segment"), "Rincian per segmen"),
    "villages_note": (
        gettext_noop("Villages: %(count)s (the breakdown by village is in the XLSX file)"),
        "Jumlah desa/kelurahan: %(count)s (rincian per desa/kelurahan ada di berkas XLSX)",
    ),
    "code": (gettext_noop("Code"), "Kode"),
    "programme": (gettext_noop("Programme"), "Program"),
    "programmes": (gettext_noop("Programmes"), "Program"),
    "kecamatan": (gettext_noop("Kecamatan"), "Kecamatan"),
    "village": (gettext_noop("Village"), "Desa/Kel."),
    "segment": (gettext_noop("Segment"), "Segmen"),
    "sum": (gettext_noop("Total"), "Jumlah"),
    "payments": (gettext_noop("Payments"), "Pembayaran"),
    "paid_on": (gettext_noop("Paid on"), "Tanggal bayar"),
    "reference": (gettext_noop("Reference"), "Referensi"),
    "amount_received": (gettext_noop("Received (Rp)"), "Diterima (Rp)"),
    "allocated": (gettext_noop("Allocated to members (Rp)"), "Dialokasikan ke peserta (Rp)"),
    "row_number": (gettext_noop("No."), "No."),
    "nik": (gettext_noop("NIK"), "NIK"),
    "name": (gettext_noop("Name"), "Nama"),
    "contribution": (gettext_noop("Contribution (Rp)"), "Iuran (Rp)"),
    "status": (gettext_noop("Status"), "Status"),
    "status_paid": (gettext_noop("paid"), "lunas"),
    "status_unpaid": (gettext_noop("unpaid"), "belum dibayar"),
    "status_partial": (gettext_noop("partly paid"), "dibayar sebagian"),
    "acknowledged": (gettext_noop("Acknowledged,"), "Mengetahui,"),
    "head_of_office": (gettext_noop("Head of the Manpower Office"), "Kepala Dinas Tenaga Kerja"),
    "treasurer": (gettext_noop("Expenditure Treasurer"), "Bendahara Pengeluaran"),
    "place_date": (gettext_noop("%(place)s, %(date)s"), "%(place)s, %(date)s"),
    "signatory_name": (gettext_noop("Name"), "Nama"),
    "signatory_nip": (gettext_noop("NIP"), "NIP"),
    "printed": (gettext_noop("Printed by lindung on %(date)s"), "Dicetak oleh lindung pada %(date)s"),
    "page": (gettext_noop("Page %(page)s of %(pages)s"), "Halaman %(page)s dari %(pages)s"),
}
BLANK = "_" * 28  # a line to write on


def text(key: str, **values) -> str:
    """The form's text `key` in the active language."""
    msgid, indonesian = TEXTS[key]
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language.startswith("id") and msgid not in trans_real.catalog()._catalog:
        translated = indonesian  # not in lindung/locale yet
    else:
        translated = gettext(msgid)
    return translated % values if values else translated


def month_label(month: str, language: str = "id") -> str:
    """'2026-01' -> 'Januari 2026' (language "id") or 'January 2026' ("en")."""
    first = month_start(month)
    with translation.override(language):
        return f"{MONTHS[first.month]} {first.year}"


def day_label(day: date, language: str | None = None) -> str:
    """date(2026, 1, 20) -> '20 Januari 2026'."""
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        return f"{day.day} {MONTHS[day.month]} {day.year}"


# The content, shared by both documents ----------------------------------------------------------------


def invoice_content(invoice: Invoice, printed_on: date | None = None) -> dict:
    """Everything both documents show, in the active language (names of programmes and segments)."""
    invoice = Invoice.objects.select_related("payer").get(pk=invoice.pk)
    regency = Region.objects.filter(code=settings.LINDUNG_REGENCY).values_list("name", flat=True).first()
    regency = regency or settings.LINDUNG_REGENCY
    by_kecamatan = invoice_breakdown(invoice, "kecamatan")
    kecamatan_names = {row["key"]: row["name"] for row in by_kecamatan}
    by_village = [
        {**row, "kecamatan": kecamatan_names.get(row["key"][:8], row["key"][:8])}
        for row in invoice_breakdown(invoice, "village")
    ]
    language = translation.get_language() or settings.LANGUAGE_CODE
    segment_order = {code: i for i, code in enumerate(Segment.objects.values_list("code", flat=True))}
    return {
        "invoice": invoice,
        "regency": regency,
        # "Kabupaten Bekasi" signs in "Bekasi"
        "place": regency.removeprefix("Kabupaten ").removeprefix("Kota "),
        "payer": invoice.payer.name,
        "number": invoice.number,
        "month": month_label(invoice.month, language),
        "by_programme": invoice_breakdown(invoice, "programme"),
        "by_kecamatan": by_kecamatan,
        "by_village": by_village,
        # In the register's order of segments (farmers first), not by code.
        "by_segment": sorted(invoice_breakdown(invoice, "segment"), key=lambda r: segment_order.get(r["key"], 0)),
        "payments": list(
            invoice.payments.order_by("paid_on", "pk").values("paid_on", "reference", "amount", "allocated")
        ),
        "printed": text("printed", date=day_label(printed_on or timezone.localdate(), language)),
    }


def member_rows(invoice: Invoice, programmes: list[str]):
    """One row per member of the invoice: (nik, name, village, segment, programmes, amount, paid).

    One grouped query over the invoice's lines joined to the person; the NIK is decrypted by the
    field as each row is read, and nothing else is made per row.
    """
    per_programme = {f"in_{code}": Count("pk", filter=Q(programme_id=code)) for code in programmes}
    rows = (
        ContributionLine.objects.filter(month=invoice.month, invoice=invoice)
        .order_by()
        .values("person_id", "person__nik", "person__full_name")
        # A member who moved between two runs of the month may have lines in two villages: the first one.
        .annotate(
            first_village=Min("village_id"),
            first_segment=Min("segment_id"),
            billed=Sum("amount"),
            paid_amount=Coalesce(Sum("amount", filter=Q(payment__isnull=False)), 0),
            **per_programme,
        )
        .order_by("first_village", "person__full_name", "person_id")
        .values_list(
            "person__nik", "person__full_name", "first_village", "first_segment", "billed", "paid_amount",
            *per_programme,
        )
    )
    for nik, name, village, segment, amount, paid, *counts in rows.iterator(chunk_size=5_000):
        yield nik, name, village, segment, [code for code, n in zip(programmes, counts) if n], amount, paid


# XLSX -------------------------------------------------------------------------------------------------


def invoice_xlsx(invoice: Invoice, language: str | None = None, printed_on: date | None = None) -> bytes:
    """The invoice as a workbook: sheet "Tagihan" (the signed summary) and sheet "Peserta" (every member)."""
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        content = invoice_content(invoice, printed_on)
        output = io.BytesIO()
        # constant_memory: rows go to a temporary file as they are written, so 75,903 members take a
        # few MB; the price is that each sheet is written top to bottom, never going back a row.
        workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
        formats = _formats(workbook)
        _summary_sheet(workbook, formats, content)
        _members_sheet(workbook, formats, content)
        workbook.set_properties({"title": f"{text('title')} {content['number']}", "author": "lindung"})
        workbook.close()
        return output.getvalue()


def _formats(workbook) -> dict:
    money = "#,##0"
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "bold": workbook.add_format({"bold": True}),
        "small": workbook.add_format({"italic": True, "font_color": "#555555"}),
        "label": workbook.add_format({"bold": True}),
        "money": workbook.add_format({"num_format": money}),
        "money_bold": workbook.add_format({"num_format": money, "bold": True}),
        "head": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}),
        "cell": workbook.add_format({"border": 1}),
        "cell_money": workbook.add_format({"border": 1, "num_format": money}),
        "sum": workbook.add_format({"border": 1, "bold": True}),
        "sum_money": workbook.add_format({"border": 1, "bold": True, "num_format": money}),
        "day": workbook.add_format({"border": 1, "num_format": "dd/mm/yyyy"}),
    }


def _summary_sheet(workbook, f: dict, c: dict) -> None:
    sheet = workbook.add_worksheet(text("sheet_invoice"))
    sheet.set_paper(9)  # A4
    sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.6, right=0.6, top=0.7, bottom=0.7)
    sheet.set_footer(f"&L{c['printed']}&R&P / &N")
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, 5, 17)
    # constant_memory: rows are written strictly top to bottom, each taken from this count.
    rows = count()
    invoice = c["invoice"]
    sheet.write_string(next(rows), 0, text("government", regency=c["regency"]).upper(), f["bold"])
    sheet.write_string(next(rows), 0, text("title"), f["title"])
    sheet.write_string(next(rows), 0, c["printed"], f["small"])
    next(rows)
    for label, value in (
        (text("payer"), c["payer"]),
        (text("number"), c["number"]),
        (text("month"), c["month"]),
    ):
        row = next(rows)
        sheet.write_string(row, 0, label, f["label"])
        sheet.write_string(row, 1, value, f["bold"])
    for label, value in (
        (text("members"), invoice.members),
        (text("total"), invoice.total),
        (text("paid"), invoice.paid),
        (text("outstanding"), invoice.outstanding),
    ):
        row = next(rows)
        sheet.write_string(row, 0, label, f["label"])
        sheet.write_number(row, 1, value, f["money_bold"])

    # Each table: its title, the headings of its two label columns, and (label, label, figures) rows.
    tables = (
        ("by_programme", "code", "programme", [(r["key"], r["name"], r) for r in c["by_programme"]]),
        ("by_kecamatan", "code", "kecamatan", [(r["key"], r["name"], r) for r in c["by_kecamatan"]]),
        ("by_village", "kecamatan", "village", [(r["kecamatan"], r["name"], r) for r in c["by_village"]]),
        ("by_segment", "row_number", "segment", [(i, r["name"], r) for i, r in enumerate(c["by_segment"], 1)]),
    )
    for title, first, second, table in tables:
        next(rows)
        sheet.write_string(next(rows), 0, text(title), f["bold"])
        row = next(rows)
        for column, heading in enumerate((first, second, "members", "total", "paid", "outstanding")):
            sheet.write_string(row, column, text(heading), f["head"])
        for key, name, figures in table:
            row = next(rows)
            if isinstance(key, int):
                sheet.write_number(row, 0, key, f["cell"])
            else:
                sheet.write_string(row, 0, key, f["cell"])
            sheet.write_string(row, 1, name, f["cell"])
            for column, field in enumerate(("members", "total", "paid", "outstanding"), 2):
                sheet.write_number(row, column, figures[field], f["cell_money"])
        row = next(rows)
        sheet.write_blank(row, 0, None, f["sum"])
        sheet.write_string(row, 1, text("sum"), f["sum"])
        # Members counted once each: a member is in both JKK and JKM.
        for column, value in enumerate((invoice.members, invoice.total, invoice.paid, invoice.outstanding), 2):
            sheet.write_number(row, column, value, f["sum_money"])

    if c["payments"]:
        next(rows)
        sheet.write_string(next(rows), 0, text("payments"), f["bold"])
        row = next(rows)
        for column, heading in enumerate(("paid_on", "reference", "amount_received", "allocated")):
            sheet.write_string(row, column, text(heading), f["head"])
        for payment in c["payments"]:
            row = next(rows)
            sheet.write_datetime(row, 0, payment["paid_on"], f["day"])
            sheet.write_string(row, 1, payment["reference"], f["cell"])
            sheet.write_number(row, 2, payment["amount"], f["cell_money"])
            sheet.write_number(row, 3, payment["allocated"], f["cell_money"])

    # The signature block: the head of the office acknowledges, the treasurer signs.
    for left, right in _signature_lines(c):
        row = next(rows)
        if left:
            sheet.write_string(row, 0, left)
        if right:
            sheet.write_string(row, 3, right)


def _signature_lines(c: dict) -> list[tuple[str, str]]:
    """(left, right) lines of the signature block, blank ones included (the space to sign in)."""
    name = f"{text('signatory_name')}: {BLANK}"
    nip = f"{text('signatory_nip')}: {BLANK}"
    return [
        ("", ""),
        ("", ""),
        (text("acknowledged"), text("place_date", place=c["place"], date=BLANK)),
        (text("head_of_office"), text("treasurer")),
        (c["regency"], ""),
        ("", ""),
        ("", ""),
        ("", ""),
        (name, name),
        (nip, nip),
    ]


def _members_sheet(workbook, f: dict, c: dict) -> None:
    sheet = workbook.add_worksheet(text("sheet_members"))
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(1)
    sheet.set_footer(f"&L{c['number']}&R&P / &N")
    for column, width in enumerate((20, 30, 22, 20, 26, 12, 14, 16)):
        sheet.set_column(column, column, width)
    sheet.write_string(0, 0, f"{c['number']} · {c['payer']} · {c['month']}", f["bold"])
    headings = (
        text("nik"), text("name"), text("village"), text("kecamatan"), text("segment"), text("programmes"),
        text("contribution"), text("status"),
    )
    for column, heading in enumerate(headings):
        sheet.write_string(1, column, heading, f["head"])
    sheet.freeze_panes(2, 0)

    villages = {r["key"]: (r["name"], r["kecamatan"]) for r in c["by_village"]}
    segments = {s.code: s.label for s in Segment.objects.all()}
    status = {"paid": text("status_paid"), "unpaid": text("status_unpaid"), "partial": text("status_partial")}
    programmes = [r["key"] for r in c["by_programme"]]
    money = f["money"]
    # The innermost loop of the export (8 cells x every member): plain writes, nothing looked up twice.
    write_string, write_number = sheet.write_string, sheet.write_number
    row = 1
    members = member_rows(c["invoice"], programmes)
    for row, (nik, name, village, segment, codes, amount, paid) in enumerate(members, 2):
        village_name, kecamatan_name = villages.get(village, (village, ""))
        write_string(row, 0, mask_nik(nik))
        write_string(row, 1, name)
        write_string(row, 2, village_name)
        write_string(row, 3, kecamatan_name)
        write_string(row, 4, segments.get(segment, segment))
        write_string(row, 5, ", ".join(codes))
        write_number(row, 6, amount, money)
        write_string(row, 7, status["paid" if paid == amount else "unpaid" if not paid else "partial"])
    sheet.autofilter(1, 0, row, len(headings) - 1)


# PDF --------------------------------------------------------------------------------------------------


def invoice_pdf(invoice: Invoice, language: str | None = None, printed_on: date | None = None) -> bytes:
    """The invoice as an A4 PDF to sign: summary, programmes, kecamatan, segments, signature block."""
    import weasyprint  # loads Pango and friends: only when a PDF is made

    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        content = invoice_content(invoice, printed_on)
        context = {
            **content,
            "t": {key: text(key) for key in TEXTS if "%" not in TEXTS[key][0]},
            "government": text("government", regency=content["regency"]),
            "villages_note": text("villages_note", count=len(content["by_village"])),
            "signature": _signature_lines(content)[2:],
            "footer_css": _footer_css(content["printed"]),
            "language": translation.get_language(),
        }
        html = render_to_string("billing/invoice_document.html", context)
    # No network, ever: only local files (the stylesheet, system fonts) and data: URLs are read.
    fetcher = weasyprint.URLFetcher(allowed_protocols={"file", "data"}, timeout=1)
    stylesheet = weasyprint.CSS(filename=str(STYLESHEET), url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, base_url=str(STYLESHEET.parent), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet])


def _footer_css(printed: str) -> str:
    """The @page footer: who printed it when (left) and 'Halaman 1 dari 2' (right), as CSS content."""
    page = text("page", page="\x00page\x00", pages="\x00pages\x00")
    parts = [
        f"counter({part})" if part in ("page", "pages") else _css_string(part)
        for part in page.split("\x00")
        if part
    ]
    return (
        "@page { @bottom-left { content: %s; } @bottom-right { content: %s; } }"
        % (_css_string(printed), " ".join(parts))
    )


def _css_string(value: str) -> str:
    escaped = "".join(ch if ch.isalnum() or ch in " .,:;-/()" else f"\\{ord(ch):06x}" for ch in value)
    return f'"{escaped}"'

"""The Paritrana self-assessment pack for a year, as PDF (WeasyPrint) and XLSX (xlsxwriter).

The jury asks how many informal workers the regency protects, where, and at what cost, with evidence. The
pack answers from the protection ledger at the reference month (the latest month of the year with
contributions paid: its totals are those of `lindung coverage --month … --json`), the year's trend, the
budget allocated and realised per payer, and the regulations and innovations the officer recorded. The PDF
carries the very drawings of the dashboard (lindung.coverage.drawings): map, trend and breakdowns.
"""
import io
from datetime import date
from pathlib import Path

import xlsxwriter
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lindung.billing.documents import _footer_css, day_label, month_label
from lindung.coverage import drawings
from lindung.coverage.figures import (
    Selection, kecamatan_figures, month_figures, paid_months, regency_name, village_figures,
)
from lindung.coverage.indicators import trend
from lindung.regions.models import Region
from lindung.reports.models import Innovation, Regulation

STYLESHEET = Path(__file__).parent / "static" / "reports" / "report.css"


class ReportError(ValueError):
    """A report that cannot be made, with a message in Indonesian and English."""


def reference_month(year: int) -> str:
    """The latest month of `year` with something paid (ReportError when nothing was paid that year)."""
    months = [month for month in paid_months() if month.startswith(f"{year:04d}-")]
    if not months:
        raise ReportError(
            f"Belum ada iuran yang dibayar untuk tahun {year} / nothing has been paid for {year} yet"
        )
    return months[0]


def _language(language: str | None) -> str:
    return language or translation.get_language() or settings.LANGUAGE_CODE


def tables(figures: dict) -> dict:
    """The breakdowns as table rows (rates written out), and whether they have denominators at all."""
    return {
        "rate_text": drawings.percent(figures["rate"]),
        "denominators": any(row["denominator"] is not None for row in figures["by_kecamatan"]),
        **{key: drawings.with_rates(figures[key]) for key in ("by_kecamatan", "by_segment", "by_sex", "by_age_band")},
    }


def claims_by_kecamatan(figures: dict) -> list[dict]:
    """The kecamatan where claims were paid, in code order: {"code", "name", "claims", "paid"}."""
    paid = figures["claims"]["by_kecamatan"]
    return [{"code": row["code"], "name": row["name"], **paid[row["code"]]}
            for row in figures["by_kecamatan"] if row["code"] in paid]


def paritrana_content(year: int, printed_on: date | None = None) -> dict:
    """Everything both documents show, in the active language."""
    month = reference_month(year)
    figures = month_figures(Selection(month))
    year_trend = trend(f"{year:04d}-01", month)  # January to the reference month
    regency = regency_name()
    budget = figures["budget"]
    return {
        "year": year,
        "month": month,
        "month_name": month_label(month, translation.get_language()),
        "title": _("Paritrana self-assessment %(year)s") % {"year": year},
        "regency": regency,
        "figures": figures,
        "trend": [{**point, "name": month_label(point["month"], translation.get_language())} for point in year_trend],
        "budget_rows": [
            {**row, "realised_text": drawings.percent(row["realised"])}
            for row in budget["payers"]
        ],
        "budget": budget,
        "claims": figures["claims"],
        "claims_by_kecamatan": claims_by_kecamatan(figures),
        "regulations": list(Regulation.objects.filter(issued_on__year__lte=year)),
        "innovations": list(Innovation.objects.filter(year__lte=year)),
        **tables(figures),
        "target_text": drawings.percent(figures["headline"]["target_rate"]),
        "budget_realised_text": drawings.percent(budget["realised"]),
        "printed": _("Printed by lindung on %(date)s") % {"date": day_label(printed_on or timezone.localdate())},
        "drawings": {
            "map": drawings.kecamatan_map(figures["by_kecamatan"]),
            "trend": drawings.trend(year_trend),
            "segment": drawings.breakdown(figures["by_segment"], _("People protected by segment")),
            "sex": drawings.breakdown(figures["by_sex"], _("People protected by sex"), width=340),
            "age_band": drawings.breakdown(figures["by_age_band"], _("People protected by age band"), width=340),
        },
    }


def render_pdf(template: str, context: dict) -> bytes:
    """An A4 PDF of an HTML template, with local fonts and files only (no network, ever)."""
    import weasyprint  # loads Pango and friends: only when a PDF is made

    html = render_to_string(template, {**context, "footer_css": _footer_css(context["printed"]),
                                       "language": translation.get_language()})
    fetcher = weasyprint.URLFetcher(allowed_protocols={"file", "data"}, timeout=1)
    stylesheet = weasyprint.CSS(filename=str(STYLESHEET), url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, base_url=str(STYLESHEET.parent), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet])


def paritrana_pdf(year: int, language: str | None = None, printed_on: date | None = None) -> bytes:
    with translation.override(_language(language)):
        return render_pdf("reports/paritrana.html", paritrana_content(year, printed_on))


# XLSX -------------------------------------------------------------------------------------------------


def paritrana_xlsx(year: int, language: str | None = None, printed_on: date | None = None) -> bytes:
    """The pack as a workbook: one sheet per table of the PDF, figures as numbers."""
    with translation.override(_language(language)):
        c = paritrana_content(year, printed_on)
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output)
        f = {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "bold": workbook.add_format({"bold": True}),
            "small": workbook.add_format({"italic": True, "font_color": "#555555"}),
            "head": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}),
            "cell": workbook.add_format({"border": 1}),
            "number": workbook.add_format({"border": 1, "num_format": "#,##0"}),
            "percent": workbook.add_format({"border": 1, "num_format": "0.0%"}),
            "day": workbook.add_format({"border": 1, "num_format": "dd/mm/yyyy"}),
            "wrap": workbook.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
        }
        figures = c["figures"]
        summary = workbook.add_worksheet(_("Summary"))
        summary.set_column(0, 0, 44)
        summary.set_column(1, 1, 20)
        summary.write_string(0, 0, c["title"], f["title"])
        summary.write_string(1, 0, c["regency"], f["bold"])
        summary.write_string(2, 0, c["printed"], f["small"])
        budget = c["budget"]
        facts = [
            (_("Reference month"), c["month_name"], None),
            (_("People protected"), figures["protected"], "number"),
            (_("Working population"), figures["denominator"], "number"),
            (_("Coverage rate"), figures["rate"], "percent"),
            (_("Budget allocated (Rp)"), budget["allocation"], "number"),
            (_("Committed (Rp)"), budget["committed"], "number"),
            (_("Billed (Rp)"), budget["billed"], "number"),
            (_("Paid (Rp)"), budget["paid"], "number"),
            (_("Budget realised"), budget["realised"], "percent"),
            (_("Claims paid from January to %(month)s") % {"month": c["month_name"]}, c["claims"]["claims"], "number"),
            (_("Claims paid (Rp)"), c["claims"]["paid"], "number"),
        ]
        for row, (label, value, kind) in enumerate(facts, 4):
            summary.write_string(row, 0, label, f["cell"])
            _write(summary, row, 1, value, f[kind] if kind else f["cell"], f["cell"])

        area_headings = [_("People protected"), _("Working population"), _("Coverage rate")]
        for title, key, first in (
            (_("Kecamatan"), "by_kecamatan", _("Kecamatan")),
            (_("Segment"), "by_segment", _("Segment")),
            (_("Sex"), "by_sex", _("Sex")),
            (_("Age band"), "by_age_band", _("Age band")),
        ):
            rows = [[row["code"], row["name"], row["protected"], row["denominator"], row["rate"]]
                    for row in figures[key]]
            rows.append(["", _("Total"), figures["protected"], figures["denominator"], figures["rate"]])
            _table(workbook, f, title, [_("Code"), first, *area_headings], rows,
                   ["cell", "cell", "number", "number", "percent"], widths=[12, 30, 16, 18, 14])
        _table(workbook, f, _("Trend"), [_("Month"), _("Month"), _("People protected")],
               [[p["month"], p["name"], p["protected"]] for p in c["trend"]], ["cell", "cell", "number"],
               widths=[10, 20, 18])
        budget_rows = [[r["name"], r["allocation"], r["committed"], r["billed"], r["paid"], r["realised"]]
                       for r in c["budget_rows"]]
        budget_rows.append([_("Total"), budget["allocation"], budget["committed"], budget["billed"], budget["paid"],
                            budget["realised"]])
        _table(workbook, f, _("Budget"), [_("Payer"), _("Budget allocated (Rp)"), _("Committed (Rp)"),
                                          _("Billed (Rp)"), _("Paid (Rp)"), _("Budget realised")],
               budget_rows, ["cell", "number", "number", "number", "number", "percent"], widths=[30, 18, 18, 18, 18, 14])
        claims = c["claims"]
        _table(workbook, f, _("Claims paid"), [_("Programme"), _("Kecamatan"), _("Claims"), _("Paid (Rp)")],
               [[r["programme"], "", r["claims"], r["paid"]] for r in claims["by_programme"]]
               + [["", r["name"], r["claims"], r["paid"]] for r in c["claims_by_kecamatan"]]
               + [[_("Total"), "", claims["claims"], claims["paid"]]],
               ["cell", "cell", "number", "number"], widths=[14, 30, 12, 20])
        _table(workbook, f, _("Regulations"), [_("Kind"), _("Number"), _("Date"), _("Title")],
               [[r.get_kind_display(), r.number, r.issued_on, r.title] for r in c["regulations"]],
               ["cell", "cell", "day", "wrap"], widths=[28, 24, 12, 60])
        _table(workbook, f, _("Innovations"), [_("Year"), _("Title"), _("Description")],
               [[i.year, i.title, i.description] for i in c["innovations"]], ["cell", "wrap", "wrap"],
               widths=[8, 36, 70])
        workbook.set_properties({"title": c["title"], "author": "lindung"})
        workbook.close()
        return output.getvalue()


def _write(sheet, row, column, value, cell_format, blank_format):
    if value is None or value == "":
        sheet.write_blank(row, column, None, blank_format)
    elif isinstance(value, date):
        sheet.write_datetime(row, column, value, cell_format)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, column, value, cell_format)
    else:
        sheet.write_string(row, column, str(value), cell_format)


def _table(workbook, f, title, headings, rows, kinds, widths):
    sheet = workbook.add_worksheet(title[:31])
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    for column, heading in enumerate(headings):
        sheet.write_string(0, column, heading, f["head"])
    for row, values in enumerate(rows, 1):
        for column, (value, kind) in enumerate(zip(values, kinds)):
            _write(sheet, row, column, value, f[kind], f["cell"])
    sheet.freeze_panes(1, 0)


# The village report ----------------------------------------------------------------------------------


def village_content(code: str, month: str | None = None, printed_on: date | None = None) -> dict:
    """One village's figures for its head: the month (the latest paid by default), trend, breakdowns, map."""
    village = Region.objects.select_related("parent").get(code=code)
    months = paid_months()
    month = month or (months[0] if months else None)
    if month is None:
        raise ReportError("Belum ada iuran yang dibayar / nothing has been paid yet")
    figures = village_figures(month, code)
    neighbours = kecamatan_figures(Selection(month), code[:8])
    return {
        "village": village,
        "kecamatan": village.parent,
        "title": _("Coverage report of %(name)s") % {"name": village.name},
        "regency": regency_name(),
        "month": month,
        "month_name": month_label(month, translation.get_language()),
        "figures": figures,
        "trend": [{**p, "name": month_label(p["month"], translation.get_language())} for p in figures["trend"]],
        "neighbours": drawings.with_rates(neighbours["by_village"]),
        **tables(figures),
        "printed": _("Printed by lindung on %(date)s") % {"date": day_label(printed_on or timezone.localdate())},
        "drawings": {
            "map": drawings.village_map(code[:8], neighbours["by_village"]),
            "trend": drawings.trend(figures["trend"]),
            "segment": drawings.breakdown(figures["by_segment"], _("People protected by segment")),
            "sex": drawings.breakdown(figures["by_sex"], _("People protected by sex"), width=340),
            "age_band": drawings.breakdown(figures["by_age_band"], _("People protected by age band"), width=340),
        },
    }


def village_pdf(code: str, month: str | None = None, language: str | None = None,
                printed_on: date | None = None) -> bytes:
    with translation.override(_language(language)):
        return render_pdf("reports/village.html", village_content(code, month, printed_on))

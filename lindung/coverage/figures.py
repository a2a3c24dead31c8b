"""The coverage figures the dashboard and the reports show, named and ordered for tables and charts.

The figures are lindung.coverage.dashboard's (read from the per-month cells, never the contribution lines):
this module only reshapes them into rows — {"code", "name", "protected", "denominator", "rate"} for every
breakdown, all keys present (all 23 kecamatan, every segment, both sexes, every age band) — so that a table,
a bar chart and a map read them alike, and adds a village's figures for the village report.
"""
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Sum
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from lindung.billing.models import Invoice
from lindung.coverage.dashboard import dashboard, kecamatan_detail, rate
from lindung.coverage.indicators import AGE_BANDS, OTHER_AGE, cells
from lindung.months import add_months, months_between
from lindung.regions.models import Region
from lindung.registry.models import Segment, Sex

TREND_MONTHS = 12


@dataclass(frozen=True)
class Selection:
    """Which protected people the figures count: a month, and optionally one segment and one payer."""

    month: str
    segment: str | None = None
    payer: int | None = None


def paid_months() -> list[str]:
    """Months with something paid, newest first (from the invoices: a few rows a month, never the lines)."""
    return list(
        Invoice.objects.filter(paid__gt=0).order_by("-month").values_list("month", flat=True).distinct()
    )


def _row(code: str, name: str, protected: int, denominator: int | None = None) -> dict:
    return {"code": code, "name": name, "protected": protected, "denominator": denominator,
            "rate": rate(protected, denominator)}


def _breakdown_rows(figures: dict) -> dict:
    """dashboard()'s segment, sex and age band figures as rows with their names in the active language."""
    return {
        "by_segment": [_row(row["code"], row["label"], row["protected"]) for row in figures["by_segment"]],
        "by_sex": [_row(code, capfirst(label), figures["by_sex"].get(code, 0)) for code, label in Sex.choices],
        "by_age_band": [
            _row(name, name if name != OTHER_AGE else _("other ages"), figures["by_age_band"].get(name, 0))
            for name in [band for band, _low, _high in AGE_BANDS] + [OTHER_AGE]
        ],
    }


def budget_figures(figures: dict) -> dict:
    """dashboard()'s budget in Rupiah as the screens name it: {"year", "allocation", "committed", "billed",
    "paid", "realised", "payers": [{"name", "allocation", "committed", "billed", "paid", "realised"}]};
    realised = paid / allocation (None without an allocation)."""
    year = figures["year"]
    return {
        "year": year, "allocation": figures["allocated"], "committed": figures["committed"],
        "billed": figures["billed"], "paid": figures["paid"], "realised": rate(figures["paid"], figures["allocated"]),
        "payers": [
            {"name": row["name"], "allocation": row["allocated"], "committed": row["committed"],
             "billed": row["billed"], "paid": row["paid"], "realised": rate(row["paid"], row["allocated"])}
            for row in figures["payers"]
        ],
    }


def month_figures(selection: Selection) -> dict:
    """The dashboard's figures for a selection.

    {"month", "protected", "denominator", "rate", "headline" (dashboard()'s: flows, target…),
     "by_kecamatan", "by_segment", "by_sex", "by_age_band": [row], "trend": [{"month", "protected"}] (the 12
     months up to the selected one), "budget": budget_figures(), "claims": dashboard()'s claims paid}; a row is {"code", "name", "protected",
    "denominator", "rate"} (denominator and rate None when no working population is recorded for it).
    """
    figures = dashboard(selection.month, selection.segment, selection.payer)
    headline = figures["headline"]
    return {
        "month": selection.month,
        "protected": headline["protected"],
        "denominator": headline["denominator"],
        "rate": headline["rate"],
        "headline": headline,
        "by_kecamatan": figures["by_kecamatan"],
        **_breakdown_rows(figures),
        "trend": figures["trend"],
        "budget": budget_figures(figures["budget"]),
        "claims": figures["claims"],
    }


def kecamatan_figures(selection: Selection, kecamatan: str) -> dict:
    """One kecamatan's villages for a selection: {"protected", "denominator", "rate", "by_village": [row]}."""
    figures = kecamatan_detail(selection.month, kecamatan, selection.segment, selection.payer)
    return {**figures["kecamatan"], "by_village": figures["by_village"]}


def village_figures(month: str, village: str) -> dict:
    """One village's figures for the village report: {"protected", "by_segment", "by_sex", "by_age_band":
    [row], "trend": [{"month", "protected"}] (12 months)}, summed from the village's cells."""
    rows = cells(month, villages=True).filter(village=village)
    by = {
        dimension: dict(rows.values_list(dimension).annotate(n=Sum("people")))
        for dimension in ("segment", "sex", "age_band")
    }
    months = months_between(add_months(month, 1 - TREND_MONTHS), month)
    by_month = dict(cells(months, villages=True).filter(village=village).values_list("month").annotate(n=Sum("people")))
    segments = Segment.objects.order_by("sort", "code")
    return {
        "protected": sum(by["sex"].values()),
        "denominator": None,
        "rate": None,
        **_breakdown_rows({
            "by_segment": [{"code": s.code, "label": s.label, "protected": by["segment"].get(s.code, 0)} for s in segments],
            "by_sex": by["sex"],
            "by_age_band": by["age_band"],
        }),
        "by_kecamatan": [],
        "trend": [{"month": m, "protected": by_month.get(m, 0)} for m in months],
    }


def regency_name() -> str:
    return Region.objects.filter(code=settings.LINDUNG_REGENCY).values_list("name", flat=True).first() or settings.LINDUNG_REGENCY

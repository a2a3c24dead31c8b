"""The coverage figures the dashboard and the reports show, named and ordered for tables and charts.

Counting is the protection ledger's (see lindung/coverage/indicators.py): a person is protected in a month
when one of their contribution lines for it is paid, and counted once in every breakdown. This module only
asks for the month's figures (optionally for one segment and one payer), joins them with the names of
kecamatan, villages, segments and sexes, and adds the rates where a denominator is known.

Every list covers all its keys (all 23 kecamatan, every segment, both sexes, every age band), with 0 where
nobody is protected, so that a table and a map always show every area.
"""
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from lindung.billing.models import ContributionLine, Invoice
from lindung.coverage.indicators import AGE_BANDS, OTHER_AGE, age_band_sql
from lindung.enrolment.budget import budget_status
from lindung.months import add_months, month_start, months_between
from lindung.programmes.models import Payer
from lindung.regions.models import Region
from lindung.regions.services import districts_of
from lindung.registry.models import Person, Segment, Sex

TREND_MONTHS = 12


@dataclass(frozen=True)
class Selection:
    """Which protected people the figures count: a month, and optionally one segment, one payer, one area.

    area: a kecamatan or village code; people billed in it (or in a village of it) that month.
    """

    month: str
    segment: str | None = None
    payer: int | None = None
    area: str | None = None


def _filters(selection: Selection) -> tuple[str, list[str], list]:
    """(join, conditions, parameters) narrowing the paid lines `l` to the selection's segment, payer and area."""
    join, where, params = "", ["l.payment_id IS NOT NULL"], []
    if selection.segment:
        where.append("l.segment_id = %s")
        params.append(selection.segment)
    if selection.payer:
        join = f"JOIN {connection.ops.quote_name(Invoice._meta.db_table)} i ON i.id = l.invoice_id"
        where.append("i.payer_id = %s")
        params.append(selection.payer)
    if selection.area:
        where.append("(l.village_id = %s OR l.village_id LIKE %s)")
        params += [selection.area, f"{selection.area}.%"]
    return join, where, params


def paid_months() -> list[str]:
    """Months with something paid, newest first (from the invoices: a few rows a month, never the lines)."""
    return list(
        Invoice.objects.filter(paid__gt=0).order_by("-month").values_list("month", flat=True).distinct()
    )


def rate(protected: int, denominator: int | None) -> float | None:
    return protected / denominator if denominator else None


def _grouped(selection: Selection) -> list[tuple]:
    """(village, segment, sex, age band, people) for the people the selection protects.

    One statement, as indicators.coverage() counts: the paid lines reduced to one row per person
    (lowest village and segment when they differ), joined to the register for sex and birth date.
    """
    line = connection.ops.quote_name(ContributionLine._meta.db_table)
    person = connection.ops.quote_name(Person._meta.db_table)
    band, band_params = age_band_sql(month_start(selection.month))
    join, where, params = _filters(selection)
    where.append("l.month = %s")
    params.append(selection.month)
    sql = f"""
        SELECT c.village, c.segment, p.sex, {band} AS band, COUNT(*)
        FROM (
            SELECT l.person_id, MIN(l.village_id) AS village, MIN(l.segment_id) AS segment
            FROM {line} l {join}
            WHERE {' AND '.join(where)}
            GROUP BY l.person_id
        ) c
        JOIN {person} p ON p.id = c.person_id
        GROUP BY c.village, c.segment, p.sex, band
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*band_params, *params])
        return cursor.fetchall()


def trend_figures(selection: Selection, months: int = TREND_MONTHS) -> list[dict]:
    """People the selection protects in each of the `months` months up to its month: [{"month", "protected"}]."""
    first = add_months(selection.month, -(months - 1))
    line = connection.ops.quote_name(ContributionLine._meta.db_table)
    join, where, params = _filters(selection)
    where.append("l.month >= %s AND l.month <= %s")
    params += [first, selection.month]
    sql = f"SELECT l.month, COUNT(DISTINCT l.person_id) FROM {line} l {join} WHERE {' AND '.join(where)} GROUP BY l.month"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = dict(cursor.fetchall())
    return [{"month": month, "protected": counts.get(month, 0)} for month in months_between(first, selection.month)]


def _rows(keys_and_labels, counts: dict, denominators: dict | None = None) -> list[dict]:
    denominators = denominators or {}
    return [
        {
            "code": code, "name": label, "protected": counts.get(code, 0),
            "denominator": denominators.get(code), "rate": rate(counts.get(code, 0), denominators.get(code)),
        }
        for code, label in keys_and_labels
    ]


def month_figures(selection: Selection) -> dict:
    """The dashboard's figures for a selection.

    {"month", "protected", "denominator", "rate", "by_kecamatan": [row], "by_segment": [row], "by_sex": [row],
     "by_age_band": [row], "trend": [{"month", "protected"}] (the 12 months up to the selected one),
     "budget": {...} or None}; a row is {"code", "name", "protected", "denominator", "rate"} (denominator and
    rate None when no working population is recorded for it).
    """
    by_kecamatan, by_segment, by_sex, by_band = {}, {}, {}, {}
    for village, segment, sex, band, n in _grouped(selection):
        kecamatan = village[:8]
        by_kecamatan[kecamatan] = by_kecamatan.get(kecamatan, 0) + n
        by_segment[segment] = by_segment.get(segment, 0) + n
        by_sex[sex] = by_sex.get(sex, 0) + n
        by_band[band] = by_band.get(band, 0) + n
    protected = sum(by_sex.values())
    return {
        "month": selection.month,
        "protected": protected,
        "denominator": None,
        "rate": None,
        "by_kecamatan": _rows(districts_of().values_list("code", "name"), by_kecamatan),
        "by_segment": _rows([(s.code, s.label) for s in Segment.objects.all()], by_segment),
        "by_sex": _rows([(code, capfirst(label)) for code, label in Sex.choices], by_sex),
        "by_age_band": _rows([(name, name) for name, _low, _high in AGE_BANDS] + [(OTHER_AGE, _("other ages"))],
                             by_band),
        "trend": trend_figures(selection),
        "budget": budget_figures(int(selection.month[:4]), selection.payer),
    }


def kecamatan_figures(selection: Selection, kecamatan: str) -> dict:
    """One kecamatan's villages for a selection: {"protected", "by_village": [row]} (every village)."""
    by_village = {}
    for village, _segment, _sex, _band, n in _grouped(selection):
        if village[:8] == kecamatan:
            by_village[village] = by_village.get(village, 0) + n
    villages = Region.objects.filter(parent_id=kecamatan).order_by("code").values_list("code", "name")
    return {"protected": sum(by_village.values()), "by_village": _rows(villages, by_village)}


BUDGET_FIGURES = ("allocation", "committed", "billed", "paid")


def budget_by_payer(year: int, payer: int | None = None) -> list[dict]:
    """Per payer (or the one payer): {"name", "allocation", "committed", "billed", "paid", "realised"} in Rupiah;
    realised = paid / allocation (None without an allocation)."""
    payers = Payer.objects.filter(pk=payer) if payer else Payer.objects.all()
    rows = []
    for one in payers:  # a handful of payers; each figure is one aggregate query
        status = budget_status(one, year)
        row = {"name": one.name, **{key: getattr(status, key) for key in BUDGET_FIGURES}}
        row["realised"] = rate(row["paid"], row["allocation"])
        rows.append(row)
    return rows


def budget_figures(year: int, payer: int | None = None) -> dict:
    """Allocated, committed, billed and paid in Rupiah for the fiscal year: one payer, or every payer summed."""
    totals = {"year": year, **dict.fromkeys(BUDGET_FIGURES, 0)}
    for row in budget_by_payer(year, payer):
        for key in BUDGET_FIGURES:
            totals[key] += row[key]
    totals["realised"] = rate(totals["paid"], totals["allocation"])
    return totals


def regency_name() -> str:
    return Region.objects.filter(code=settings.LINDUNG_REGENCY).values_list("name", flat=True).first() or settings.LINDUNG_REGENCY


__all__ = ["Selection", "budget_by_payer", "budget_figures", "kecamatan_figures", "month_figures", "paid_months", "regency_name"]

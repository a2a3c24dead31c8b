"""Everything the coverage dashboard shows for a month, as plain values, read from the small per-month tables.

dashboard(month, segment=None, payer=None) and kecamatan_detail(month, kecamatan, segment=None, payer=None)
read CoverageCell, MemberFlow and BudgetSnapshot (lindung/coverage/aggregate.py), the denominators
(lindung/coverage/denominators.py), invoices and budget lines — never the contribution lines — so a
request takes a few milliseconds whatever the size of the register.

Filters apply to every figure alike: `segment` (a segment code) keeps the people counted under that segment
(for flows: the person's segment in the register); `payer` (a Payer or its id) counts only what that payer
paid (coverage: people with at least one paid line of the payer; flows: that payer's memberships; budget:
that payer's). Rates are protected / working population (a fraction, None without a denominator), the
denominator being the area's whole working population whatever the filters.
"""
from django.conf import settings
from django.db.models import CharField, Sum, Value
from django.db.models.functions import Cast

from lindung.claims.services import claims_summary
from lindung.coverage.aggregate import FLOW_KINDS, change_mark, ensure_months, programme_bits, refresh_budget
from lindung.coverage.denominators import TARGET, area_figures, regency_denominator, regency_figure
from lindung.coverage.indicators import AGE_BANDS, OTHER_AGE, SEXES, cells, payer_id, trend
from lindung.coverage.models import BudgetSnapshot, MemberFlow
from lindung.months import add_months, month_start
from lindung.regions.models import Region
from lindung.registry.models import Segment

TREND_MONTHS = 12


def rate(protected: int, denominator: int | None) -> float | None:
    return protected / denominator if denominator else None


DIMENSIONS = ("kecamatan", "village", "segment", "sex", "age_band", "programmes")


def _tally(month, segment, payer, kecamatan=None) -> dict:
    """People per kecamatan (or village, within `kecamatan`), segment, sex, age band and programme mask: one
    statement, each dimension summed by the database (a UNION ALL of GROUP BYs over a few thousand cells)."""
    if kecamatan is None:
        rows, dimensions = cells(month, segment, payer), [d for d in DIMENSIONS if d != "village"]
    else:
        rows, dimensions = cells(month, segment, payer, villages=True).filter(kecamatan=kecamatan), DIMENSIONS
    parts = [
        rows.annotate(dimension=Value(name), key=Cast(name, CharField())).values_list("dimension", "key")
        .annotate(n=Sum("people")).order_by()
        for name in dimensions
    ]
    totals = {name: {} for name in DIMENSIONS}
    for dimension, key, n in parts[0].union(*parts[1:], all=True):
        totals[dimension][int(key) if dimension == "programmes" else key] = n
    return totals


def flows(month: str, segment=None, payer=None, kecamatan=None) -> dict[str, int]:
    """People new, renewed, lapsed and ended in the month (aggregate.FLOW_KINDS), for the filters."""
    ensure_months([month])
    rows = MemberFlow.objects.filter(month=month)
    rows = rows.filter(payer__isnull=True) if payer is None else rows.filter(payer_id=payer_id(payer))
    if segment is not None:
        rows = rows.filter(segment=segment)
    if kecamatan is not None:
        rows = rows.filter(kecamatan=kecamatan)
    counted = dict(rows.order_by().values_list("kind").annotate(n=Sum("people")))
    return {kind: counted.get(kind, 0) for kind in FLOW_KINDS}


def _breakdowns(totals: dict) -> dict:
    segments = Segment.objects.order_by("sort", "code")
    bits = programme_bits()
    return {
        "by_segment": [
            {"code": s.code, "label": s.label, "protected": totals["segment"].get(s.code, 0)} for s in segments
        ],
        "by_sex": {sex: totals["sex"].get(sex, 0) for sex in SEXES},
        "by_age_band": {b: totals["age_band"].get(b, 0) for b in [name for name, _, _ in AGE_BANDS] + [OTHER_AGE]},
        "by_programme": {
            code: sum(n for mask, n in totals["programmes"].items() if mask & bit) for code, bit in bits.items()
        },
    }


def _areas(codes_names, counts: dict, figures: dict) -> list[dict]:
    return [
        {
            "code": code,
            "name": name,
            "protected": counts.get(code, 0),
            "denominator": figures[code].count if code in figures else None,
            "rate": rate(counts.get(code, 0), figures[code].count if code in figures else None),
        }
        for code, name in codes_names
    ]


def budget(year: int, payer=None) -> dict:
    """The fiscal year's allocation, commitments, billing and payments (enrolment/budget.py definitions),
    for one payer or all of them; commitments as stored by the last refresh, recomputed when a membership
    changed since."""
    from lindung.billing.models import Invoice
    from lindung.programmes.models import BudgetLine, Payer

    payers = Payer.objects.order_by("kind", "name")
    if payer is not None:
        payers = payers.filter(pk=payer_id(payer))
    payers = list(payers)
    snapshots = {s.payer_id: s for s in BudgetSnapshot.objects.filter(fiscal_year=year)}
    mark = change_mark()
    if any(s.change_mark != mark for s in snapshots.values()) or any(p.pk not in snapshots for p in payers):
        refresh_budget(year)
        snapshots = {s.payer_id: s for s in BudgetSnapshot.objects.filter(fiscal_year=year)}
    allocated = dict(
        BudgetLine.objects.filter(fiscal_year=year).order_by().values_list("payer_id").annotate(s=Sum("amount"))
    )
    invoices = {
        row["payer_id"]: row
        for row in Invoice.objects.filter(month__startswith=f"{year:04d}-")
        .order_by()
        .values("payer_id")
        .annotate(billed=Sum("total"), paid=Sum("paid"))
    }
    rows = []
    for p in payers:
        figures = {
            "payer": p.pk,
            "name": p.name,
            "allocated": allocated.get(p.pk, 0),
            "committed": snapshots[p.pk].committed if p.pk in snapshots else None,  # None: no rate to price it
            "billed": invoices.get(p.pk, {}).get("billed") or 0,
            "paid": invoices.get(p.pk, {}).get("paid") or 0,
        }
        if any(figures[k] != 0 for k in ("allocated", "committed", "billed", "paid")) or payer is not None:
            rows.append(figures)
    totals = {k: sum(r[k] for r in rows) for k in ("allocated", "billed", "paid")}
    committed = [r["committed"] for r in rows]
    totals["committed"] = None if None in committed else sum(committed)
    computed = [snapshots[r["payer"]].computed_at for r in rows if r["payer"] in snapshots]
    return {
        "year": year, **totals,
        "remaining": None if totals["committed"] is None else totals["allocated"] - totals["committed"],
        "committed_as_of": max(computed) if computed else None, "payers": rows,
    }


def dashboard(month: str, segment: str | None = None, payer=None) -> dict:
    """The dashboard's figures for `month` ('YYYY-MM'), plain values only.

    {"month", "segment", "payer",
     "headline": {"protected", "denominator", "denominator_year", "denominator_source", "rate",
                  "target", "target_year", "target_source", "target_rate",
                  "previous_protected", "new", "renewed", "lapsed", "ended"},
     "by_kecamatan": [{"code", "name", "protected", "denominator", "rate"}] — every kecamatan of the regency,
     "by_segment": [{"code", "label", "protected"}] — every segment,
     "by_sex": {"L": n, "P": n}, "by_age_band": {"15-24": n, …, "other": n},
     "by_programme": {code: people with that programme paid} (a person may count in several),
     "trend": [{"month", "protected"}] — the 12 months up to `month`,
     "budget": {"year", "allocated", "committed", "billed", "paid", "remaining", "committed_as_of",
                "payers": [{"payer", "name", "allocated", "committed", "billed", "paid"}]},
     "claims": {"first_month", "last_month", "claims", "paid", "by_programme": [{"programme", "claims", "paid"}],
                "by_kecamatan": {code: {"claims", "paid"}}, "rows"} — claims paid by BPJS from January to `month`
                (claims.services.claims_summary)}

    protected: people with at least one paid contribution for the month, each once (indicators.coverage);
    denominator: the working population (imported per kecamatan when every kecamatan is loaded, else the
    shipped regency figure); target: the programme's target number of workers (shipped data).
    new, renewed, lapsed, ended (people; aggregate.FLOW_KINDS): new — a membership accepted by BPJS starts in
    the month and none covered the month before; renewed — the yearly renewal carried a membership into the
    month's year (counted in January); lapsed — a membership became inactive after 3 consecutive unpaid months;
    ended — a membership's last month is this month (death, moving away, age, budget ended, withdrawal).
    claims: BPJS pays them, not a payer, so the payer filter leaves them as they are; the segment filter keeps
    the claims of people registered under the segment.
    """
    month_start(month)
    year = int(month[:4])
    regency = settings.LINDUNG_REGENCY
    totals = _tally(month, segment, payer)
    protected = sum(totals["sex"].values())
    kecamatan = list(Region.objects.filter(parent_id=regency).order_by("code").values_list("code", "name"))
    figures = area_figures(year)
    denominator = regency_denominator(year, figures, [code for code, _ in kecamatan])
    target = regency_figure(year, TARGET)
    months = trend(add_months(month, 1 - TREND_MONTHS), month, segment, payer)
    return {
        "month": month,
        "segment": segment,
        "payer": payer_id(payer),
        "headline": {
            "protected": protected,
            "denominator": denominator.count if denominator else None,
            "denominator_year": denominator.year if denominator else None,
            "denominator_source": denominator.source if denominator else None,
            "rate": rate(protected, denominator.count if denominator else None),
            "target": target.count if target else None,
            "target_year": target.year if target else None,
            "target_source": target.source if target else None,
            "target_rate": rate(protected, target.count if target else None),
            "previous_protected": months[-2]["protected"],
            **flows(month, segment, payer),
        },
        "by_kecamatan": _areas(kecamatan, totals["kecamatan"], figures),
        **_breakdowns(totals),
        "trend": months,
        "budget": budget(year, payer),
        "claims": claims_summary(f"{year:04d}-01", month, segment),
    }


def kecamatan_detail(month: str, kecamatan: str, segment: str | None = None, payer=None) -> dict:
    """One kecamatan's figures for the month, with its villages (for the map's drill-down).

    {"month", "segment", "payer", "kecamatan": {"code", "name", "protected", "denominator", "rate"},
     "by_village": [{"code", "name", "protected", "denominator", "rate"}] — every village of the kecamatan,
     "by_segment", "by_sex", "by_age_band", "by_programme" (as in dashboard()),
     "flows": {"new", "renewed", "lapsed", "ended"}, "trend": [{"month", "protected"}] (12 months)}.
    Raises LookupError for a code that is not a kecamatan of the regency.
    """
    month_start(month)
    region = Region.objects.filter(code=kecamatan, parent_id=settings.LINDUNG_REGENCY).first()
    if region is None:
        raise LookupError(f"Kecamatan tidak dikenal: {kecamatan!r} / unknown kecamatan {kecamatan!r}")
    year = int(month[:4])
    totals = _tally(month, segment, payer, kecamatan)
    protected = sum(totals["sex"].values())
    own = area_figures(year).get(kecamatan)
    villages = list(Region.objects.filter(parent_id=kecamatan).order_by("code").values_list("code", "name"))
    months = months_back = [add_months(month, -i) for i in range(TREND_MONTHS - 1, -1, -1)]
    by_month = dict(
        cells(months_back, segment, payer).filter(kecamatan=kecamatan).values_list("month").annotate(n=Sum("people"))
    )
    return {
        "month": month,
        "segment": segment,
        "payer": payer_id(payer),
        "kecamatan": {
            "code": kecamatan,
            "name": region.name,
            "protected": protected,
            "denominator": own.count if own else None,
            "rate": rate(protected, own.count if own else None),
        },
        "by_village": _areas(villages, totals["village"], area_figures(year, parent=kecamatan)),
        **_breakdowns(totals),
        "flows": flows(month, segment, payer, kecamatan),
        "trend": [{"month": m, "protected": by_month.get(m, 0)} for m in months],
    }

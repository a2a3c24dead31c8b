"""Coverage indicators: how many people the regency protected in a month, and who they are.

Definitions (the protection ledger's, lindung/billing/ledger.py):

- A person is **protected** in a month when at least one of their contribution lines for that month is
  paid (by any programme and payer). A month not paid is a month not protected: an unpaid or unbilled
  month counts nobody.
- Each protected person is counted **once** in every breakdown, so every breakdown adds up to `protected`:
  - kecamatan and segment are those the person was billed under that month (copied onto the contribution
    line by the billing run, so figures for a past month do not change when people move); should one
    person's paid lines of a month carry different values, the lowest code counts;
  - sex and birth date come from the register (`Person`);
  - age is the age in whole years on the first day of the month; the bands are 15-24, 25-34, 35-44,
    45-54 and 55-65 (inclusive), everyone else (younger than 15, older than 65) is "other".

The figures are read from per-month cells (lindung/coverage/aggregate.py) that every recorded payment
keeps current; coverage_from_lines() and trend_from_lines() compute the same from the lines
themselves, in the database with GROUP BY (no person passes through Python), as the reference.
"""
from datetime import date

from django.db import connection
from django.db.models import Count, Sum

from lindung.billing.models import ContributionLine
from lindung.months import month_start, months_between
from lindung.registry.models import Person

SEXES = ("L", "P")
AGE_BANDS = (("15-24", 15, 24), ("25-34", 25, 34), ("35-44", 35, 44), ("45-54", 45, 54), ("55-65", 55, 65))
OTHER_AGE = "other"


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (day is the 1st of a month, so it always exists)."""
    return day.replace(year=day.year - years)


def age_band_sql(first_day: date) -> tuple[str, list]:
    """A CASE expression over `p.birth_date` naming the age band on `first_day`, and its parameters.

    Age >= a on first_day  <=>  birth_date <= first_day - a years; age <= b  <=>  birth_date > first_day - (b+1) years.
    Comparing dates keeps it the same SQL on SQLite (ISO text) and PostgreSQL (date).
    """
    whens, params = [], []
    for name, low, high in AGE_BANDS:
        whens.append("WHEN p.birth_date <= %s AND p.birth_date > %s THEN %s")
        params += [
            connection.ops.adapt_datefield_value(years_before(first_day, low)),
            connection.ops.adapt_datefield_value(years_before(first_day, high + 1)),
            name,
        ]
    return f"CASE {' '.join(whens)} ELSE %s END", [*params, OTHER_AGE]


def _grouped_counts(month: str) -> list[tuple[str, str, str, str, int]]:
    """(kecamatan, segment, sex, age band, people) for the people protected in `month`.

    One statement: the month's paid lines are reduced to one row per person, joined to the register, and
    grouped by all four keys at once (a few thousand rows at most), which the breakdowns then add up.
    """
    line = connection.ops.quote_name(ContributionLine._meta.db_table)
    person = connection.ops.quote_name(Person._meta.db_table)
    band, band_params = age_band_sql(month_start(month))
    sql = f"""
        SELECT c.kecamatan, c.segment, p.sex, {band} AS band, COUNT(*)
        FROM (
            SELECT person_id, MIN(SUBSTR(village_id, 1, 8)) AS kecamatan, MIN(segment_id) AS segment
            FROM {line}
            WHERE month = %s AND payment_id IS NOT NULL
            GROUP BY person_id
        ) c
        JOIN {person} p ON p.id = c.person_id
        GROUP BY c.kecamatan, c.segment, p.sex, band
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*band_params, month])
        return cursor.fetchall()


def _breakdowns(month: str, rows) -> dict:
    """The coverage() dict from (kecamatan, segment, sex, age band, people) rows."""
    by_kecamatan: dict[str, int] = {}
    by_segment: dict[str, int] = {}
    by_sex = dict.fromkeys(SEXES, 0)
    by_age_band = dict.fromkeys([name for name, _, _ in AGE_BANDS] + [OTHER_AGE], 0)
    for kecamatan, segment, sex, band, n in rows:
        by_kecamatan[kecamatan] = by_kecamatan.get(kecamatan, 0) + n
        by_segment[segment] = by_segment.get(segment, 0) + n
        by_sex[sex] = by_sex.get(sex, 0) + n
        by_age_band[band] += n
    return {
        "month": month,
        "protected": sum(by_sex.values()),
        "by_kecamatan": dict(sorted(by_kecamatan.items())),
        "by_segment": dict(sorted(by_segment.items())),
        "by_sex": by_sex,
        "by_age_band": by_age_band,
    }


def payer_id(payer) -> int | None:
    """A Payer, its id or None (every payer) -> the id or None."""
    return getattr(payer, "pk", payer)


def cells(month_or_months, segment: str | None = None, payer=None, villages: bool = False):
    """The CoverageCell rows of a month (or list of months) for the filters: every payer when `payer` is None
    (each person once), else that payer's; one segment or all; per kecamatan, or per village with `villages`.
    Builds months never refreshed first."""
    from lindung.coverage.aggregate import KECAMATAN_LEVEL, ensure_months
    from lindung.coverage.models import CoverageCell

    months = [month_or_months] if isinstance(month_or_months, str) else list(month_or_months)
    for month in months:
        month_start(month)
    ensure_months(months)
    rows = CoverageCell.objects.filter(month__in=months)
    rows = rows.exclude(village=KECAMATAN_LEVEL) if villages else rows.filter(village=KECAMATAN_LEVEL)
    rows = rows.filter(payer__isnull=True) if payer is None else rows.filter(payer_id=payer_id(payer))
    if segment is not None:
        rows = rows.filter(segment=segment)
    return rows.order_by()


def coverage(month: str, segment: str | None = None, payer=None) -> dict:
    """Coverage indicators for `month` ('YYYY-MM'; ValueError otherwise).

    {"month", "protected", "by_kecamatan": {code: n}, "by_segment": {code: n}, "by_sex": {"L": n, "P": n},
     "by_age_band": {"15-24": n, …, "55-65": n, "other": n}}: `protected` is the number of distinct people
    with at least one paid contribution line for the month; each breakdown counts each of them once (see the
    module docstring), so each adds up to `protected`. Kecamatan and segments without protected people are
    left out; sexes and age bands are always all present.

    Filters: `segment` keeps the people counted under that segment; `payer` (a Payer or its id) counts only
    the lines that payer paid (people with at least one of them, kecamatan and segment from those lines).
    Read from the month's pre-aggregated cells (lindung/coverage/aggregate.py); equal to
    coverage_from_lines() whenever the month has been refreshed since its lines last changed.
    """
    month_start(month)
    rows = (
        cells(month, segment, payer)
        .values_list("kecamatan", "segment", "sex", "age_band")
        .annotate(n=Sum("people"))
    )
    return _breakdowns(month, rows)


def coverage_from_lines(month: str) -> dict:
    """coverage(month) computed from the contribution lines themselves: the reference the cells must equal."""
    month_start(month)
    return _breakdowns(month, _grouped_counts(month))


def trend(first_month: str, last_month: str, segment: str | None = None, payer=None) -> list[dict]:
    """People protected in each month from `first_month` to `last_month` inclusive.

    [{"month": "YYYY-MM", "protected": n}, …]: every month of the range, 0 for a month with nothing paid;
    the same definition and filters as coverage()["protected"]. Empty when last_month is before first_month.
    """
    months = months_between(first_month, last_month)
    if not months:
        return []
    if segment is None and payer is None:
        from lindung.coverage.aggregate import ensure_months
        from lindung.coverage.models import CoverageMonth

        ensure_months(months)
        rows = dict(CoverageMonth.objects.filter(month__in=months).values_list("month", "protected"))
    else:
        rows = dict(cells(months, segment, payer).values_list("month").annotate(n=Sum("people")))
    return [{"month": month, "protected": rows.get(month, 0)} for month in months]


def trend_from_lines(first_month: str, last_month: str) -> list[dict]:
    """trend() computed from the contribution lines (one grouped query): the reference for the cells."""
    months = months_between(first_month, last_month)
    if not months:
        return []
    rows = dict(
        ContributionLine.objects.filter(month__gte=first_month, month__lte=last_month, payment__isnull=False)
        .order_by()
        .values("month")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("month", "n")
    )
    return [{"month": month, "protected": rows.get(month, 0)} for month in months]

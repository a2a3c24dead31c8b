"""Coverage figures kept per month: refresh_coverage(month) rebuilds them from the ledger, set-based.

A dashboard request reads only these small tables (a few thousand cells a month), never the millions of
contribution lines. Billing runs, payments, ending memberships and the yearly renewal mark the months they
change (figures_changed, called from lindung/billing/services.py and lindung/enrolment/lifecycle.py) and the
job worker rebuilds them (tasks.refresh_stale_coverage); a month never built or still marked is rebuilt by its
first reader (ensure_months); `lindung coverage refresh` rebuilds every month.

Each month is rebuilt whole — its rows deleted, then a handful of INSERT … SELECT statements run by the
database — in one transaction, so a reader sees the old figures or the new ones, never half of each.
"""
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from lindung.billing.models import BILLED_STATUSES, ContributionLine, Invoice, Membership, MembershipChange, MembershipStatus
from lindung.bulk import refresh_statistics
from lindung.coverage.indicators import age_band_sql
from lindung.coverage.models import BudgetSnapshot, CoverageCell, CoverageMonth, MemberFlow
from lindung.months import add_months, month_start
from lindung.programmes.models import Payer, Programme
from lindung.registry.models import Person

# What each kind of flow counts, for month M (people, each once per kind; with a payer, that payer's
# memberships only):
FLOW_KINDS = {
    "new": "a membership (accepted: active, inactive or ended since) starts in M, and no accepted membership "
    "covered M-1",
    "renewed": "the yearly renewal carried a membership into the year of M (history 'renewed for YYYY', month M)",
    "lapsed": "a membership became inactive in M (3 consecutive unpaid months; history status inactive, month M)",
    "ended": "a membership ended with M as its last month (history status ended, month M)",
}
RENEWED_REASON = "renewed for %"
KECAMATAN_LEVEL = ""  # CoverageCell.village of the cells summed per kecamatan  # lifecycle.renew writes 'renewed for YYYY'


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def programme_bits() -> dict[str, int]:
    """Programme code -> its bit in CoverageCell.programmes (Programme order: JKK 1, JKM 2, JHT 4, …)."""
    codes = Programme.objects.order_by("sort", "code").values_list("code", flat=True)
    return {code: 1 << i for i, code in enumerate(codes)}


def _mask_sql(bits: dict[str, int]) -> tuple[str, list]:
    if not bits:
        return "0", []
    whens = " ".join("WHEN %s THEN %s" for _ in bits)
    return f"CASE programme_id {whens} ELSE 0 END", [v for code, bit in bits.items() for v in (code, bit)]


def _insert_cells(month: str, by_payer: bool) -> int:
    """One INSERT … SELECT: the month's paid lines reduced to one row per person (or person and payer),
    joined to the register for sex and age, grouped into cells."""
    band, band_params = age_band_sql(month_start(month))
    mask, mask_params = _mask_sql(programme_bits())
    payer_inner = ", l.invoice_id" if by_payer else ""
    payer_join = f"JOIN {_table(Invoice)} i ON i.id = c.invoice_id" if by_payer else ""
    payer_value = "i.payer_id" if by_payer else "NULL"
    sql = f"""
        INSERT INTO {_table(CoverageCell)}
            (month, payer_id, kecamatan, village, segment, sex, age_band, programmes, people)
        SELECT %s, {payer_value}, SUBSTR(c.village, 1, 8), c.village, c.segment, p.sex, {band} AS band, c.mask, COUNT(*)
        FROM (
            SELECT l.person_id{payer_inner}, MIN(l.village_id) AS village, MIN(l.segment_id) AS segment,
                   SUM(DISTINCT {mask}) AS mask
            FROM {_table(ContributionLine)} l
            WHERE l.month = %s AND l.payment_id IS NOT NULL
            GROUP BY l.person_id{payer_inner}
        ) c
        JOIN {_table(Person)} p ON p.id = c.person_id
        {payer_join}
        GROUP BY {payer_value + ", " if by_payer else ""}c.village, c.segment, p.sex, band, c.mask
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [month, *band_params, *mask_params, month])
        return cursor.rowcount


def _copy_cells_to_payer(month: str, payer_id: int) -> int:
    """When one payer paid every paid line of the month, its cells are the all-payer cells."""
    table = _table(CoverageCell)
    columns = "kecamatan, village, segment, sex, age_band, programmes, people"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (month, payer_id, {columns}) SELECT month, %s, {columns} FROM {table} "
            "WHERE month = %s AND payer_id IS NULL",
            [payer_id, month],
        )
        return cursor.rowcount


def refresh_cells(month: str) -> int:
    """Rebuild the month's cells; returns the people protected in the month."""
    CoverageCell.objects.filter(month=month).delete()
    _insert_cells(month, by_payer=False)
    payers = list(
        Invoice.objects.filter(month=month, paid__gt=0).order_by().values_list("payer_id", flat=True).distinct()
    )
    if len(payers) == 1:
        _copy_cells_to_payer(month, payers[0])
    elif payers:
        _insert_cells(month, by_payer=True)
    _insert_kecamatan_cells(month)
    refresh_statistics(CoverageCell)
    return sum(
        CoverageCell.objects.filter(month=month, payer__isnull=True, village=KECAMATAN_LEVEL).values_list("people", flat=True)
    )


def _insert_kecamatan_cells(month: str) -> int:
    """The village cells summed per kecamatan (village empty): what the regency-wide figures read, ten times
    fewer rows than the village cells."""
    table = _table(CoverageCell)
    keys = "payer_id, kecamatan, segment, sex, age_band, programmes"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (month, village, {keys}, people) SELECT month, %s, {keys}, SUM(people) FROM {table} "
            f"WHERE month = %s GROUP BY month, {keys}",
            [KECAMATAN_LEVEL, month],
        )
        return cursor.rowcount


def refresh_flows(month: str) -> int:
    """Rebuild the month's member flows (FLOW_KINDS); returns the rows written."""
    month_start(month)
    MemberFlow.objects.filter(month=month).delete()
    previous = add_months(month, -1)
    accepted = [str(s) for s in BILLED_STATUSES]
    accepted_sql = ", ".join(["%s"] * len(accepted))
    membership, change, person = _table(Membership), _table(MembershipChange), _table(Person)

    def new_members(same_payer: bool) -> str:
        # Set difference, not NOT EXISTS per membership: two scans of the memberships whatever their number.
        scope = "payer_id" if same_payer else "CAST(NULL AS BIGINT)"
        return f"""
            SELECT 'new' AS kind, person_id, {scope} AS scope FROM {membership}
            WHERE start_month = %s AND status IN ({accepted_sql})
            EXCEPT
            SELECT 'new', person_id, {scope} FROM {membership}
            WHERE status IN ({accepted_sql}) AND start_month <= %s AND (end_month IS NULL OR end_month >= %s)
        """

    new_params = [month, *accepted, *accepted, previous, previous]
    sql = f"""
        WITH changed AS (
            SELECT CASE WHEN c.reason LIKE %s THEN 'renewed' WHEN c.status = %s THEN 'lapsed' ELSE 'ended' END AS kind,
                   m.person_id, m.payer_id
            FROM {change} c JOIN {membership} m ON m.id = c.membership_id
            WHERE c.month = %s AND (c.reason LIKE %s OR c.status IN (%s, %s))
        ),
        new_anywhere AS ({new_members(same_payer=False)}),
        new_to_payer AS ({new_members(same_payer=True)}),
        events AS (
            SELECT kind, person_id, scope FROM new_anywhere
            UNION ALL SELECT kind, person_id, scope FROM new_to_payer
            UNION ALL SELECT kind, person_id, CAST(NULL AS BIGINT) AS scope FROM changed
            UNION ALL SELECT kind, person_id, payer_id AS scope FROM changed
        )
        INSERT INTO {_table(MemberFlow)} (month, kind, payer_id, kecamatan, village, segment, people)
        SELECT %s, e.kind, e.scope, SUBSTR(p.village_id, 1, 8), p.village_id, p.segment_id, COUNT(DISTINCT e.person_id)
        FROM events e JOIN {person} p ON p.id = e.person_id
        GROUP BY e.kind, e.scope, p.village_id, p.segment_id
    """
    params = [
        RENEWED_REASON, MembershipStatus.INACTIVE.value, month, RENEWED_REASON,
        MembershipStatus.INACTIVE.value, MembershipStatus.ENDED.value,
        *new_params, *new_params, month,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def change_mark() -> int:
    """The latest membership history id: it moves whenever a membership is created or changes status."""
    return MembershipChange.objects.aggregate(m=Max("pk"))["m"] or 0


def refresh_budget(fiscal_year: int, force: bool = False) -> None:
    """Store what each payer has committed for the year, unless nothing changed since it was stored."""
    from lindung.enrolment.budget import BudgetError, committed_by_programme

    mark = change_mark()
    stored = dict(BudgetSnapshot.objects.filter(fiscal_year=fiscal_year).values_list("payer_id", "change_mark"))
    for payer in Payer.objects.all():
        if not force and stored.get(payer.pk) == mark:
            continue
        try:
            by_programme = committed_by_programme(payer, fiscal_year)
        except BudgetError:
            # A rate missing for some month of the year: no figure rather than a wrong one (and no failed
            # billing run because of the dashboard).
            BudgetSnapshot.objects.filter(payer=payer, fiscal_year=fiscal_year).delete()
            continue
        BudgetSnapshot.objects.update_or_create(
            payer=payer,
            fiscal_year=fiscal_year,
            defaults={
                "change_mark": mark,
                "committed": sum(by_programme.values()),
                "committed_by_programme": by_programme,
                "computed_at": timezone.now(),
            },
        )


def latest_billed_month() -> str | None:
    return ContributionLine.objects.order_by("-month").values_list("month", flat=True).first()


def refresh_coverage(month: str, only_if_stale: bool = False) -> int:
    """Rebuild the coverage figures of `month` from the ledger (its cells and member flows, and the budget
    commitments of its year when a membership changed since they were stored); returns the people protected.
    With `only_if_stale`, a month that someone else rebuilt while this call waited for it is left as it is.
    """
    month_start(month)
    with transaction.atomic():
        # The month's row is created if need be and held until the rebuild commits: a second rebuild waits
        # for this one, and a payment that marks the month meanwhile waits too and marks it again afterwards,
        # rather than be lost (PostgreSQL; SQLite writes one at a time anyway).
        CoverageMonth.objects.get_or_create(month=month, defaults={"stale": True})
        row = CoverageMonth.objects.select_for_update().get(month=month)
        if only_if_stale and not row.stale:
            return row.protected
        protected = refresh_cells(month)
        refresh_flows(month)
        refresh_budget(int(month[:4]))
        row.refreshed_at, row.protected, row.stale = timezone.now(), protected, False
        row.save(update_fields=["refreshed_at", "protected", "stale"])
    return protected


def figures_changed(*months: str) -> None:
    """The ledger of these months changed (a billing run, a payment, memberships ended or renewed): mark
    them, and the latest billed month (where lapses and resumptions are recorded), for a rebuild by the job
    worker after the change commits. Readers rebuild a marked month themselves if the worker has not yet,
    so figures are never stale; the billing run and payments do not wait for the rebuild."""
    from lindung.coverage.tasks import refresh_stale_coverage

    latest = latest_billed_month()
    marked = sorted({*months, *([latest] if latest else [])})
    if not marked:
        return
    CoverageMonth.objects.bulk_create(
        [CoverageMonth(month=month, stale=True) for month in marked],
        update_conflicts=True, unique_fields=["month"], update_fields=["stale"],
    )
    # A job that cannot be queued must not make the change that committed look failed: the next reader
    # rebuilds the month anyway.
    transaction.on_commit(refresh_stale_coverage.enqueue, robust=True)


def stale_months() -> list[str]:
    return list(CoverageMonth.objects.filter(stale=True).order_by("month").values_list("month", flat=True))


def months_with_history() -> list[str]:
    """Every month from the first billed (or first membership) to the latest billed or membership month."""
    from lindung.months import months_between

    bounds = [
        ContributionLine.objects.order_by("month").values_list("month", flat=True).first(),
        latest_billed_month(),
        Membership.objects.order_by("start_month").values_list("start_month", flat=True).first(),
        MembershipChange.objects.order_by("-month").values_list("month", flat=True).first(),
    ]
    known = [b for b in bounds if b]
    return months_between(min(known), max(known)) if known else []


def refresh_all(months: list[str] | None = None, progress=None) -> dict[str, int]:
    """Rebuild every month with history (or the given months); month -> people protected."""
    months = months_with_history() if months is None else months
    result = {}
    for i, month in enumerate(months, start=1):
        result[month] = refresh_coverage(month)
        if progress:
            progress(i, len(months))
    return result


def ensure_months(months: list[str]) -> None:
    """Build the months never built (a database with history from before this table) or marked stale."""
    fresh = set(CoverageMonth.objects.filter(month__in=months, stale=False).values_list("month", flat=True))
    for month in sorted(set(months) - fresh):
        refresh_coverage(month, only_if_stale=True)

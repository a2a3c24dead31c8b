"""A payer's budget for a fiscal year: what was allocated, what memberships commit, billed, paid, forecast.

Set-based: one aggregate query per figure, never a loop over memberships or people. The fiscal year is
the calendar year (Indonesian regional budgets run January to December).
"""
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from lindung.billing.models import ContributionLine, Invoice, Membership, MembershipStatus
from lindung.months import add_months, month_start, months_between
from lindung.programmes.models import BudgetLine, Payer
from lindung.programmes.rates import Rate, rate_for

# Memberships that will cost the payer money: chosen, sent to BPJS, or members (paid up or in arrears).
COMMITTED_STATUSES = [
    MembershipStatus.CANDIDATE,
    MembershipStatus.SUBMITTED,
    MembershipStatus.ACTIVE,
    MembershipStatus.INACTIVE,
]


class BudgetError(ValueError):
    """Bad input for a budget figure, with a message in Indonesian and English."""


@dataclass
class BudgetStatus:
    """One payer's fiscal year in integer Rupiah.

    allocation: the sum of the payer's budget lines for the year (every programme); by_programme: per line.
    committed: for every membership of the payer that is a candidate, sent to BPJS, active or inactive, the
        months of its period that fall in the year x the monthly rate of its programme on the minimum income
        basis (the rate in force in each month, so a rate change within the year counts).
    billed, paid: the payer's invoices for months of the year.
    remaining: allocation - committed (negative when over-committed).
    forecast_year_end: billed so far + the run rate of the latest billed month of the year: every line
        billed in that month x the months after it until December, or until its membership's end month
        when that comes first (each member's own monthly amount). 0 when nothing is billed in the year yet
        (latest_billed_month is then None).
    """

    payer: Payer
    fiscal_year: int
    allocation: int = 0
    by_programme: dict = field(default_factory=dict)
    committed: int = 0
    committed_by_programme: dict = field(default_factory=dict)
    billed: int = 0
    paid: int = 0
    forecast_year_end: int = 0
    latest_billed_month: str | None = None

    @property
    def remaining(self) -> int:
        return self.allocation - self.committed

    @property
    def has_allocation(self) -> bool:
        return bool(self.by_programme)

    def as_json(self) -> dict:
        return {
            "payer": self.payer.name,
            "fiscal_year": self.fiscal_year,
            "allocation": self.allocation,
            "by_programme": self.by_programme,
            "committed": self.committed,
            "committed_by_programme": self.committed_by_programme,
            "billed": self.billed,
            "paid": self.paid,
            "remaining": self.remaining,
            "forecast_year_end": self.forecast_year_end,
            "latest_billed_month": self.latest_billed_month,
        }


def _check_year(fiscal_year) -> int:
    if isinstance(fiscal_year, bool) or not isinstance(fiscal_year, int) or not 1 <= fiscal_year <= 9999:
        raise BudgetError(f"Tahun anggaran tidak sah: {fiscal_year!r} / not a fiscal year: {fiscal_year!r}")
    return fiscal_year


def _schedule(rates):
    if rates is not None:
        return rates
    from lindung.programmes.services import rate_schedule

    return rate_schedule()


def allocation_of(payer: Payer, fiscal_year: int) -> dict[str, int]:
    """The payer's budget lines for the year, programme code -> Rupiah, in programme order."""
    return dict(
        BudgetLine.objects.filter(payer=payer, fiscal_year=fiscal_year)
        .order_by("programme__sort", "programme_id")
        .values_list("programme_id", "amount")
    )


def committed_by_programme(payer: Payer, fiscal_year: int, rates: tuple[Rate, ...] | None = None) -> dict[str, int]:
    """Rupiah committed in the year per programme: member-months in the year x the minimum-basis rate.

    One aggregate query: per programme, how many committed memberships cover each month of the year.
    """
    rates = _schedule(rates)
    first, last = f"{fiscal_year:04d}-01", f"{fiscal_year:04d}-12"
    months = months_between(first, last)
    live = Membership.objects.filter(
        payer=payer, status__in=COMMITTED_STATUSES, person__deleted_at__isnull=True, start_month__lte=last
    ).filter(Q(end_month__isnull=True) | Q(end_month__gte=first))
    counts = (
        live.order_by()
        .values("programme_id")
        .annotate(
            **{
                f"m{i}": Count("pk", filter=Q(start_month__lte=m) & (Q(end_month__isnull=True) | Q(end_month__gte=m)))
                for i, m in enumerate(months, start=1)
            }
        )
    )
    result: dict[str, int] = {}
    for row in counts:
        programme = row["programme_id"]
        total = 0
        for i, month in enumerate(months, start=1):
            if not row[f"m{i}"]:
                continue
            rate = rate_for(programme, month, payer.kind, rates)
            if rate is None:
                raise BudgetError(
                    f"Tidak ada tarif {programme} untuk pembayar {payer.kind} pada {month} / "
                    f"no {programme} rate for payer kind {payer.kind} in {month}"
                )
            total += row[f"m{i}"] * rate.amount(None)
        result[programme] = total
    return dict(sorted(result.items()))


def budget_status(payer: Payer, fiscal_year: int, rates: tuple[Rate, ...] | None = None) -> BudgetStatus:
    """Allocation, commitments, billing, payments and a year-end forecast for one payer and year."""
    _check_year(fiscal_year)
    status = BudgetStatus(payer=payer, fiscal_year=fiscal_year)
    status.by_programme = allocation_of(payer, fiscal_year)
    status.allocation = sum(status.by_programme.values())
    status.committed_by_programme = committed_by_programme(payer, fiscal_year, rates)
    status.committed = sum(status.committed_by_programme.values())

    invoices = Invoice.objects.filter(payer=payer, month__startswith=f"{fiscal_year:04d}-")
    totals = invoices.aggregate(billed=Sum("total"), paid=Sum("paid"))
    status.billed, status.paid = totals["billed"] or 0, totals["paid"] or 0
    latest = invoices.filter(lines__gt=0).order_by("-month").values_list("month", flat=True).first()
    status.latest_billed_month = latest
    status.forecast_year_end = status.billed
    if latest is not None:
        december = f"{fiscal_year:04d}-12"
        # Lines of the latest month grouped by when their membership ends: a few groups, read in one query.
        groups = (
            ContributionLine.objects.filter(month=latest, invoice__payer=payer)
            .order_by()
            .values_list("membership__end_month")
            .annotate(amount=Sum("amount"))
        )
        for end_month, amount in groups:
            until = december if end_month is None else min(end_month, december)
            status.forecast_year_end += amount * len(months_between(add_months(latest, 1), until))
    return status


def _split_by_year(start_month: str, months: int, extra_cost) -> dict[int, int]:
    """extra_cost per fiscal year: a dict given by the caller as is, or an int shared by months in each year."""
    period = months_between(start_month, add_months(start_month, months - 1))
    years = sorted({int(m[:4]) for m in period})
    if isinstance(extra_cost, dict):
        return {year: int(extra_cost.get(year, 0)) for year in years}
    shares, given = {}, 0
    for year in years:
        in_year = sum(1 for m in period if int(m[:4]) == year)
        shares[year] = extra_cost * in_year // months
        given += shares[year]
    shares[years[-1]] += extra_cost - given  # what integer division left over
    return shares


def warning_for(payer: Payer, start_month: str, months: int, extra_cost, rates=None) -> str | None:
    """A bilingual warning when enrolling `extra_cost` more would exceed a fiscal year's allocation.

    For each fiscal year the period (start_month, `months` months) touches: no budget line recorded for
    the payer, or committed + the new cost falling in that year > allocation. `extra_cost` is an int
    (shared among the years by months) or a dict fiscal year -> Rupiah. None when every year fits.
    """
    month_start(start_month)
    if not 1 <= months:
        raise BudgetError(f"Jumlah bulan minimal 1: {months} / at least one month: {months}")
    indonesian, english = [], []
    for year, extra in _split_by_year(start_month, months, extra_cost).items():
        allocation = allocation_of(payer, year)
        if not allocation:
            indonesian.append(f"belum ada pagu {payer.name} untuk tahun {year}")
            english.append(f"no budget allocation recorded for {payer.name} in {year}")
            continue
        total = sum(allocation.values())
        committed = sum(committed_by_programme(payer, year, rates).values())
        if committed + extra > total:
            over = committed + extra - total
            indonesian.append(
                f"tahun {year}: komitmen Rp {committed:,} + batch ini Rp {extra:,} melebihi pagu Rp {total:,} "
                f"sebesar Rp {over:,}"
            )
            english.append(
                f"{year}: Rp {committed:,} committed + Rp {extra:,} for this batch exceeds the allocation of "
                f"Rp {total:,} by Rp {over:,}"
            )
    if not indonesian:
        return None
    return f"Anggaran: {'; '.join(indonesian)} / Budget: {'; '.join(english)}"

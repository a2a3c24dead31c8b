"""Enrolment in bulk, the monthly billing run, payments and membership status: set-based, in transactions."""
from dataclasses import dataclass, field
from datetime import date

import polars as pl
from django.db import transaction
from django.db.models import BigIntegerField, Case, Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from lindung.accounts import audit
from lindung.billing.ledger import lapse_after
from lindung.billing.models import (
    UNBILLED_STATUSES,
    ContributionLine,
    Invoice,
    Membership,
    MembershipChange,
    MembershipStatus,
    Payment,
)
from lindung.bulk import ANALYZE_AFTER, insert_from_select, read_frame, refresh_statistics
from lindung.coverage.aggregate import figures_changed
from lindung.months import add_months, month_start, months_between
from lindung.programmes.models import Payer, Programme
from lindung.programmes.rates import Rate, rate_for
from lindung.programmes.services import APBD_PAYER, rate_schedule


class BillingError(ValueError):
    """Bad input for billing, with a message in Indonesian and English."""


# Enrolment ------------------------------------------------------------------------------------------


@dataclass
class EnrolReport:
    enrolled: int = 0
    already_members: int = 0
    by_programme: dict = field(default_factory=dict)


def enrol(
    people, programmes: list[str], payer: Payer, start_month: str, user=None, declared_income: bool = False
) -> EnrolReport:
    """Enrol every person of `people` (a Person queryset) in each programme, paid by `payer` from a month.

    Contributions are on the minimum income basis, as regency-paid schemes report their members, unless
    `declared_income`: then on the income each person declared in the register.
    Someone already in the programme for that month (an open or overlapping membership) is left as is.
    """
    month_start(start_month)
    report = EnrolReport()
    people = people.filter(deleted_at__isnull=True)
    with transaction.atomic():
        for programme in programmes:
            overlapping = Membership.objects.filter(person=OuterRef("pk"), programme_id=programme).filter(
                Q(end_month__isnull=True) | Q(end_month__gte=start_month)
            )
            candidates = people.filter(~Exists(overlapping))
            total = people.count()
            added = insert_from_select(
                Membership,
                candidates,
                {
                    "person": F("pk"),
                    "programme": Value(programme),
                    "payer": Value(payer.pk),
                    "start_month": Value(start_month),
                    "status": Value(MembershipStatus.ACTIVE.value),
                    "declared_income": F("income") if declared_income else Value(None, output_field=BigIntegerField()),
                    "village": F("village_id"),
                    "segment": F("segment_id"),
                    "in_register": Value(True),
                    "created_at": Value(timezone.now()),
                    "created_by": Value(user.pk if user else None, output_field=IntegerField()),
                },
            )
            report.enrolled += added
            report.already_members += total - added
            report.by_programme[programme] = added
        _record_changes(
            Membership.objects.filter(~Exists(MembershipChange.objects.filter(membership=OuterRef("pk")))),
            MembershipStatus.ACTIVE,
            start_month,
            "enrolled",
            user,
        )
        if report.enrolled:
            figures_changed(start_month)
        audit.record(
            "billing.enrol",
            user=user,
            summary=f"{report.enrolled} memberships from {start_month}",
            after={"programmes": programmes, "payer": payer.name, "from": start_month, "enrolled": report.enrolled},
        )
    return report


def enrol_demo_register(start_month: str) -> EnrolReport:
    """The whole demo register on the regency budget (APBD) for JKK + JKM from `start_month`."""
    from lindung.registry.models import Person
    from lindung.registry.services import DEMO_SOURCE_PREFIX

    people = Person.objects.filter(source__startswith=DEMO_SOURCE_PREFIX)
    return enrol(people, ["JKK", "JKM"], Payer.objects.get(kind="apbd", name=APBD_PAYER), start_month)


def _record_changes(memberships, status: str, month: str, reason: str, user=None) -> int:
    return insert_from_select(
        MembershipChange,
        memberships,
        {
            "membership": F("pk"),
            "at": Value(timezone.now()),
            "month": Value(month),
            "status": Value(status),
            "reason": Value(reason),
            "user": Value(user.pk if user else None, output_field=IntegerField()),
        },
    )


# The billing run ------------------------------------------------------------------------------------


def in_month(month: str, prefix: str = "") -> Q:
    """Memberships (or, via `prefix`, rows that lead to one) running in `month` with a billed status.

    The status is tested as "none of the unbilled ones": nearly every membership is billed, and SQLite,
    given `status IN (...)`, reads the table through the status index and then sorts two million rows
    back into primary-key order instead of reading the table once in that order.
    """
    return Q(**{f"{prefix}start_month__lte": month}) & ~Q(**{f"{prefix}status__in": UNBILLED_STATUSES}) & (
        Q(**{f"{prefix}end_month__isnull": True}) | Q(**{f"{prefix}end_month__gte": month})
    )


def billed(month: str, prefix: str = "") -> Q:
    """Memberships (or rows that lead to one) that owe a contribution for `month`."""
    return in_month(month, prefix) & Q(**{f"{prefix}in_register": True})


def billable(month: str):
    """Memberships that owe a contribution for `month`."""
    return Membership.objects.filter(billed(month))


def amount_expression(month: str, pairs, rates: tuple[Rate, ...], kinds: dict[int, str], prefix: str = ""):
    """SQL for Rate.amount of each (programme, payer kind) pair, over a query on Membership (or via `prefix`).

    `kinds` maps each payer's pk to its kind: the payer is matched by pk, so the query joins no payer.
    Mirrors programmes.rates.Rate.amount exactly: integer division rounds down, as it does there.
    """
    income = Coalesce(F(f"{prefix}declared_income"), Value(0), output_field=BigIntegerField())
    whens = []
    for programme, kind in sorted(pairs):
        rate = rate_for(programme, month, kind, rates)
        if rate is None:
            raise BillingError(
                f"Tidak ada tarif {programme} untuk pembayar {kind} pada {month} / "
                f"no {programme} rate for payer kind {kind} in {month}"
            )
        if rate.basis == "flat":
            amount = Value(rate.amount(None), output_field=BigIntegerField())
        else:
            full = Greatest(income, Value(rate.min_income)) * Value(rate.percent_bp) / Value(10_000)
            amount = full * Value(100 - rate.discount_percent) / Value(100)
        payers = sorted(pk for pk, payer_kind in kinds.items() if payer_kind == kind)
        whens.append(When(Q(**{f"{prefix}programme_id": programme, f"{prefix}payer_id__in": payers}), then=amount))
    return Case(*whens, default=Value(None), output_field=BigIntegerField())


@dataclass
class BillingReport:
    month: str
    members: int
    lines: int
    total: int
    by_programme: dict
    by_payer: dict
    added: int
    repriced: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.repriced or self.removed)

    def as_json(self) -> dict:
        return {
            "month": self.month,
            "members": self.members,
            "lines": self.lines,
            "total": self.total,
            "by_programme": self.by_programme,
            "by_payer": self.by_payer,
            "added": self.added,
            "repriced": self.repriced,
            "removed": self.removed,
            "changed": self.changed,
        }


def run_billing(month: str, user=None) -> BillingReport:
    """Bill every member for `month`: one line per member x programme, one invoice per payer.

    Safe to repeat: paid lines are never touched; unpaid lines follow the memberships (new members
    added, ended ones removed, a changed declared income repriced); a rerun with nothing new changes
    nothing. A month already billed is first checked in one pass over its lines: when every line still
    stands and every member has one, nothing is written.
    """
    month_start(month)
    rates = rate_schedule()
    with transaction.atomic():
        members = billable(month)
        payer_programmes = set(
            Membership.objects.filter(in_month(month)).order_by().values_list("payer_id", "programme_id").distinct()
        )
        kinds = dict(Payer.objects.values_list("pk", "kind"))
        pairs = {(programme, kinds[payer]) for payer, programme in payer_programmes}
        invoices = {
            payer: Invoice.objects.get_or_create(payer_id=payer, month=month)[0].pk
            for payer in sorted({payer for payer, _ in payer_programmes})
        }
        removed = repriced = added = 0
        new_members = members
        by_programme = None
        lines = ContributionLine.objects.filter(month=month)
        if lines.exists():
            check = check_lines(month, pairs, rates, kinds)
            unpaid = lines.filter(payment__isnull=True)
            if check["ended"]:
                removed = unpaid.exclude(billed(month, prefix="membership__")).delete()[0]
            if check["stale"]:
                expected = amount_expression(month, pairs, rates, kinds, prefix="membership__")
                stale = unpaid.annotate(expected=expected).exclude(amount=F("expected")).values("pk")
                repriced = ContributionLine.objects.filter(pk__in=stale).delete()[0]
            if not repriced and check["billed"] == members.count():
                new_members = None  # every member has their line
                by_programme = check["by_programme"]
            else:
                new_members = members.filter(~Exists(lines.filter(membership=OuterRef("pk"))))
        if pairs and new_members is not None:
            added = insert_from_select(
                ContributionLine,
                new_members,
                {
                    "membership": F("pk"),
                    "invoice": Case(*(When(payer_id=p, then=Value(i)) for p, i in invoices.items())),
                    "person": F("person_id"),
                    "programme": F("programme_id"),
                    "month": Value(month),
                    "amount": amount_expression(month, pairs, rates, kinds),
                    "village": F("village_id"),
                    "segment": F("segment_id"),
                },
                order_by=["pk"],
            )
        # Invoices follow their lines; payments keep `paid` current themselves.
        if added or removed:
            by_programme = refresh_invoices(month)
        lapsed_or_resumed = refresh_membership_status(user=user)
        if added or removed or any(lapsed_or_resumed.values()):
            figures_changed(month)
        report = billing_report(month, by_programme, added=added - repriced, repriced=repriced, removed=removed)
        if report.changed:
            audit.record("billing.run", user=user, summary=f"billing {month}", after=report.as_json())
    return report


def check_lines(month: str, pairs, rates: tuple[Rate, ...], kinds: dict[int, str]) -> dict:
    """One pass over a month's lines and their memberships: how many unpaid lines belong to memberships no
    longer billed (`ended`) or are priced differently now (`stale`), how many lines belong to billed
    memberships (`billed`: a membership has at most one line a month, so this equals the members owing a
    line exactly when every one of them has it), and the total per programme."""
    still_billed = billed(month, prefix="membership__")
    unpaid = Q(payment__isnull=True)
    programmes = list(Programme.objects.values_list("code", flat=True))
    counts = {
        "billed": Count("pk", filter=still_billed),
        "ended": Count("pk", filter=unpaid & ~still_billed),
        **programme_totals(programmes),
    }
    if pairs:
        expected = amount_expression(month, pairs, rates, kinds, prefix="membership__")
        counts["stale"] = Count("pk", filter=unpaid & still_billed & ~Q(amount=expected))
    row = ContributionLine.objects.filter(month=month).aggregate(**counts)
    return {
        "billed": row["billed"],
        "ended": row["ended"],
        "stale": row.get("stale", 0),
        "by_programme": {code: row[f"programme_{code}"] for code in sorted(programmes) if row[f"programme_{code}"]},
    }


def programme_totals(programmes) -> dict:
    """Aggregates over contribution lines: "programme_<code>", the amount of that programme (0 without one)."""
    return {f"programme_{code}": Coalesce(Sum("amount", filter=Q(programme_id=code)), 0) for code in programmes}


def refresh_invoices(month: str) -> dict[str, int]:
    """Recompute each invoice of the month from its lines, in one pass; returns the total per programme."""
    programmes = list(Programme.objects.values_list("code", flat=True))
    lines = ContributionLine.objects.filter(month=month).order_by()
    totals = {
        "lines": Count("pk"),
        "members": Count("person_id", distinct=True),
        "total": Sum("amount"),
        "paid": Coalesce(Sum("amount", filter=Q(payment__isnull=False)), 0),
        **programme_totals(programmes),
    }
    month_invoices = list(Invoice.objects.filter(month=month).values_list("pk", flat=True))
    if len(month_invoices) == 1:
        # The usual month, one payer: no grouping, which would sort every line first.
        rows = [{"invoice": month_invoices[0], **lines.aggregate(**totals)}]
        rows = [row for row in rows if row["lines"]]
    else:
        rows = lines.values("invoice").annotate(**totals)
    by_programme: dict[str, int] = {}
    invoices = set()
    for row in rows:
        invoices.add(row["invoice"])
        for code in programmes:
            if row[f"programme_{code}"]:
                by_programme[code] = by_programme.get(code, 0) + row[f"programme_{code}"]
        Invoice.objects.filter(pk=row["invoice"]).update(
            lines=row["lines"], members=row["members"], total=row["total"], paid=row["paid"], updated_at=timezone.now()
        )
    Invoice.objects.filter(month=month).exclude(pk__in=invoices).filter(payments__isnull=True).delete()
    Invoice.objects.filter(month=month).exclude(pk__in=invoices).update(lines=0, members=0, total=0, paid=0)
    return dict(sorted(by_programme.items()))


def billing_report(month: str, by_programme: dict | None = None, **changes) -> BillingReport:
    invoices = list(Invoice.objects.filter(month=month).select_related("payer"))
    if by_programme is None:
        by_programme = dict(
            ContributionLine.objects.filter(month=month).order_by("programme_id").values_list("programme_id").annotate(s=Sum("amount"))
        )
    by_payer: dict[str, int] = {}
    for invoice in invoices:
        by_payer[invoice.payer.name] = by_payer.get(invoice.payer.name, 0) + invoice.total
    if len(invoices) == 1:
        members = invoices[0].members
    else:  # someone may have programmes from two payers
        members = ContributionLine.objects.filter(month=month).values("person_id").distinct().count()
    return BillingReport(
        month=month,
        members=members,
        lines=sum(i.lines for i in invoices),
        total=sum(i.total for i in invoices),
        by_programme=by_programme,
        by_payer=by_payer,
        **{"added": 0, "repriced": 0, "removed": 0, **changes},
    )


# Membership status ----------------------------------------------------------------------------------


def refresh_membership_status(user=None) -> dict:
    """Inactive after `lapse_after_unpaid_months` consecutive unpaid billed months; active again once paid.

    Judged on the latest billed months, so paying the most recent arrears resumes protection.
    """
    latest = ContributionLine.objects.order_by("-month").values_list("month", flat=True).first()
    if latest is None:
        return {"inactive": 0, "active": 0}
    months = lapse_after(latest)
    oldest = add_months(latest, 1 - months)
    # Driven by the oldest month's unpaid lines, usually few: each is kept only if every later month of
    # the window is unpaid too.
    lapsed = ContributionLine.objects.filter(month=oldest, payment__isnull=True)
    for later in range(1, months):
        lapsed = lapsed.filter(
            Exists(
                ContributionLine.objects.filter(
                    membership=OuterRef("membership"), month=add_months(oldest, later), payment__isnull=True
                )
            )
        )
    lapsed = lapsed.values("membership")
    to_inactive = Membership.objects.filter(status=MembershipStatus.ACTIVE, pk__in=lapsed)
    # Inactive ones are few: each is checked month by month (NOT IN over a subquery is slow on PostgreSQL).
    paid_since = Q()
    for month in months_between(oldest, latest):
        paid_since |= ~Exists(
            ContributionLine.objects.filter(membership=OuterRef("pk"), month=month, payment__isnull=True)
        )
    to_active = Membership.objects.filter(paid_since, status=MembershipStatus.INACTIVE)
    _record_changes(to_inactive, MembershipStatus.INACTIVE, latest, f"{months} consecutive unpaid months", user)
    _record_changes(to_active, MembershipStatus.ACTIVE, latest, "arrears paid", user)
    # Neither update changes the other's set: the lapsed ones stay out of to_active.
    active = to_active.update(status=MembershipStatus.ACTIVE)
    inactive = to_inactive.update(status=MembershipStatus.INACTIVE)
    return {"inactive": inactive, "active": active}


# Payments -------------------------------------------------------------------------------------------


def record_payment(
    invoice: Invoice, amount: int, paid_on: date, reference: str = "", area=None, user=None
) -> Payment:
    """Record money received against an invoice and allocate it to whole members, in a stable order.

    Members are paid in full or not at all (all their programmes for the month), in order of
    registration; what is left over stays on the payment as unallocated credit. With `area`
    (a kecamatan or village), only members billed in that area are paid.
    """
    if amount <= 0:
        raise BillingError("Jumlah pembayaran harus lebih dari 0 / the amount paid must be more than 0")
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if amount > invoice.outstanding:
            raise BillingError(
                f"Pembayaran Rp {amount:,} melebihi sisa tagihan Rp {invoice.outstanding:,} / "
                f"the payment of Rp {amount:,} exceeds the Rp {invoice.outstanding:,} still owed"
            )
        payment = Payment.objects.create(
            invoice=invoice, amount=amount, paid_on=paid_on, reference=reference, area=area, recorded_by=user
        )
        unpaid = ContributionLine.objects.filter(month=invoice.month, invoice=invoice, payment__isnull=True)
        if area is not None:
            unpaid = unpaid.filter(Q(village_id=area.code) | Q(village__code__startswith=f"{area.code}."))
        unpaid_now = unpaid.aggregate(owed=Sum("amount"), lines=Count("pk"))
        owed = unpaid_now["owed"] or 0
        # The distinct count is a second pass over every line: skipped when the answer is already known.
        if unpaid_now["lines"] == invoice.lines:
            members_paid = invoice.members
        if amount < owed:
            # Whole members in registration order, as many as the money covers.
            per_person = read_frame(
                unpaid.order_by("person_id").values_list("person_id").annotate(s=Sum("amount")),
                {"person_id": pl.Int64, "amount": pl.Int64},
            ).filter(pl.col("amount").cum_sum() <= amount)
            unpaid = unpaid.filter(person_id__lte=per_person["person_id"].max()) if per_person.height else unpaid.none()
            members_paid = per_person.height
        elif unpaid_now["lines"] != invoice.lines:
            members_paid = unpaid.values("person_id").distinct().count()
        if unpaid.update(payment=payment) >= ANALYZE_AFTER:
            refresh_statistics(ContributionLine)
        payment.allocated = ContributionLine.objects.filter(month=invoice.month, payment=payment).aggregate(
            s=Sum("amount")
        )["s"] or 0
        payment.save(update_fields=["allocated"])
        Invoice.objects.filter(pk=invoice.pk).update(paid=F("paid") + payment.allocated, updated_at=timezone.now())
        refresh_membership_status(user=user)
        figures_changed(invoice.month)
        audit.record(
            "billing.payment",
            user=user,
            target=payment,
            summary=f"Rp {amount:,} for {invoice.number}",
            after={
                "invoice": invoice.number,
                "amount": amount,
                "allocated": payment.allocated,
                "members_paid": members_paid,
                "reference": reference,
                "area": area.code if area else None,
            },
        )
    return payment


@dataclass
class Statement:
    payer: Payer
    invoices: list
    billed: int
    paid: int  # allocated to members' lines
    credit: int = 0  # received, but too little for the next whole member: kept on the payments, not yet paying anyone

    @property
    def arrears(self) -> int:
        return self.billed - self.paid


def statement(payer: Payer, year: int | None = None) -> Statement:
    invoices = payer.invoices.order_by("month")
    if year:
        invoices = invoices.filter(month__startswith=f"{year}-")
    invoices = list(invoices)
    credit = Payment.objects.filter(invoice__in=invoices).aggregate(credit=Coalesce(Sum(F("amount") - F("allocated")), 0))
    return Statement(
        payer=payer,
        invoices=invoices,
        billed=sum(i.total for i in invoices),
        paid=sum(i.paid for i in invoices),
        credit=credit["credit"],
    )


BREAKDOWNS = ("kecamatan", "village", "segment", "programme")


def invoice_breakdown(invoice: Invoice, by: str) -> list[dict]:
    """An invoice's members, lines, total, paid and outstanding per kecamatan, village, segment or programme.

    Rows are sorted by key and carry the key's name (region name, segment label, programme name).
    """
    from lindung.billing.ledger import GROUPINGS
    from lindung.programmes.models import Programme
    from lindung.regions.models import Region
    from lindung.registry.models import Segment

    if by not in BREAKDOWNS:
        raise BillingError(f"Rincian tidak dikenal: {by} / unknown breakdown: {by}")
    rows = (
        ContributionLine.objects.filter(month=invoice.month, invoice=invoice)
        .order_by()
        .annotate(key=GROUPINGS[by])
        .values("key")
        .annotate(
            members=Count("person_id", distinct=True),
            lines=Count("pk"),
            total=Sum("amount"),
            paid=Coalesce(Sum("amount", filter=Q(payment__isnull=False)), 0),
        )
        .order_by("key")
    )
    if by in ("kecamatan", "village"):
        names = dict(Region.objects.filter(code__in=[r["key"] for r in rows]).values_list("code", "name"))
    elif by == "segment":
        names = {s.code: s.label for s in Segment.objects.all()}
    else:
        names = {p.code: p.name for p in Programme.objects.all()}
    return [
        {**row, "name": names.get(row["key"], row["key"]), "outstanding": row["total"] - row["paid"]} for row in rows
    ]

"""The membership lifecycle after enrolment: ending memberships (with a reason) and the yearly renewal.

Set-based: each step is a few statements over querysets (INSERT … SELECT for the status history, one
UPDATE per kind of change), never a loop over people. Every change is written to the membership's
history (MembershipChange) and to the audit log.
"""
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Case, CharField, F, IntegerField, Q, Value, When
from django.utils import timezone

from lindung.accounts import audit
from lindung.billing.models import Membership, MembershipChange, MembershipStatus
from lindung.bulk import insert_from_select
from lindung.coverage.aggregate import figures_changed
from lindung.enrolment.models import EligibilityPolicy
from lindung.months import month_start
from lindung.programmes.models import Payer

# Why a membership ends: code -> (Indonesian, English).
END_REASONS: dict[str, tuple[str, str]] = {
    "death": ("meninggal dunia", "died"),
    "moved_away": ("pindah ke luar kabupaten/kota", "moved out of the regency"),
    "over_age": ("di luar batas usia", "outside the age limits"),
    "budget_ended": ("anggaran berakhir", "the budget ended"),
    "withdrawn": ("mengundurkan diri atau dihapus dari daftar", "withdrew or was removed from the register"),
    "rejected": ("ditolak BPJS", "rejected by BPJS"),
}

# Checked in this order at renewal: the first that applies is the reason given.
RENEWAL_CHECKS = ("death", "withdrawn", "moved_away", "over_age")

REASON_LENGTH = MembershipChange._meta.get_field("reason").max_length
# Memberships that renewal carries over or drops (candidates and those sent to BPJS are not members yet).
RENEWABLE = [MembershipStatus.ACTIVE, MembershipStatus.INACTIVE]


class LifecycleError(ValueError):
    """Bad input for the membership lifecycle, with a message in Indonesian and English."""


def end_label(reason: str) -> str:
    """'meninggal dunia / died'."""
    indonesian, english = END_REASONS[reason]
    return f"{indonesian} / {english}"


def check_reason(reason: str) -> str:
    if reason not in END_REASONS:
        known = ", ".join(END_REASONS)
        raise LifecycleError(
            f"Alasan berakhir tidak dikenal: {reason!r} (pilihan: {known}) / "
            f"unknown reason for ending: {reason!r} (choose from: {known})"
        )
    return reason


def check_month(month: str) -> str:
    try:
        month_start(month)
    except ValueError:
        raise LifecycleError(
            f"Bulan harus ditulis YYYY-MM: {month!r} / the month must be written YYYY-MM: {month!r}"
        ) from None
    return month


def record_changes(memberships, status, month, reason, user=None) -> int:
    """One MembershipChange per membership of the queryset, in one INSERT … SELECT.

    `status`, `month` and `reason` are plain values or expressions over Membership (e.g. F("status")).
    Call it before the UPDATE that changes what the queryset selects.
    """

    def expression(value):
        return Value(value) if isinstance(value, str) else value

    return insert_from_select(
        MembershipChange,
        memberships,
        {
            "membership": F("pk"),
            "at": Value(timezone.now()),
            "month": expression(month),
            "status": expression(status),
            "reason": expression(reason),
            "user": Value(user.pk if user else None, output_field=IntegerField()),
        },
    )


def _end(memberships, reason: str, last_month: str, user=None, note: str = "") -> int:
    """End every membership of the queryset not ended yet; returns how many. No audit (callers do it); the
    coverage figures of the months they end in are marked for a rebuild."""
    text = end_label(reason) + (f": {note}" if note else "")
    targets = memberships.exclude(status=MembershipStatus.ENDED)
    # The last month covered: `last_month`, but never before the first month nor after an earlier end.
    end = Case(
        When(start_month__gt=last_month, then=F("start_month")),
        When(end_month__lt=last_month, then=F("end_month")),
        default=Value(last_month),
        output_field=CharField(),
    )
    record_changes(targets, MembershipStatus.ENDED, end, text[:REASON_LENGTH], user)
    ending_in = set(targets.annotate(ends=end).order_by().values_list("ends", flat=True).distinct())
    ended = targets.update(status=MembershipStatus.ENDED, end_month=end)
    if ended:
        figures_changed(*ending_in)
    return ended


def end_memberships(memberships, reason: str, last_month: str, user=None, note: str = "") -> int:
    """End the memberships of a queryset (those not ended already): status ended, covered until
    `last_month` (not before the first month, not after an earlier end month), the reason in their
    history and in the audit log. Returns how many memberships ended."""
    check_reason(reason)
    check_month(last_month)
    with transaction.atomic():
        ended = _end(memberships, reason, last_month, user=user, note=note)
        if ended:
            audit.record(
                "enrolment.end",
                user=user,
                summary=f"{ended} memberships ended at {last_month}: {end_label(reason)}",
                after={"reason": reason, "last_month": last_month, "memberships": ended, "note": note},
            )
    return ended


# The yearly renewal ---------------------------------------------------------------------------------


@dataclass
class RenewalReport:
    year: int
    payer: str
    carried: int = 0  # people carried over into the year
    dropped: dict = field(default_factory=dict)  # reason -> people
    people: list = field(default_factory=list)  # the people dropped: person_id, name, reason
    memberships_carried: int = 0
    memberships_ended: int = 0
    policy: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.memberships_carried or self.memberships_ended)

    def as_json(self) -> dict:
        return {
            "year": self.year,
            "payer": self.payer,
            "carried": self.carried,
            "dropped": self.dropped,
            "people": self.people,
            "memberships_carried": self.memberships_carried,
            "memberships_ended": self.memberships_ended,
            "policy": self.policy,
            "changed": self.changed,
        }


def renewal_conditions(year: int, policy: EligibilityPolicy, regency: str) -> dict[str, Q]:
    """For each reason of RENEWAL_CHECKS, the condition (over Membership) that drops someone on 1 January."""
    # Age in whole years on 1 January: over age_max when born on or before 1 January of year - age_max - 1,
    # under age_min when born after 1 January of year - age_min.
    oldest = date(year - policy.age_max - 1, 1, 1)
    youngest = date(year - policy.age_min, 1, 1)
    return {
        "death": Q(person__died_on__isnull=False),
        "withdrawn": Q(person__deleted_at__isnull=False),
        "moved_away": ~Q(person__village__code__startswith=f"{regency}."),
        "over_age": Q(person__birth_date__lte=oldest) | Q(person__birth_date__gt=youngest),
    }


def renew(payer: Payer, year: int, user=None, policy: EligibilityPolicy | None = None) -> RenewalReport:
    """Carry the payer's memberships that end in December of the year before into `year`, or drop them.

    Every active or inactive membership of `payer` whose end month is (year - 1)-12: when its person is
    still eligible on 1 January of `year` (alive, living in the regency, of an age within the eligibility
    policy in force that day) it is carried over (end month year-12, "renewed for YEAR" in its history);
    otherwise it ends at (year - 1)-12 with the reason: death, withdrawn (removed from the register),
    moved_away or over_age (outside the policy's age window), checked in that order. Safe to repeat:
    a second run for the same year finds nothing left to do.
    """
    if not 1900 < year < 9999:
        raise LifecycleError(f"Tahun tidak sah: {year} / not a valid year: {year}")
    day = date(year, 1, 1)
    if policy is None:
        try:
            policy = EligibilityPolicy.in_force(day)
        except LookupError:
            raise LifecycleError(
                f"Tidak ada kebijakan kelayakan yang berlaku pada {day} / no eligibility policy in force on {day}"
            ) from None
    previous, new_end = f"{year - 1:04d}-12", f"{year:04d}-12"
    report = RenewalReport(
        year=year, payer=payer.name, policy=f"{policy.effective_from}: age {policy.age_min}-{policy.age_max}"
    )
    conditions = renewal_conditions(year, policy, settings.LINDUNG_REGENCY)
    with transaction.atomic():

        def due():
            # Evaluated afresh each time: memberships ended by an earlier step drop out of it.
            return Membership.objects.filter(payer=payer, status__in=RENEWABLE, end_month=previous)

        for reason in RENEWAL_CHECKS:
            targets = due().filter(conditions[reason])
            people = list(
                targets.order_by("person__full_name", "person_id")
                .values_list("person_id", "person__full_name")
                .distinct()
            )
            if not people:
                continue
            report.people += [{"person_id": pk, "name": name, "reason": reason} for pk, name in people]
            report.dropped[reason] = len(people)
            report.memberships_ended += _end(targets, reason, previous, user=user, note=f"renewal {year}")
        carried = due()
        report.carried = carried.values("person_id").distinct().count()
        record_changes(carried, F("status"), f"{year:04d}-01", f"renewed for {year}", user)
        report.memberships_carried = carried.update(end_month=new_end)
        figures_changed(previous, f"{year:04d}-01")
        if report.changed:
            audit.record(
                "enrolment.renew",
                user=user,
                target=payer,
                summary=f"renewal {year} for {payer.name}: {report.carried} carried, "
                f"{sum(report.dropped.values())} dropped",
                after={k: v for k, v in report.as_json().items() if k != "people"},
            )
    return report

"""The protection ledger: who was protected in which month, and by which programmes.

A month is protected by a programme when that month's contribution for it is paid; a month not paid
is a month not protected. After `lapse_after_unpaid_months` (programmes/data/policy.csv: 3) consecutive
unpaid months the membership is inactive (lapsed) until paid.
"""
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F
from django.db.models.functions import Substr

from lindung.months import month_of, month_start, months_between

from lindung.programmes.policy import policy_value

PROTECTED, PARTIAL, UNPAID, LAPSED, NOT_BILLED, NOT_MEMBER = (
    "protected", "partial", "unpaid", "lapsed", "not_billed", "not_member"
)


@dataclass(frozen=True)
class MonthState:
    month: str
    status: str
    paid: tuple[str, ...] = ()
    unpaid: tuple[str, ...] = ()

    @property
    def protected(self) -> bool:
        return bool(self.paid)


def lapse_after(month: str) -> int:
    return policy_value("lapse_after_unpaid_months", month_start(month))


def month_states(months, memberships, lines, lapse_after_months: int) -> list[MonthState]:
    """The state of each month for one person.

    memberships: (programme, start_month, end_month or None); lines: (month, programme, paid).
    A billed month with nothing paid is `unpaid`, or `lapsed` from the lapse_after_months-th such month in a row.
    """
    billed: dict[str, dict[str, bool]] = {}
    for month, programme, paid in lines:
        billed.setdefault(month, {})[programme] = bool(paid)
    states = {}
    unpaid_run = 0
    first = min([*months, *billed], default=None)
    last = max([*months, *billed], default=None)
    wanted = set(months)
    for month in months_between(first, last) if first else []:
        programmes = billed.get(month)
        if programmes:
            paid = tuple(sorted(p for p, ok in programmes.items() if ok))
            unpaid = tuple(sorted(p for p, ok in programmes.items() if not ok))
            unpaid_run = 0 if paid else unpaid_run + 1
            if paid:
                status = PROTECTED if not unpaid else PARTIAL
            else:
                status = LAPSED if unpaid_run >= lapse_after_months else UNPAID
            state = MonthState(month, status, paid, unpaid)
        else:
            # Lapsing needs consecutive billed unpaid months, as refresh_membership_status judges it.
            unpaid_run = 0
            member = any(start <= month and (end is None or month <= end) for _, start, end in memberships)
            state = MonthState(month, NOT_BILLED if member else NOT_MEMBER)
        if month in wanted:
            states[month] = state
    return [states[month] for month in months]


def person_ledger(person, months: list[str]) -> list[MonthState]:
    from lindung.billing.models import ContributionLine

    from lindung.billing.models import BILLED_STATUSES

    memberships = list(
        person.memberships.filter(status__in=BILLED_STATUSES).values_list("pk", "programme_id", "start_month", "end_month")
    )
    if not memberships:
        return month_states(months, [], [], lapse_after(max(months)))
    # Months before the first asked for matter too: they decide whether an unpaid month has lapsed.
    since = min(start for _, _, start, _ in memberships)
    lines = ContributionLine.objects.filter(
        month__in=months_between(since, max(months)), membership__in=[m[0] for m in memberships]
    ).values_list("month", "programme_id", "payment_id")
    return month_states(
        months,
        [m[1:] for m in memberships], [(m, p, pay is not None) for m, p, pay in lines], lapse_after(max(months))
    )


def protection_on(person, day: date) -> MonthState:
    """Whether `person` was protected on `day` (for claims), and by which programmes."""
    return person_ledger(person, [month_of(day)])[0]


def protected_lines(month: str):
    from lindung.billing.models import ContributionLine

    return ContributionLine.objects.filter(month=month, payment__isnull=False)


def protected_people(month: str):
    """Ids of the people protected by at least one programme in `month` (a queryset, for bulk use)."""
    return protected_lines(month).order_by().values("person_id").distinct()


GROUPINGS = {
    "kecamatan": Substr("village_id", 1, 8),
    "village": F("village_id"),
    "segment": F("segment_id"),
    "programme": F("programme_id"),
}


def protected_count_by(month: str, by: str) -> dict[str, int]:
    """People protected in `month` per kecamatan, village, segment or programme."""
    rows = (
        protected_lines(month)
        .order_by()
        .annotate(key=GROUPINGS[by])
        .values("key")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("key", "n")
    )
    return dict(sorted(rows))

"""Was the worker protected on the incident date, by which programmes, and if not, why not.

`judge` is a pure function over plain values (the person's memberships and the protection ledger's
state of the incident's month); `check_protection` gathers those values for one person from the database.
A death not from a work accident is paid by JKM, a work accident (death or injury) by JKK: the worker is
protected for the incident when that programme's contribution for the month is paid.
"""
from dataclasses import asdict, dataclass, field
from datetime import date

from lindung.billing import ledger
from lindung.months import month_of, month_start

PAYING_PROGRAMME = {"death": "JKM", "work_death": "JKK", "work_accident": "JKK"}
BILLED = ("active", "inactive", "ended")
PENDING = ("candidate", "submitted")

# Why (not) protected; the texts are in views.coverage_text.
PROTECTED = "protected"
NOT_MEMBER = "not_member"               # never a member of any programme
NOT_IN_PROGRAMME = "not_in_programme"   # a member, but not of the programme that pays for this incident
PENDING_AT_BPJS = "pending"             # enrolment sent, BPJS has not confirmed it
REJECTED = "rejected"                   # BPJS refused the enrolment
NOT_STARTED = "not_started"             # the incident came before the membership began
ENDED = "ended"                         # the membership had ended before the incident
UNPAID = "unpaid"                       # the month's contribution was not paid
LAPSED = "lapsed"                       # inactive: consecutive unpaid months
NOT_BILLED = "not_billed"               # a member, but the month is not billed yet: cannot be confirmed


@dataclass(frozen=True)
class MembershipFacts:
    programme: str
    start_month: str
    end_month: str | None
    status: str
    declared_income: int | None = None
    end_reason: str = ""


@dataclass(frozen=True)
class Protection:
    protected: bool
    programme: str                      # the programme that pays for this kind of incident
    reason: str
    month: str
    paid_programmes: tuple[str, ...] = ()
    member_since: date | None = None    # first day of the programme's membership (the benefit's start)
    declared_income: int | None = None  # of the covering membership; None: the minimum basis
    detail: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        data = asdict(self)
        data["paid_programmes"] = list(self.paid_programmes)
        data["member_since"] = self.member_since.isoformat() if self.member_since else None
        return data


def judge(kind: str, day: date, memberships: list[MembershipFacts], state: ledger.MonthState | None) -> Protection:
    """Protected or not on `day` for an incident of `kind`, and why. `state` is the ledger's state of
    the month of `day` (None when the person has no billed membership)."""
    programme = PAYING_PROGRAMME[kind]
    month = month_of(day)

    def no(reason, **detail):
        paid = state.paid if state else ()
        return Protection(False, programme, reason, month, paid, detail=detail)

    if not memberships:
        return no(NOT_MEMBER)
    mine = [m for m in memberships if m.programme == programme]
    if not mine:
        return no(NOT_IN_PROGRAMME, programmes=sorted({m.programme for m in memberships}))
    billed = [m for m in mine if m.status in BILLED]
    if not billed:
        if any(m.status in PENDING for m in mine):
            return no(PENDING_AT_BPJS)
        return no(REJECTED)
    started = [m for m in billed if m.start_month <= month]
    if not started:
        return no(NOT_STARTED, start=min(m.start_month for m in billed))
    covering = [m for m in started if m.end_month is None or month <= m.end_month]
    if not covering:
        last = max(started, key=lambda m: m.end_month)
        return no(ENDED, end=last.end_month, end_reason=last.end_reason)
    current = max(covering, key=lambda m: m.start_month)
    since = month_start(min(m.start_month for m in covering))
    facts = {"member_since": since, "declared_income": current.declared_income}
    if state is None or state.status == ledger.NOT_BILLED:
        return Protection(False, programme, NOT_BILLED, month, **facts)
    if programme in state.paid:
        return Protection(True, programme, PROTECTED, month, state.paid, **facts)
    reason = LAPSED if state.status == ledger.LAPSED else UNPAID
    return Protection(False, programme, reason, month, state.paid, **facts)


def check_protection(person, kind: str, day: date) -> Protection:
    """judge() with the person's memberships and the protection ledger's state of the incident month."""
    from lindung.billing.models import MembershipChange

    rows = list(person.memberships.values_list(
        "pk", "programme_id", "start_month", "end_month", "status", "declared_income"
    ))
    ended = {pk for pk, *_rest, status, _income in rows if status == "ended"}
    reasons = dict(
        MembershipChange.objects.filter(membership__in=ended, status="ended")
        .order_by("membership_id", "at", "id").values_list("membership_id", "reason")
    ) if ended else {}
    facts = [MembershipFacts(programme, start, end, status, income, reasons.get(pk, ""))
             for pk, programme, start, end, status, income in rows]
    state = ledger.protection_on(person, day) if any(f.status in BILLED for f in facts) else None
    return judge(kind, day, facts, state)

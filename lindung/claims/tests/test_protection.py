"""The coverage check as a pure function (claims/protection.py judge) over memberships and the ledger's month."""
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from lindung.billing import ledger
from lindung.claims import protection
from lindung.claims.protection import MembershipFacts, judge

DAY = date(2025, 6, 10)
BOTH = [MembershipFacts("JKK", "2024-01", None, "active", 1_000_000), MembershipFacts("JKM", "2024-01", None, "active")]


def state(status, paid=(), unpaid=()):
    return ledger.MonthState("2025-06", status, tuple(paid), tuple(unpaid))


def test_paid_month_protects_by_the_paying_programme():
    got = judge("death", DAY, BOTH, state(ledger.PROTECTED, ["JKK", "JKM"]))
    assert (got.protected, got.programme, got.reason) == (True, "JKM", protection.PROTECTED)
    assert got.member_since == date(2024, 1, 1)
    work = judge("work_death", DAY, BOTH, state(ledger.PROTECTED, ["JKK", "JKM"]))
    assert (work.programme, work.declared_income) == ("JKK", 1_000_000)


def test_only_the_other_programme_paid_is_not_protected():
    got = judge("work_accident", DAY, BOTH, state(ledger.PARTIAL, ["JKM"], ["JKK"]))
    assert (got.protected, got.reason) == (False, protection.UNPAID)


def test_a_member_of_jkk_only_is_not_protected_for_a_natural_death():
    got = judge("death", DAY, BOTH[:1], state(ledger.PROTECTED, ["JKK"]))
    assert (got.reason, got.detail) == (protection.NOT_IN_PROGRAMME, {"programmes": ["JKK"]})


def test_pending_and_rejected_enrolments():
    pending = [MembershipFacts("JKM", "2025-01", None, "submitted")]
    assert judge("death", DAY, pending, None).reason == protection.PENDING_AT_BPJS
    rejected = [MembershipFacts("JKM", "2025-01", None, "rejected")]
    assert judge("death", DAY, rejected, None).reason == protection.REJECTED


def test_not_started_and_ended():
    later = [MembershipFacts("JKM", "2025-07", None, "active")]
    assert judge("death", DAY, later, None).detail == {"start": "2025-07"}
    ended = [MembershipFacts("JKM", "2024-01", "2025-03", "ended", end_reason="died")]
    got = judge("death", DAY, ended, state(ledger.NOT_MEMBER))
    assert (got.reason, got.detail) == (protection.ENDED, {"end": "2025-03", "end_reason": "died"})


def test_a_renewed_membership_counts_from_its_first_start():
    renewed = [MembershipFacts("JKM", "2022-05", "2024-12", "ended"), MembershipFacts("JKM", "2025-01", None, "active")]
    got = judge("death", DAY, renewed, state(ledger.PROTECTED, ["JKM"]))
    assert got.member_since == date(2025, 1, 1)  # the ended one does not cover the incident month


MONTH_STATES = st.sampled_from([ledger.PROTECTED, ledger.PARTIAL, ledger.UNPAID, ledger.LAPSED, ledger.NOT_BILLED])


@given(
    kind=st.sampled_from(["death", "work_death", "work_accident"]),
    status=MONTH_STATES,
    paid=st.sets(st.sampled_from(["JKK", "JKM", "JHT"])),
    start=st.sampled_from(["2024-01", "2025-06", "2025-07"]),
    end=st.sampled_from([None, "2025-05", "2025-06"]),
)
def test_protected_exactly_when_the_paying_programme_is_paid_in_a_covered_month(kind, status, paid, start, end):
    if end is not None and end < start:
        end = None
    memberships = [MembershipFacts(p, start, end, "ended" if end else "active") for p in ("JKK", "JKM")]
    got = judge(kind, DAY, memberships, state(status, sorted(paid)))
    covered = start <= "2025-06" and (end is None or end >= "2025-06")
    expected = covered and status != ledger.NOT_BILLED and protection.PAYING_PROGRAMME[kind] in paid
    assert got.protected == expected
    assert (got.reason == protection.PROTECTED) == got.protected
    assert (got.member_since is not None) == (covered and got.reason in (
        protection.PROTECTED, protection.UNPAID, protection.LAPSED, protection.NOT_BILLED))

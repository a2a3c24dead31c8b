"""The protection ledger as a pure function: billing/ledger.py month_states(months, memberships, lines, lapse).

DOMAIN.md: a month is protected by the programmes paid for it; after 3 consecutive unpaid months the
membership is inactive (lapsed) and protection stops; paying resumes it.
"""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.billing.ledger import (
    LAPSED, NOT_BILLED, NOT_MEMBER, PARTIAL, PROTECTED, UNPAID, MonthState, lapse_after, month_states,
)
from lindung.months import add_months, months_between

ALWAYS = [("JKK", "2026-01", None), ("JKM", "2026-01", None)]


def both(month, jkk=False, jkm=False):
    return [(month, "JKK", jkk), (month, "JKM", jkm)]


def statuses(months, memberships, lines, lapse=3):
    return [s.status for s in month_states(months, memberships, lines, lapse)]


def test_the_lapse_period_comes_from_policy():
    assert lapse_after("2026-01") == 3
    assert lapse_after("2015-07") == 3


def test_no_months_asked_no_states():
    assert month_states([], ALWAYS, both("2026-01"), 3) == []
    assert month_states([], [], [], 3) == []


# Membership without billing ------------------------------------------------------------------------


def test_someone_with_no_membership_is_not_a_member():
    assert month_states(["2026-01"], [], [], 3) == [MonthState("2026-01", NOT_MEMBER)]
    assert not month_states(["2026-01"], [], [], 3)[0].protected


def test_outside_the_membership_period_is_not_a_member():
    memberships = [("JKK", "2026-03", "2026-05")]
    assert statuses(months_between("2026-01", "2026-07"), memberships, []) == [
        NOT_MEMBER, NOT_MEMBER, NOT_BILLED, NOT_BILLED, NOT_BILLED, NOT_MEMBER, NOT_MEMBER,
    ]


def test_an_open_membership_runs_on():
    assert statuses(["2026-01", "2030-12"], [("JKK", "2026-01", None)], []) == [NOT_BILLED, NOT_BILLED]
    assert statuses(["2025-12"], [("JKK", "2026-01", None)], []) == [NOT_MEMBER]


def test_any_one_membership_makes_a_member():
    memberships = [("JKK", "2026-01", "2026-02"), ("JHT", "2026-04", None)]
    assert statuses(months_between("2026-01", "2026-05"), memberships, []) == [
        NOT_BILLED, NOT_BILLED, NOT_MEMBER, NOT_BILLED, NOT_BILLED,
    ]


def test_a_member_not_yet_billed_is_not_protected():
    [state] = month_states(["2026-01"], ALWAYS, [], 3)
    assert state == MonthState("2026-01", NOT_BILLED, (), ())
    assert not state.protected


# Paid, partly paid, unpaid --------------------------------------------------------------------------


def test_all_programmes_paid_is_protected():
    [state] = month_states(["2026-01"], ALWAYS, both("2026-01", jkk=True, jkm=True), 3)
    assert state == MonthState("2026-01", PROTECTED, ("JKK", "JKM"), ())
    assert state.protected


def test_one_of_two_programmes_paid_is_partial_and_still_protected():
    [state] = month_states(["2026-01"], ALWAYS, both("2026-01", jkk=False, jkm=True), 3)
    assert state == MonthState("2026-01", PARTIAL, ("JKM",), ("JKK",))
    assert state.protected


def test_nothing_paid_is_unpaid_and_not_protected():
    [state] = month_states(["2026-01"], ALWAYS, both("2026-01"), 3)
    assert state == MonthState("2026-01", UNPAID, (), ("JKK", "JKM"))
    assert not state.protected


def test_paid_and_unpaid_programmes_are_listed_in_order():
    lines = [("2026-01", "JKM", True), ("2026-01", "JHT", False), ("2026-01", "JKK", True)]
    [state] = month_states(["2026-01"], ALWAYS, lines, 3)
    assert (state.paid, state.unpaid) == (("JKK", "JKM"), ("JHT",))


def test_paid_is_whatever_is_truthy_such_as_a_payment_id():
    lines = [("2026-01", "JKK", 17), ("2026-01", "JKM", None)]
    assert month_states(["2026-01"], ALWAYS, lines, 3) == [MonthState("2026-01", PARTIAL, ("JKK",), ("JKM",))]


def test_a_billed_month_counts_even_outside_the_membership_record():
    # The lines are what was billed; the membership list only tells not_billed from not_member.
    assert statuses(["2026-01"], [], both("2026-01", jkk=True, jkm=True)) == [PROTECTED]
    assert statuses(["2026-01"], [], both("2026-01")) == [UNPAID]


# Lapse ----------------------------------------------------------------------------------------------


def test_the_third_unpaid_month_in_a_row_and_later_ones_are_lapsed():
    months = months_between("2026-01", "2026-06")
    lines = [line for month in months for line in both(month)]
    assert statuses(months, ALWAYS, lines) == [UNPAID, UNPAID, LAPSED, LAPSED, LAPSED, LAPSED]
    assert not any(s.protected for s in month_states(months, ALWAYS, lines, 3))


def test_paying_a_month_resets_the_run():
    months = months_between("2026-01", "2026-08")
    paid = {"2026-03", "2026-05"}
    lines = [line for m in months for line in both(m, jkk=m in paid, jkm=m in paid)]
    assert statuses(months, ALWAYS, lines) == [
        UNPAID, UNPAID, PROTECTED, UNPAID, PROTECTED, UNPAID, UNPAID, LAPSED,
    ]


def test_paying_after_a_lapse_resumes_protection_and_starts_a_new_run():
    months = months_between("2026-01", "2026-07")
    lines = [line for m in months for line in both(m, jkk=m == "2026-04", jkm=m == "2026-04")]
    assert statuses(months, ALWAYS, lines) == [UNPAID, UNPAID, LAPSED, PROTECTED, UNPAID, UNPAID, LAPSED]


def test_paying_one_programme_also_resets_the_run():
    months = months_between("2026-01", "2026-05")
    lines = [line for m in months for line in both(m, jkm=m == "2026-03")]
    assert statuses(months, ALWAYS, lines) == [UNPAID, UNPAID, PARTIAL, UNPAID, UNPAID]


@pytest.mark.parametrize(
    "lapse, expected",
    [
        (1, [LAPSED, LAPSED, LAPSED, LAPSED]),
        (2, [UNPAID, LAPSED, LAPSED, LAPSED]),
        (3, [UNPAID, UNPAID, LAPSED, LAPSED]),
        (4, [UNPAID, UNPAID, UNPAID, LAPSED]),
        (5, [UNPAID, UNPAID, UNPAID, UNPAID]),
    ],
)
def test_the_lapse_period_is_a_parameter(lapse, expected):
    months = months_between("2026-01", "2026-04")
    lines = [line for m in months for line in both(m)]
    assert statuses(months, ALWAYS, lines, lapse) == expected


def test_unpaid_months_before_the_first_month_asked_for_count_toward_the_lapse():
    lines = both("2026-01") + both("2026-02") + both("2026-03")
    assert statuses(["2026-03"], ALWAYS, lines) == [LAPSED]
    assert statuses(["2026-02"], ALWAYS, lines) == [UNPAID]
    # A paid month before the window breaks the run just as well.
    lines = both("2025-12") + both("2026-01", True, True) + both("2026-02") + both("2026-03")
    assert statuses(["2026-03"], ALWAYS, lines) == [UNPAID]


def test_a_run_started_long_before_the_window_still_lapses():
    history = months_between("2024-01", "2026-06")
    lines = [line for m in history for line in both(m)]
    assert statuses(["2026-06"], ALWAYS, lines) == [LAPSED]


def test_months_after_the_last_asked_for_change_nothing():
    lines = both("2026-01") + both("2026-02", True, True) + both("2026-03") + both("2026-04")
    assert statuses(["2026-01"], ALWAYS, lines) == [UNPAID]
    assert statuses(["2026-02"], ALWAYS, lines) == [PROTECTED]


def test_a_break_in_membership_ends_the_unpaid_run():
    # Jan and Feb unpaid, membership ended in February; re-enrolled in May and May not (yet) paid.
    # Three unpaid months, but not consecutive: the person was not a member in March and April, so the
    # May month is "unpaid", not "lapsed" (billing's refresh_membership_status also wants consecutive months).
    memberships = [("JKK", "2026-01", "2026-02"), ("JKK", "2026-05", None)]
    lines = [("2026-01", "JKK", False), ("2026-02", "JKK", False), ("2026-05", "JKK", False)]
    assert statuses(months_between("2026-01", "2026-05"), memberships, lines) == [
        UNPAID, UNPAID, NOT_MEMBER, NOT_MEMBER, UNPAID,
    ]


# Which months come back -----------------------------------------------------------------------------


def test_only_the_months_asked_for_come_back_in_order():
    lines = [line for m in months_between("2025-10", "2026-06") for line in both(m, m >= "2026-02", True)]
    asked = ["2025-09", "2025-11", "2026-02", "2026-03", "2026-07"]
    states = month_states(asked, ALWAYS, lines, 3)
    assert [s.month for s in states] == asked
    assert [s.status for s in states] == [NOT_MEMBER, PARTIAL, PROTECTED, PROTECTED, NOT_BILLED]


def test_a_month_asked_for_far_from_the_lines():
    assert statuses(["2020-01", "2030-01"], ALWAYS, both("2026-01")) == [NOT_MEMBER, NOT_BILLED]


def test_months_come_back_in_the_order_asked_for():
    states = month_states(["2026-03", "2026-01"], ALWAYS, both("2026-01", True, True), 3)
    assert [s.month for s in states] == ["2026-03", "2026-01"]


def test_one_state_per_month_asked_for():
    states = month_states(["2026-01", "2026-01"], ALWAYS, both("2026-01", True, True), 3)
    assert [s.month for s in states] == ["2026-01", "2026-01"]


# Properties -----------------------------------------------------------------------------------------

PROGRAMMES = ("JHT", "JKK", "JKM")
start_months = st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(2024, 2027), st.integers(1, 12))
# One billed month: the programmes billed and whether each was paid.
billed_months = st.dictionaries(st.sampled_from(PROGRAMMES), st.booleans(), min_size=1)


def reference_states(asked, memberships, billed, lapse):
    """The rule read off the domain text, month by month, looking back rather than counting forward."""
    states = []
    for month in asked:
        programmes = billed.get(month)
        if programmes is None:
            member = any(s <= month and (e is None or month <= e) for _, s, e in memberships)
            states.append(MonthState(month, NOT_BILLED if member else NOT_MEMBER))
            continue
        paid = tuple(sorted(p for p, ok in programmes.items() if ok))
        unpaid = tuple(sorted(p for p, ok in programmes.items() if not ok))
        if paid:
            status = PARTIAL if unpaid else PROTECTED
        else:
            in_a_row, back = 0, month
            while back in billed and not any(billed[back].values()):
                in_a_row += 1
                back = add_months(back, -1)
            status = LAPSED if in_a_row >= lapse else UNPAID
        states.append(MonthState(month, status, paid, unpaid))
    return states


@st.composite
def histories(draw):
    """A person billed every month from `first` for a while, with random payments; months asked around it."""
    first = draw(start_months)
    billed_run = draw(st.lists(billed_months, max_size=24))
    billed = {add_months(first, i): programmes for i, programmes in enumerate(billed_run)}
    end = draw(st.none() | st.integers(-1, len(billed_run) + 3))
    end_month = None if end is None else add_months(first, max(end, len(billed_run) - 1, 0))
    memberships = draw(st.sampled_from([[], [("JKK", first, end_month)], [("JKK", first, end_month), ("JKM", first, None)]]))
    window = months_between(add_months(first, -4), add_months(first, len(billed_run) + 4))
    asked = sorted(draw(st.sets(st.sampled_from(window), max_size=len(window))))
    lines = [(month, programme, paid) for month, programmes in billed.items() for programme, paid in programmes.items()]
    lines = draw(st.permutations(lines))
    lapse = draw(st.integers(1, 5))
    return asked, memberships, billed, lines, lapse


@given(histories())
def test_the_ledger_agrees_with_a_reference_reading_of_the_rule(history):
    asked, memberships, billed, lines, lapse = history
    assert month_states(asked, memberships, lines, lapse) == reference_states(asked, memberships, billed, lapse)


@given(histories())
def test_lapsed_months_are_counted_as_the_reference_counts_them(history):
    asked, memberships, billed, lines, lapse = history
    states = month_states(asked, memberships, lines, lapse)
    expected = reference_states(asked, memberships, billed, lapse)
    assert sum(s.status == LAPSED for s in states) == sum(s.status == LAPSED for s in expected)


@given(histories())
def test_protected_exactly_when_at_least_one_programme_is_paid(history):
    asked, memberships, billed, lines, lapse = history
    states = month_states(asked, memberships, lines, lapse)
    assert [s.month for s in states] == asked
    for state in states:
        paid_any = any(billed.get(state.month, {}).values())
        assert (state.status in (PROTECTED, PARTIAL)) == paid_any == state.protected
        assert set(state.paid) | set(state.unpaid) == set(billed.get(state.month, {}))
        assert not set(state.paid) & set(state.unpaid)
        assert (state.status in (NOT_BILLED, NOT_MEMBER)) == (state.month not in billed)


@given(histories(), st.integers(0, 30))
def test_asking_for_fewer_months_changes_none_of_their_states(history, keep_from):
    asked, memberships, billed, lines, lapse = history
    every = {s.month: s for s in month_states(asked, memberships, lines, lapse)}
    later = asked[keep_from:]
    assert month_states(later, memberships, lines, lapse) == [every[m] for m in later]


@given(histories())
def test_a_longer_lapse_period_never_lapses_more(history):
    asked, memberships, billed, lines, lapse = history
    shorter = month_states(asked, memberships, lines, lapse)
    longer = month_states(asked, memberships, lines, lapse + 1)
    assert {s.month for s in longer if s.status == LAPSED} <= {s.month for s in shorter if s.status == LAPSED}

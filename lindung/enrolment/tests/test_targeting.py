"""Targeting under a budget (issue 6): who is eligible, who comes first, how many a budget covers, the batch.

The issue's figures on the real demo register: Rp 15,302,044,800 for 12 months from 2026-01 covers all
75,903 people at Rp 16,800 a month; Rp 10,000,000,000 covers the 49,603 poorest.
"""
import itertools
import json
from datetime import date, datetime, timedelta
from io import StringIO

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Max, Min
from hypothesis import given
from hypothesis import strategies as st

from lindung.accounts.models import AuditEvent
from lindung.billing.models import ContributionLine, Membership, MembershipChange
from lindung.billing.services import enrol, run_billing
from lindung.enrolment.models import BatchMember, EligibilityPolicy, EnrolmentBatch
from lindung.enrolment.targeting import (
    TargetingError, birth_date_bounds, commit, cost_per_person, cover, eligible_people, preview, rank,
)
from lindung.programmes.models import BudgetLine, Payer
from lindung.registry.models import Person
from lindung.registry.services import create_person, delete_person, load_demo_register

SUKAWIJAYA = "32.16.04.2001"  # Tambelang, Kabupaten Bekasi
TELAGA_ASIH = "32.16.08.1008"  # Cikarang Barat
BEKASIJAYA = "32.75.01.1001"  # Kota Bekasi: the neighbouring city, not the regency
JANUARY = date(2026, 1, 1)
_niks = itertools.count(1)


def person(name="Warga", *, village=SUKAWIJAYA, segment="farmer", decile=None, born=date(1990, 6, 5), **fields):
    return create_person(
        source="test", nik=f"3216040506{next(_niks):06d}", kk=None, phone=None, full_name=name, birth_date=born,
        sex="L", village_id=village, segment_id=segment, welfare_decile=decile, **fields,
    )


def lindung(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def policy(db):
    return EligibilityPolicy.in_force(JANUARY)


def apbd():
    return Payer.objects.get(kind="apbd")


def budget_lines(payer, year, jkk, jkm):
    BudgetLine.objects.create(payer=payer, fiscal_year=year, programme_id="JKK", amount=jkk)
    BudgetLine.objects.create(payer=payer, fiscal_year=year, programme_id="JKM", amount=jkm)


# Cost per person ------------------------------------------------------------------------------------


def test_a_year_on_the_regency_budget_costs_16_800_a_month():
    assert cost_per_person(["JKK", "JKM"], "2026-01", 12, "apbd") == 201_600
    assert cost_per_person(["JKK", "JKM", "JHT"], "2026-01", 1, "apbd") == 36_800


def test_a_worker_paying_himself_gets_the_pp_50_2025_discount_in_2026_only():
    # November and December 2025 in full, January and February 2026 at half.
    assert cost_per_person(["JKK", "JKM"], "2025-11", 4, "self") == 2 * 16_800 + 2 * 8_400
    # July 2026 to June 2027: six discounted months, then the discount ends.
    assert cost_per_person(["JKK", "JKM"], "2026-07", 12, "self") == 6 * 8_400 + 6 * 16_800
    # The regency budget never had the discount.
    assert cost_per_person(["JKK", "JKM"], "2025-11", 4, "apbd") == 4 * 16_800


# Priority (pure) ------------------------------------------------------------------------------------


def frame(rows):
    """rows: (person_id, decile, segment, minutes after a registration day)."""
    base = datetime(2025, 1, 1)
    return pl.DataFrame(
        {
            "person_id": [r[0] for r in rows],
            "welfare_decile": [r[1] for r in rows],
            "segment": [r[2] for r in rows],
            "created_at": [base + timedelta(minutes=r[3]) for r in rows],
            "village_id": [SUKAWIJAYA] * len(rows),
        },
        schema={"person_id": pl.Int64, "welfare_decile": pl.Int8, "segment": pl.String,
                "created_at": pl.Datetime("us"), "village_id": pl.String},
    )


def test_poorest_first_then_segment_priority_then_who_registered_first():
    ranked = rank(
        frame([
            (1, None, "farmer", 0),    # unknown decile: last
            (2, 3, "driver", 0),
            (3, 1, "other", 5),
            (4, 1, "fisher", 9),       # decile 1, fisher listed first: before the farmer and 'other'
            (5, 1, "farmer", 7),
            (6, 1, "farmer", 3),       # same decile and segment as 5, registered earlier
            (7, 3, "astronaut", 0),    # a segment nobody listed: after every listed one
        ]),
        ["fisher", "farmer", "driver", "other"],
    )
    assert ranked["person_id"].to_list() == [4, 6, 5, 3, 2, 7, 1]
    assert ranked["rank"].to_list() == [1, 2, 3, 4, 5, 6, 7]


def test_equal_in_everything_the_lower_id_comes_first():
    assert rank(frame([(9, 2, "farmer", 0), (8, 2, "farmer", 0)]), ["farmer"])["person_id"].to_list() == [8, 9]


SEGMENTS = ["farmer", "fisher", "driver", "other"]
people_rows = st.lists(
    st.tuples(st.one_of(st.none(), st.integers(1, 10)), st.sampled_from(SEGMENTS), st.integers(0, 50)), max_size=60
)


@given(people_rows, st.permutations(SEGMENTS))
def test_rank_is_a_priority_order_of_everyone(rows, order):
    ranked = rank(frame([(i + 1, *row) for i, row in enumerate(rows)]), list(order))
    assert ranked["rank"].to_list() == list(range(1, len(rows) + 1))
    assert sorted(ranked["person_id"].to_list()) == list(range(1, len(rows) + 1))
    keys = [
        (d is None, d or 0, order.index(s), c, p)
        for p, d, s, c in ranked.select("person_id", "welfare_decile", "segment", "created_at").iter_rows()
    ]
    assert keys == sorted(keys)


costs_st = st.lists(st.integers(0, 500_000), max_size=80)


@given(costs_st, st.integers(0, 10_000_000))
def test_the_covered_never_cost_more_than_the_budget(costs, budget):
    covered = cover(pl.Series(costs, dtype=pl.Int64), budget)
    assert sum(costs[:covered]) <= budget
    # ... and the next person in line would not have fitted.
    assert covered == len(costs) or sum(costs[: covered + 1]) > budget


@given(costs_st, st.integers(0, 10_000_000), st.integers(0, 10_000_000))
def test_more_budget_never_covers_fewer_people(costs, budget, more):
    series = pl.Series(costs, dtype=pl.Int64)
    assert cover(series, budget + more) >= cover(series, budget)


def test_age_bounds_on_the_first_day_of_the_month():
    assert birth_date_bounds(15, 65, JANUARY) == (date(1960, 1, 2), date(2011, 1, 1))


# Eligibility ----------------------------------------------------------------------------------------


def test_who_is_eligible(policy):
    eligible = {
        "fifteen today": person("Lima Belas", born=date(2011, 1, 1)),
        "sixty-five until tomorrow": person("Enam Lima", born=date(1960, 1, 2)),
        "dies later": person("Nanti", died_on=date(2026, 3, 1)),
        "ended membership": person("Pernah"),
        "other programme": person("JHT saja"),
    }
    not_eligible = {
        "fifteen tomorrow": person("Empat Belas", born=date(2011, 1, 2)),
        "sixty-six today": person("Enam Enam", born=date(1960, 1, 1)),
        "outside the regency": person("Kota", village=BEKASIJAYA),
        "deleted": person("Hapus"),
        "dead": person("Almarhum", died_on=date(2025, 12, 31)),
        "dead on the first day": person("Almarhumah", died_on=date(2026, 1, 1)),
        "already a member": person("Anggota"),
        "a candidate already": person("Calon"),
    }
    delete_person(not_eligible["deleted"], source="test")
    payer = apbd()
    enrol(Person.objects.filter(pk=not_eligible["already a member"].pk), ["JKK"], payer, "2025-06")
    Membership.objects.create(person=not_eligible["a candidate already"], programme_id="JKM", payer=payer,
                              start_month="2026-01", end_month="2026-12", status="candidate")
    Membership.objects.create(person=eligible["ended membership"], programme_id="JKK", payer=payer,
                              start_month="2024-01", end_month="2025-12", status="ended")
    enrol(Person.objects.filter(pk=eligible["other programme"].pk), ["JHT"], payer, "2025-01")

    found = set(eligible_people(policy, "2026-01", ["JKK", "JKM"]).values_list("full_name", flat=True))
    assert found == {p.full_name for p in eligible.values()}


def test_a_membership_ending_before_the_period_does_not_count_but_one_starting_inside_does(policy):
    leaving, joining = person("Keluar"), person("Masuk")
    payer = apbd()
    Membership.objects.create(person=leaving, programme_id="JKK", payer=payer, start_month="2025-01",
                              end_month="2025-12", status="active")
    Membership.objects.create(person=joining, programme_id="JKK", payer=payer, start_month="2026-06", status="active")
    assert set(eligible_people(policy, "2026-01", ["JKK"], months=3)) == {leaving, joining}
    assert set(eligible_people(policy, "2026-01", ["JKK"], months=12)) == {leaving}


def test_segments_out_of_scope_are_not_eligible(db):
    farmer, driver = person("Tani", segment="farmer"), person("Ojek", segment="driver")
    policy = EligibilityPolicy.objects.create(effective_from=date(2026, 1, 1), segments=["farmer"], source="test")
    assert EligibilityPolicy.in_force(JANUARY) == policy
    assert list(eligible_people(policy, "2026-01", ["JKK", "JKM"])) == [farmer]
    assert preview(10**9, 12, "2026-01").eligible == 1
    assert driver not in eligible_people(policy, "2026-01", ["JKK"])


# Preview --------------------------------------------------------------------------------------------


def test_a_preview_covers_the_poorest_the_budget_pays_for(policy):
    poor = person("Miskin", decile=1, village=TELAGA_ASIH)
    middle = person("Sedang", decile=4, segment="driver")
    unknown = person("Belum Terdata", decile=None)
    result = preview(2 * 201_600 + 201_599, 12, "2026-01")
    assert (result.eligible, result.covered, result.cost, result.cost_per_person) == (3, 2, 403_200, 201_600)
    assert result.by_kecamatan == {"32.16.04": 1, "32.16.08": 1}
    assert result.by_segment == {"farmer": 1, "driver": 1}
    assert result.outside == [{"rank": 3, "person_id": unknown.pk, "full_name": "Belum Terdata",
                               "welfare_decile": None, "segment": "farmer", "village_id": SUKAWIJAYA}]
    assert result.ranking["person_id"].to_list() == [poor.pk, middle.pk, unknown.pk]
    assert result.payer.name == "APBD Pemerintah Daerah" and result.programmes == ["JKK", "JKM"]
    assert result.policy == policy
    # No allocation recorded for 2026: a warning in both languages.
    assert "belum ada pagu" in result.budget_warning and "no budget allocation recorded" in result.budget_warning
    assert set(result.as_json()) == {
        "budget", "months", "covered", "cost", "by_kecamatan", "by_segment", "start_month", "eligible",
        "cost_per_person", "payer", "budget_warning", "programmes",
    }


def test_segment_priority_decides_between_equally_poor_people(db):
    EligibilityPolicy.objects.create(effective_from=date(2025, 7, 1), segment_priority=["fisher"], source="test")
    farmer = person("Tani", decile=2, segment="farmer")
    fisher = person("Nelayan", decile=2, segment="fisher")
    result = preview(201_600, 12, "2026-01")
    assert result.covered == 1
    assert result.outside[0]["person_id"] == farmer.pk
    assert result.ranking["person_id"][0] == fisher.pk


@pytest.mark.parametrize(
    "args, message",
    [
        ((-1, 12, "2026-01"), "the budget must be whole Rupiah"),
        ((1.5, 12, "2026-01"), "the budget must be whole Rupiah"),
        ((1000, 0, "2026-01"), "months must be 1 to 60"),
        ((1000, 61, "2026-01"), "months must be 1 to 60"),
        ((1000, 12, "2026-13"), "must be written YYYY-MM"),
        ((1000, 12, "Januari"), "must be written YYYY-MM"),
        ((1000, 12, "2022-12"), "no eligibility policy in force"),
    ],
)
def test_bad_input_is_refused_in_both_languages(db, args, message):
    with pytest.raises(TargetingError, match=message) as refused:
        preview(*args)
    assert " / " in str(refused.value)


def test_unknown_programmes_are_refused(db):
    with pytest.raises(TargetingError, match="unknown programmes: \\['JKP'\\]"):
        preview(1000, 12, "2026-01", programmes=["JKK", "JKP"])


# Commit ---------------------------------------------------------------------------------------------


def test_commit_makes_candidates_that_billing_does_not_bill(make_user, policy):
    officer = make_user("dinas")
    first, second, third = person("Satu", decile=1), person("Dua", decile=2), person("Tiga", decile=9)
    budget_lines(apbd(), 2026, 10**9, 10**9)
    result = preview(2 * 201_600, 12, "2026-01")
    assert result.budget_warning is None
    batch = commit(result, user=officer, note="APBD 2026 tahap 1")

    batch = EnrolmentBatch.objects.get(pk=batch.pk)
    assert (batch.kind, batch.payer, batch.programmes, batch.start_month, batch.months) == (
        "targeting", apbd(), ["JKK", "JKM"], "2026-01", 12)
    assert (batch.budget, batch.people, batch.cost, batch.created_by, batch.note) == (
        403_200, 2, 403_200, officer, "APBD 2026 tahap 1")
    assert list(BatchMember.objects.filter(batch=batch).values_list("person_id", "rank", "cost", "status")) == [
        (first.pk, 1, 201_600, "candidate"), (second.pk, 2, 201_600, "candidate")]
    memberships = Membership.objects.filter(person__in=[first, second])
    assert sorted(memberships.values_list("person_id", "programme_id", "status", "start_month", "end_month",
                                          "payer__kind", "created_by")) == sorted(
        (p.pk, code, "candidate", "2026-01", "2026-12", "apbd", officer.pk)
        for p in (first, second) for code in ("JKK", "JKM"))
    assert not Membership.objects.filter(person=third).exists()
    changes = MembershipChange.objects.filter(membership__in=memberships)
    assert changes.count() == 4
    assert set(changes.values_list("status", "reason", "month", "user")) == {
        ("candidate", f"targeted in batch #{batch.pk}", "2026-01", officer.pk)}
    event = AuditEvent.objects.get(action="enrolment.commit")
    assert (event.user, event.target_id, event.after["covered"]) == (officer, str(batch.pk), 2)

    # Candidates are not members yet: the billing run owes nothing for them.
    report = run_billing("2026-01")
    assert (report.members, report.total) == (0, 0)
    assert not ContributionLine.objects.exists()
    # ... and they are no longer eligible for another batch.
    assert preview(10**9, 12, "2026-01").eligible == 1


def test_commit_refuses_a_budget_warning_unless_allowed(policy):
    person("Satu", decile=1)
    result = preview(201_600, 12, "2026-01")
    assert result.budget_warning
    with pytest.raises(TargetingError, match="no budget allocation recorded"):
        commit(result)
    assert not EnrolmentBatch.objects.exists() and not Membership.objects.exists()
    batch = commit(result, allow_over_budget=True)
    assert batch.people == 1
    assert AuditEvent.objects.get(action="enrolment.commit").after["over_budget_allowed"] is True


def test_commit_refuses_a_preview_that_is_out_of_date(policy):
    budget_lines(apbd(), 2026, 10**9, 10**9)
    first, _ = person("Satu", decile=1), person("Dua", decile=2)
    result = preview(201_600, 12, "2026-01")
    enrol(Person.objects.filter(pk=first.pk), ["JKK"], apbd(), "2026-01")  # someone enrolled him meanwhile
    with pytest.raises(TargetingError, match="changed since the preview \\(2 then, 1 now\\): preview again"):
        commit(result)
    assert not EnrolmentBatch.objects.exists()
    assert not Membership.objects.filter(status="candidate").exists()


def test_committing_the_same_preview_twice_is_refused(policy):
    budget_lines(apbd(), 2026, 10**9, 10**9)
    person("Satu", decile=1)
    result = preview(201_600, 12, "2026-01")
    commit(result)
    with pytest.raises(TargetingError, match="preview again"):
        commit(result)
    assert EnrolmentBatch.objects.count() == 1


def test_a_budget_covering_nobody_commits_nothing(policy):
    person("Satu", decile=1)
    result = preview(201_599, 12, "2026-01")
    assert result.covered == 0 and result.budget_warning is None
    with pytest.raises(TargetingError, match="covers nobody"):
        commit(result)


# The command ----------------------------------------------------------------------------------------


def test_the_command_commits_and_prints_the_batch(policy):
    budget_lines(apbd(), 2026, 10**9, 10**9)
    person("Satu", decile=1)
    person("Dua", decile=2)
    summary = lindung("target", "--budget", "Rp 201.600", "--months", "12", "--from", "2026-01")
    assert "Eligible 2; covered 1 for Rp 201,600" in summary and "--commit" in summary
    assert not EnrolmentBatch.objects.exists()
    printed = json.loads(lindung("target", "--budget", "201600", "--months", "12", "--from", "2026-01",
                                 "--commit", "--note", "uji", "--json"))
    batch = EnrolmentBatch.objects.get()
    assert printed["batch"] == batch.pk and printed["covered"] == 1 and batch.note == "uji"


@pytest.mark.parametrize(
    "args, message",
    [
        (("--budget", "sepuluh", "--months", "12", "--from", "2026-01"), "the budget must be whole Rupiah"),
        (("--budget", "-5", "--months", "12", "--from", "2026-01"), "the budget must be whole Rupiah"),
        (("--budget", "1000", "--months", "0", "--from", "2026-01"), "months must be 1 to 60"),
        (("--budget", "1000", "--months", "12", "--from", "2026-1"), "the month must be written YYYY-MM"),
        (("--budget", "1000", "--months", "12", "--from", "2026-01", "--payer", "nobody"), "unknown payer"),
        (("--budget", "1000", "--months", "12", "--from", "2026-01", "--programmes", "JKP"), "unknown programmes"),
        (("--budget", "201600", "--months", "12", "--from", "2026-01", "--commit"), "no budget allocation"),
    ],
)
def test_the_command_refuses_bad_input_in_both_languages(policy, args, message):
    person("Satu", decile=1)
    with pytest.raises(CommandError, match=message) as refused:
        call_command("target", *args, stdout=StringIO())
    assert " / " in str(refused.value)
    assert not EnrolmentBatch.objects.exists()


# The demo register ----------------------------------------------------------------------------------

WHOLE_YEAR = 15_302_044_800  # 75,903 x Rp 16,800 x 12 (DOMAIN.md's check figure)


@pytest.fixture(scope="module")
def demo_register(django_db_setup, django_db_blocker):
    """The demo register as of 2026-01-01 with the 2026 APBD lines for a whole year (rolled back afterwards)."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_register(workers=75_903, seed=1, today=JANUARY)
        budget_lines(apbd(), 2026, 75_903 * 10_000 * 12, 75_903 * 6_800 * 12)
        yield
        transaction.set_rollback(True)


def test_the_whole_year_budget_covers_all_75_903_at_16_800_a_month(demo_register, db):
    result = preview(WHOLE_YEAR, 12, "2026-01")
    assert (result.eligible, result.covered) == (75_903, 75_903)
    assert (result.cost_per_person, result.cost) == (201_600, WHOLE_YEAR)
    assert result.budget_warning is None and result.outside == []
    assert sum(result.by_kecamatan.values()) == sum(result.by_segment.values()) == 75_903
    assert len(result.by_kecamatan) == 23 and result.by_segment["farmer"] == 28_800


def test_ten_billion_covers_the_49_603_poorest(demo_register, db):
    result = preview(10_000_000_000, 12, "2026-01")
    assert (result.eligible, result.covered, result.cost) == (75_903, 49_603, 49_603 * 201_600)
    assert result.budget_warning is None
    assert len(result.outside) == 20 and result.outside[0]["rank"] == 49_604
    batch = commit(result)

    chosen = Person.objects.filter(pk__in=BatchMember.objects.filter(batch=batch).values("person"))
    left_out = Person.objects.exclude(pk__in=chosen.values("pk"))
    assert (chosen.count(), left_out.count()) == (49_603, 26_300)
    # Every covered person is at least as poor as everyone left out; the unknown deciles come last.
    assert not chosen.filter(welfare_decile__isnull=True).exists()
    assert chosen.aggregate(m=Max("welfare_decile"))["m"] <= left_out.aggregate(m=Min("welfare_decile"))["m"]
    assert left_out.filter(welfare_decile__isnull=True).count() == Person.objects.filter(
        welfare_decile__isnull=True).count()

    assert Membership.objects.filter(status="candidate", start_month="2026-01", end_month="2026-12").count() == 99_206
    assert MembershipChange.objects.filter(reason=f"targeted in batch #{batch.pk}").count() == 99_206
    assert run_billing("2026-01").members == 0
    # The next preview sees the rest; with the batch committed, the rest of the year's allocation pays exactly them.
    rest = preview(WHOLE_YEAR, 12, "2026-01")
    assert (rest.eligible, rest.covered, rest.cost) == (26_300, 26_300, WHOLE_YEAR - batch.cost)
    assert rest.budget_warning is None
    BudgetLine.objects.filter(fiscal_year=2026, programme="JKM").update(amount=75_903 * 6_800 * 12 - 1)
    assert "exceeds the allocation of Rp 15,302,044,799 by Rp 1" in preview(WHOLE_YEAR, 12, "2026-01").budget_warning
    assert "no budget allocation recorded for APBD Pemerintah Daerah in 2025" in preview(
        WHOLE_YEAR, 12, "2025-12").budget_warning


def test_the_command_prints_the_preview_as_json(demo_register, db):
    printed = json.loads(lindung("target", "--budget", "10000000000", "--months", "12", "--from", "2026-01", "--json"))
    assert {"budget", "months", "covered", "cost", "by_kecamatan", "by_segment", "start_month", "eligible",
            "cost_per_person", "payer", "budget_warning"} <= set(printed)
    assert (printed["budget"], printed["months"], printed["covered"], printed["cost"]) == (
        10_000_000_000, 12, 49_603, 49_603 * 201_600)
    assert sum(printed["by_kecamatan"].values()) == 49_603
    assert not EnrolmentBatch.objects.exists()

"""The benefit calculator (claims/benefits.py) against docs/DOMAIN.md, "Benefits (PP 82/2019; Permenaker 5/2021)".

JKM (death not from work): Rp 42,000,000 = lump sum 20 M + periodic 12 M paid at once + funeral 10 M;
*reported*: only Rp 10 M for a death within the first 3 months of membership. Scholarship after at
least 3 years of membership, at most 2 children, per child per year kindergarten 1.5 M (2 years),
primary 1.5 M (6), junior high 2 M (3), senior high 3 M (3), university or training 12 M (5): up to
Rp 174 M for two. JKK (work accident, wage = declared income): death 48 x wage, never less than the
JKM death benefit, plus funeral 10 M and periodic 12 M; total permanent disability 56 x wage; partial
anatomical disability table % x 80 x wage; temporary incapacity 100 % for 12 months, then 50 %;
transport at most 5 M land, 2 M sea, 10 M air; medical care without ceiling.
"""
import csv
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.claims.benefits import (
    BENEFITS_CSV, JKK_KINDS, KINDS, LEVELS, RULE_NAMES, UNITS, BenefitError, Estimate, Part,
    add_months, estimate, full_months, jkm_death_benefit, read_rules, rule_in_force, shipped_rules,
)

MEMBER = date(2020, 1, 1)
INCIDENT = date(2024, 5, 1)  # more than 4 years later: past the 3 months and the 3 years
SOURCE = "PP 82/2019 (DOMAIN.md)"
JKM = 42_000_000
FULL_CHILD = 87_000_000  # 2 x 1.5 + 6 x 1.5 + 3 x 2 + 3 x 3 + 5 x 12 million
FROM_LEVEL = {  # the most a child receives from this level on, every level in full
    "kindergarten": 87_000_000,
    "primary": 84_000_000,
    "junior_high": 75_000_000,
    "senior_high": 69_000_000,
    "university": 60_000_000,
}
PER_LEVEL = {  # (per year, at most years)
    "kindergarten": (1_500_000, 2),
    "primary": (1_500_000, 6),
    "junior_high": (2_000_000, 3),
    "senior_high": (3_000_000, 3),
    "university": (12_000_000, 5),
}


def amounts(result: Estimate) -> dict[str, int]:
    return {p.name: p.amount for p in result.parts}


def part(result: Estimate, name: str) -> Part:
    (found,) = [p for p in result.parts if p.name == name]
    return found


def extra_args(kind: str) -> dict:
    return {"partial_disability": {"percent": 10}, "temporary": {"months": 6}}.get(kind, {})


def with_rows(tmp_path, *rows: str):
    """The shipped rules plus `rows` (CSV lines), read from a temporary file."""
    path = tmp_path / "benefits.csv"
    path.write_text(BENEFITS_CSV.read_text(encoding="utf-8") + "".join(r + "\n" for r in rows), encoding="utf-8")
    return read_rules(path)


# The shipped data -----------------------------------------------------------------------------------


def test_every_rule_the_calculator_reads_is_shipped_once_with_a_source():
    rules = shipped_rules()
    assert sorted(r.name for r in rules) == sorted(RULE_NAMES)
    for r in rules:
        assert r.source.strip() and r.description.strip(), r
        assert r.unit in UNITS
        assert r.effective_from == date(2019, 12, 2)


def test_the_shipped_rules_are_the_csv_read_once():
    assert shipped_rules() == read_rules(BENEFITS_CSV) == read_rules()
    assert shipped_rules() is shipped_rules()


def test_the_shipped_csv_has_a_value_unit_and_date_on_every_row():
    with open(BENEFITS_CSV, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["name", "effective_from", "value", "unit", "description", "source"]
    assert all(row["value"].isdigit() and row["effective_from"] and row["source"] for row in rows)


def test_the_reported_new_member_rule_says_so():
    for name in ("jkm_new_member_months", "jkm_new_member_amount"):
        assert "reported" in rule_in_force(name, INCIDENT).source
    for name in set(RULE_NAMES) - {"jkm_new_member_months", "jkm_new_member_amount"}:
        assert "reported" not in rule_in_force(name, INCIDENT).source, name


@pytest.mark.parametrize(
    "name, value",
    [
        ("jkm_lump_sum", 20_000_000), ("jkm_periodic", 12_000_000), ("jkm_funeral", 10_000_000),
        ("jkm_new_member_months", 3), ("jkm_new_member_amount", 10_000_000),
        ("jkm_scholarship_min_membership_years", 3), ("jkk_scholarship_min_membership_years", 3),
        ("scholarship_max_children", 2), ("scholarship_total_max", 174_000_000),
        ("jkk_death_percent", 60), ("jkk_death_months", 80), ("jkk_funeral", 10_000_000),
        ("jkk_periodic", 12_000_000), ("jkk_total_disability_percent", 70), ("jkk_total_disability_months", 80),
        ("jkk_partial_disability_months", 80), ("jkk_stmb_first_months", 12), ("jkk_stmb_first_percent", 100),
        ("jkk_stmb_after_percent", 50), ("jkk_transport_land", 5_000_000), ("jkk_transport_sea", 2_000_000),
        ("jkk_transport_air", 10_000_000), ("jkk_medical_care", 0),
        *((f"scholarship_{level}_per_year", per_year) for level, (per_year, _) in PER_LEVEL.items()),
        *((f"scholarship_{level}_years", years) for level, (_, years) in PER_LEVEL.items()),
    ],
)
def test_the_figures_of_the_domain(name, value):
    assert rule_in_force(name, INCIDENT).value == value


def test_the_figures_add_up_as_the_domain_says():
    value = lambda name: rule_in_force(name, INCIDENT).value  # noqa: E731
    assert value("jkm_lump_sum") + value("jkm_periodic") + value("jkm_funeral") == JKM == jkm_death_benefit(INCIDENT)
    assert value("jkk_death_percent") * value("jkk_death_months") == 48 * 100
    assert value("jkk_total_disability_percent") * value("jkk_total_disability_months") == 56 * 100
    per_child = sum(value(f"scholarship_{level}_per_year") * value(f"scholarship_{level}_years") for level in LEVELS)
    assert per_child == FULL_CHILD
    assert value("scholarship_max_children") * per_child == value("scholarship_total_max") == 174_000_000


# JKM: death not from a work accident ----------------------------------------------------------------


def test_a_protected_members_death_is_42_million_in_three_parts():
    result = estimate("death", None, MEMBER, INCIDENT)
    assert result == Estimate("death", True, 42_000_000, (
        Part("JKM lump sum", 20_000_000, "JKM lump sum — PP 82/2019 (DOMAIN.md)"),
        Part("JKM periodic benefit paid at once", 12_000_000, "JKM periodic benefit paid at once — PP 82/2019 (DOMAIN.md)"),
        Part("JKM funeral", 10_000_000, "JKM funeral — PP 82/2019 (DOMAIN.md)"),
    ))
    assert result.reasons == ()


@pytest.mark.parametrize("income", [None, 0, 1_000_000, 25_000_000])
def test_the_jkm_does_not_depend_on_income(income):
    assert estimate("death", income, MEMBER, INCIDENT).total == JKM


@pytest.mark.parametrize(
    "member_since, died",
    [
        (date(2024, 1, 15), date(2024, 1, 15)),  # the first day
        (date(2024, 1, 15), date(2024, 2, 1)),
        (date(2024, 1, 15), date(2024, 4, 14)),  # the last day of the 3 months
        (date(2024, 11, 30), date(2025, 2, 27)),  # 30 November + 3 months = 28 February
        (date(2023, 11, 30), date(2024, 2, 28)),  # ... or 29 February in a leap year
        (date(2024, 10, 31), date(2025, 1, 30)),
    ],
)
def test_a_death_within_the_first_3_months_pays_10_million_only(member_since, died):
    result = estimate("death", None, member_since, died)
    assert result.protected
    assert result.total == 10_000_000
    (only,) = result.parts
    assert only.name == "JKM within the first 3 months of membership"
    assert only.rule == (
        "JKM for a death within the first 3 months of membership: Rp 10,000,000 only — reported, unconfirmed (DOMAIN.md)"
    )


@pytest.mark.parametrize(
    "member_since, died",
    [
        (date(2024, 1, 15), date(2024, 4, 15)),  # exactly 3 months later
        (date(2024, 1, 15), date(2024, 4, 16)),
        (date(2024, 11, 30), date(2025, 2, 28)),
        (date(2023, 11, 30), date(2024, 2, 29)),
        (date(2024, 10, 31), date(2025, 1, 31)),
        (date(2024, 1, 15), date(2030, 1, 1)),
    ],
)
def test_from_3_months_on_the_full_jkm_is_paid(member_since, died):
    assert estimate("death", None, member_since, died).total == JKM


def test_the_3_month_rule_is_jkm_only_a_work_death_is_covered_from_the_first_day():
    assert estimate("work_death", 1_000_000, date(2024, 1, 15), date(2024, 1, 15)).total == 70_000_000


def test_the_reported_rule_can_be_switched_off_by_data(tmp_path):
    rules = with_rows(tmp_path, "jkm_new_member_months,2025-01-01,0,months,switched off,test")
    assert estimate("death", None, date(2024, 12, 1), date(2024, 12, 31), rules=rules).total == 10_000_000
    assert estimate("death", None, date(2024, 12, 1), date(2025, 1, 1), rules=rules).total == JKM


# JKK: death from a work accident --------------------------------------------------------------------


def test_a_work_death_at_1_million_is_48_plus_funeral_plus_periodic_70_million():
    result = estimate("work_death", 1_000_000, MEMBER, INCIDENT)
    assert result.protected
    assert result.total == 70_000_000
    assert amounts(result) == {
        "JKK death benefit": 48_000_000,
        "JKK funeral": 10_000_000,
        "JKK periodic benefit paid at once": 12_000_000,
        "JKK medical care": 0,
        "JKK transport": 0,
    }
    assert part(result, "JKK death benefit").rule == (
        "JKK death: 60 % x 80 = 48 x monthly income Rp 1,000,000 = Rp 48,000,000, never less than the JKM death "
        "benefit Rp 42,000,000 — PP 82/2019 (DOMAIN.md)"
    )
    assert part(result, "JKK funeral").rule == "JKK funeral — PP 82/2019 (DOMAIN.md)"
    assert part(result, "JKK periodic benefit paid at once").rule == "JKK periodic benefit paid at once — PP 82/2019 (DOMAIN.md)"


def test_at_a_tiny_income_the_48x_part_is_raised_to_the_jkm_death_benefit():
    # 48 x Rp 500,000 = Rp 24,000,000 < Rp 42,000,000: the 48x part becomes 42 M; funeral and periodic on top.
    result = estimate("work_death", 500_000, MEMBER, INCIDENT)
    assert part(result, "JKK death benefit").amount == 42_000_000
    assert "Rp 24,000,000, raised to the JKM death benefit Rp 42,000,000" in part(result, "JKK death benefit").rule
    assert result.total == 42_000_000 + 10_000_000 + 12_000_000 == 64_000_000


@pytest.mark.parametrize(
    "income, death_part",
    [
        (0, 42_000_000),
        (1, 42_000_000),
        (874_999, 42_000_000),  # 48 x = 41,999,952
        (875_000, 42_000_000),  # 48 x = 42,000,000 exactly
        (875_001, 42_000_048),
        (1_000_000, 48_000_000),
        (2_500_000, 120_000_000),
        (20_700_000, 993_600_000),
    ],
)
def test_the_work_death_benefit_is_48x_but_at_least_the_jkm(income, death_part):
    result = estimate("work_death", income, MEMBER, INCIDENT)
    assert part(result, "JKK death benefit").amount == death_part
    assert result.total == death_part + 22_000_000


# Scholarships ---------------------------------------------------------------------------------------


def test_two_children_from_kindergarten_get_the_whole_174_million():
    result = estimate("death", None, MEMBER, INCIDENT, children=["kindergarten", "kindergarten"])
    assert amounts(result)["scholarship, child 1"] == amounts(result)["scholarship, child 2"] == FULL_CHILD
    assert result.total == JKM + 174_000_000
    assert part(result, "scholarship, child 1").rule == (
        "JKM scholarship, up to: kindergarten 2 x Rp 1,500,000, primary 6 x Rp 1,500,000, junior high 3 x Rp 2,000,000, "
        "senior high 3 x Rp 3,000,000, university or training 5 x Rp 12,000,000 — PP 82/2019 (DOMAIN.md)"
    )


@pytest.mark.parametrize("level, most", FROM_LEVEL.items())
def test_a_child_gets_every_year_from_the_current_level_on(level, most):
    result = estimate("death", None, MEMBER, INCIDENT, children=[level])
    assert amounts(result)["scholarship, child 1"] == most
    assert result.total == JKM + most


@pytest.mark.parametrize(
    "child, amount",
    [
        (("kindergarten", 1), 1_500_000 + 84_000_000),
        (("kindergarten", 0), 84_000_000),
        (("primary", 6), 84_000_000),
        (("primary", 4), 6_000_000 + 75_000_000),
        (("primary", 1), 1_500_000 + 75_000_000),
        (("junior_high", 2), 4_000_000 + 69_000_000),
        (("senior_high", 1), 3_000_000 + 60_000_000),
        (("senior_high", 0), 60_000_000),
        (("university", 5), 60_000_000),
        (("university", 2), 24_000_000),
        (("university", 0), 0),
        (("primary", None), 84_000_000),
    ],
)
def test_years_remaining_at_the_current_level(child, amount):
    result = estimate("death", None, MEMBER, INCIDENT, children=[child])
    assert amounts(result)["scholarship, child 1"] == amount


@pytest.mark.parametrize(
    "alias, level",
    [("TK", "kindergarten"), ("sd", "primary"), ("SMP", "junior_high"), ("SMA", "senior_high"), ("smk", "senior_high"),
     ("PT", "university"), ("training", "university"), ("junior high", "junior_high"), ("Senior-High", "senior_high")],
)
def test_indonesian_school_levels_are_understood(alias, level):
    assert estimate("death", None, MEMBER, INCIDENT, children=[alias]) == estimate(
        "death", None, MEMBER, INCIDENT, children=[level]
    )


def test_at_most_two_children_a_third_is_listed_with_nothing():
    result = estimate("death", None, MEMBER, INCIDENT, children=["primary", "senior_high", "kindergarten"])
    assert amounts(result) == {
        "JKM lump sum": 20_000_000, "JKM periodic benefit paid at once": 12_000_000, "JKM funeral": 10_000_000,
        "scholarship, child 1": 84_000_000, "scholarship, child 2": 69_000_000, "scholarship, child 3": 0,
    }
    assert part(result, "scholarship, child 3").rule == "JKM scholarship: at most 2 children — PP 82/2019 (DOMAIN.md)"
    assert result.total == JKM + 84_000_000 + 69_000_000


@pytest.mark.parametrize(
    "member_since, died, paid",
    [
        (date(2021, 5, 1), date(2024, 5, 1), True),  # exactly 3 years
        (date(2021, 5, 2), date(2024, 5, 1), False),  # a day short
        (date(2021, 2, 28), date(2024, 2, 28), True),
        (date(2020, 2, 29), date(2023, 2, 28), True),  # 29 February + 3 years = 28 February
        (date(2020, 2, 29), date(2023, 2, 27), False),
        (date(2024, 1, 1), date(2024, 6, 1), False),
    ],
)
def test_a_scholarship_needs_3_years_of_membership(member_since, died, paid):
    result = estimate("death", None, member_since, died, children=["university"])
    if paid:
        assert amounts(result)["scholarship, child 1"] == 60_000_000
    else:
        assert amounts(result)["scholarship"] == 0
        assert [p.name for p in result.parts if p.name.startswith("scholarship")] == ["scholarship"]
        assert "at least 3 years needed" in part(result, "scholarship").rule


def test_the_missing_membership_is_explained():
    result = estimate("death", None, date(2022, 1, 15), date(2024, 6, 1), children=["primary", "primary"])
    assert result.parts[-1] == Part(
        "scholarship", 0,
        "JKM scholarship: none, membership was 2 years 4 months on the incident date, at least 3 years needed "
        "— PP 82/2019 (DOMAIN.md)",
    )
    assert result.total == JKM


def test_a_work_death_has_scholarships_as_for_jkm():
    result = estimate("work_death", 1_000_000, MEMBER, INCIDENT, children=["kindergarten", ("primary", 4)])
    assert amounts(result)["scholarship, child 1"] == 87_000_000
    assert amounts(result)["scholarship, child 2"] == 81_000_000
    assert part(result, "scholarship, child 1").rule.startswith("JKK scholarship, up to: kindergarten 2 x")
    assert result.total == 70_000_000 + 168_000_000
    short = estimate("work_death", 1_000_000, date(2023, 1, 1), INCIDENT, children=["primary"])
    assert amounts(short)["scholarship"] == 0 and short.total == 70_000_000


def test_no_children_no_scholarship_part():
    assert not [p for p in estimate("death", None, MEMBER, INCIDENT).parts if "scholarship" in p.name]
    assert not [p for p in estimate("work_death", 0, MEMBER, INCIDENT, children=()).parts if "scholarship" in p.name]


def test_the_total_cap_is_applied_in_the_order_given(tmp_path):
    rules = with_rows(tmp_path, "scholarship_total_max,2024-01-01,100000000,rupiah,lower cap,test")
    result = estimate("death", None, MEMBER, INCIDENT, children=["primary", "kindergarten"], rules=rules)
    assert amounts(result)["scholarship, child 1"] == 84_000_000
    assert amounts(result)["scholarship, child 2"] == 16_000_000
    assert "capped at Rp 100,000,000 in all" in part(result, "scholarship, child 2").rule
    assert result.total == JKM + 100_000_000


def test_the_jkk_minimum_membership_is_its_own_rule(tmp_path):
    rules = with_rows(tmp_path, "jkk_scholarship_min_membership_years,2024-01-01,0,years,no minimum for JKK,test")
    work = estimate("work_death", 1_000_000, date(2024, 3, 1), INCIDENT, children=["university"], rules=rules)
    assert amounts(work)["scholarship, child 1"] == 60_000_000
    death = estimate("death", None, date(2024, 1, 1), INCIDENT, children=["university"], rules=rules)
    assert amounts(death)["scholarship"] == 0


@pytest.mark.parametrize(
    "children, message",
    [
        (["nursery"], "unknown school level"),
        ([("primary", 7)], "at most 6 years"),
        ([("kindergarten", 3)], "at most 2 years"),
        ([("university", -1)], "not negative"),
        ([("primary", 1.5)], "whole number"),
        ([("primary", 1, 2)], "level or \\(level, years remaining\\)"),
        ([3], "level or"),
    ],
)
def test_a_child_that_makes_no_sense_is_an_error(children, message):
    with pytest.raises(BenefitError, match=message):
        estimate("death", None, MEMBER, INCIDENT, children=children)


@pytest.mark.parametrize("kind", ["total_disability", "partial_disability", "temporary"])
def test_children_for_a_kind_without_scholarship_is_an_error(kind):
    with pytest.raises(BenefitError, match="Beasiswa hanya .* / a scholarship is only for death and work_death"):
        estimate(kind, 1_000_000, MEMBER, INCIDENT, children=["primary"], **extra_args(kind))


# JKK: disability ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "income, amount",
    [(0, 0), (1, 56), (500_000, 28_000_000), (1_000_000, 56_000_000), (1_234_567, 69_135_752),
     (2_500_000, 140_000_000), (20_700_000, 1_159_200_000)],
)
def test_total_permanent_disability_is_56x_the_wage(income, amount):
    result = estimate("total_disability", income, MEMBER, INCIDENT)
    assert amounts(result) == {"JKK total permanent disability": amount, "JKK medical care": 0, "JKK transport": 0}
    assert result.total == amount
    assert part(result, "JKK total permanent disability").rule == (
        f"JKK total permanent disability: 70 % x 80 = 56 x monthly income Rp {income:,} — PP 82/2019 (DOMAIN.md)"
    )


@pytest.mark.parametrize(
    "income, percent, amount",
    [
        (1_000_000, 10, 8_000_000),
        (1_000_000, 50, 40_000_000),
        (1_000_000, 0, 0),
        (1_000_000, 100, 80_000_000),
        (1_000_000, 70, 56_000_000),  # as much as total disability
        (2_500_000, 10, 20_000_000),
        (2_500_000, 50, 100_000_000),
        (1_234_567, 10, 9_876_536),
        (1_000_000, 12.5, 10_000_000),
        (1_000_000, Decimal("12.5"), 10_000_000),
        (1_000_000, "12.5", 10_000_000),
        (1_000_000, Fraction(25, 2), 10_000_000),
        (1_000_001, 33.3, 26_640_026),  # 26,640,026.64 rounds down
        (999_999, 0.1, 79_999),  # 79,999.92 rounds down, and 0.1 is one tenth, not a binary fraction
    ],
)
def test_partial_disability_is_the_table_percent_of_80x_the_wage(income, percent, amount):
    result = estimate("partial_disability", income, MEMBER, INCIDENT, percent=percent)
    assert amounts(result) == {"JKK partial disability": amount, "JKK medical care": 0, "JKK transport": 0}
    assert result.total == amount


def test_partial_disability_cites_the_table_and_permenaker():
    result = estimate("partial_disability", 1_000_000, MEMBER, INCIDENT, percent=50)
    assert part(result, "JKK partial disability").rule == (
        "JKK partial anatomical disability: table 50 % x 80 x monthly income Rp 1,000,000 — "
        "PP 82/2019; Permenaker 5/2021 (DOMAIN.md)"
    )
    assert "table 12.5 %" in part(estimate("partial_disability", 1, MEMBER, INCIDENT, percent=12.5), "JKK partial disability").rule


@pytest.mark.parametrize("percent", [None, -1, -0.01, 100.01, 101, 1_000, "abc", "", float("nan"), float("inf"),
                                     Decimal("NaN"), True, [10]])
def test_a_percent_missing_or_outside_0_to_100_is_an_error(percent):
    with pytest.raises(BenefitError, match=" / "):
        estimate("partial_disability", 1_000_000, MEMBER, INCIDENT, percent=percent)


@pytest.mark.parametrize("kind", ["death", "work_death", "total_disability", "temporary"])
def test_a_percent_for_another_kind_is_an_error(kind):
    with pytest.raises(BenefitError, match="only for partial_disability"):
        estimate(kind, 1_000_000, MEMBER, INCIDENT, percent=10, **({"months": 1} if kind == "temporary" else {}))


# JKK: temporary incapacity (STMB) -------------------------------------------------------------------


@pytest.mark.parametrize(
    "months, full, half",
    [
        (0, 0, None),
        (1, 1_000_000, None),
        (6, 6_000_000, None),
        (12, 12_000_000, None),
        (13, 12_000_000, 500_000),
        (18, 12_000_000, 3_000_000),  # 12 x 100 % + 6 x 50 %
        (36, 12_000_000, 12_000_000),
    ],
)
def test_temporary_incapacity_is_full_wage_for_12_months_then_half(months, full, half):
    result = estimate("temporary", 1_000_000, MEMBER, INCIDENT, months=months)
    expected = {"JKK STMB first 12 months": full, "JKK medical care": 0, "JKK transport": 0}
    if half is not None:
        expected["JKK STMB after 12 months"] = half
    assert amounts(result) == expected
    assert result.total == full + (half or 0)


def test_temporary_incapacity_for_18_months_cites_both_periods():
    result = estimate("temporary", 1_000_000, MEMBER, INCIDENT, months=18)
    assert result.total == 15_000_000
    assert [p.rule for p in result.parts[:2]] == [
        "JKK temporary incapacity: 100 % of monthly income Rp 1,000,000 x 12 months (the first 12) — PP 82/2019 (DOMAIN.md)",
        "JKK temporary incapacity: 50 % of monthly income Rp 1,000,000 x 6 months after the first 12, until recovery "
        "— PP 82/2019 (DOMAIN.md)",
    ]


def test_half_an_odd_wage_rounds_down_once_over_the_whole_period():
    assert estimate("temporary", 1_000_001, MEMBER, INCIDENT, months=13).total == 12_000_012 + 500_000
    assert estimate("temporary", 1_000_001, MEMBER, INCIDENT, months=14).total == 12_000_012 + 1_000_001


@pytest.mark.parametrize("months", [None, -1, 1.5, "6", True])
def test_months_missing_or_not_a_whole_number_is_an_error(months):
    with pytest.raises(BenefitError, match=" / "):
        estimate("temporary", 1_000_000, MEMBER, INCIDENT, months=months)


@pytest.mark.parametrize("kind", ["death", "work_death", "total_disability", "partial_disability"])
def test_months_for_another_kind_is_an_error(kind):
    with pytest.raises(BenefitError, match="only for temporary"):
        estimate(kind, 1_000_000, MEMBER, INCIDENT, months=6, **({"percent": 10} if kind == "partial_disability" else {}))


# JKK: medical care and transport --------------------------------------------------------------------


@pytest.mark.parametrize("kind", JKK_KINDS)
def test_every_work_accident_lists_medical_care_without_ceiling(kind):
    result = estimate(kind, 1_000_000, MEMBER, INCIDENT, **extra_args(kind))
    assert part(result, "JKK medical care") == Part(
        "JKK medical care", 0, "JKK medical care: paid by BPJS to the provider, no ceiling — PP 82/2019 (DOMAIN.md)"
    )
    assert part(result, "JKK transport") == Part(
        "JKK transport", 0,
        "JKK transport: reimbursed at cost, at most Rp 5,000,000 by land, Rp 2,000,000 by sea, Rp 10,000,000 by air "
        "— PP 82/2019 (DOMAIN.md)",
    )


def test_a_death_not_from_work_has_no_jkk_parts():
    assert not [p for p in estimate("death", None, MEMBER, INCIDENT).parts if p.name.startswith("JKK")]


@pytest.mark.parametrize(
    "transport, paid",
    [
        ({"land": 6_000_000}, {"land": 5_000_000}),
        ({"land": 5_000_000}, {"land": 5_000_000}),
        ({"land": 4_000_000}, {"land": 4_000_000}),
        ({"sea": 3_000_000}, {"sea": 2_000_000}),
        ({"sea": 1_999_999}, {"sea": 1_999_999}),
        ({"air": 15_000_000}, {"air": 10_000_000}),
        ({"air": 0}, {"air": 0}),
        ({"land": 9_000_000, "sea": 9_000_000, "air": 9_000_000}, {"land": 5_000_000, "sea": 2_000_000, "air": 9_000_000}),
        ([("land", 3_000_000), ("land", 3_000_000)], {"land": 5_000_000}),  # one mode's costs add up first
        ([("darat", 1_000_000), ("LAUT", 500_000), ("udara", 20_000_000)],
         {"land": 1_000_000, "sea": 500_000, "air": 10_000_000}),
    ],
)
def test_transport_is_reimbursed_up_to_each_modes_cap(transport, paid):
    result = estimate("total_disability", 1_000_000, MEMBER, INCIDENT, transport=transport)
    assert {name[len("JKK transport ("):-1]: amount for name, amount in amounts(result).items()
            if name.startswith("JKK transport (")} == paid
    assert "JKK transport" not in amounts(result)
    assert result.total == 56_000_000 + sum(paid.values())


def test_a_transport_part_cites_the_cap():
    result = estimate("temporary", 1_000_000, MEMBER, INCIDENT, months=1, transport={"land": 6_000_000})
    assert part(result, "JKK transport (land)").rule == (
        "JKK transport by land: reimbursed at cost Rp 6,000,000, at most Rp 5,000,000 — PP 82/2019 (DOMAIN.md)"
    )


@pytest.mark.parametrize(
    "transport, message",
    [({"bus": 1}, "unknown transport mode"), ({"land": -1}, "not negative"), ({"land": 1.5}, "whole Rupiah"),
     ([("land",)], "\\(mode, cost\\)"), (["land"], "\\(mode, cost\\)")],
)
def test_transport_that_makes_no_sense_is_an_error(transport, message):
    with pytest.raises(BenefitError, match=message):
        estimate("work_death", 1_000_000, MEMBER, INCIDENT, transport=transport)


def test_transport_for_a_death_not_from_work_is_an_error():
    with pytest.raises(BenefitError, match="only for a work accident"):
        estimate("death", None, MEMBER, INCIDENT, transport={"land": 1})


# Protection, dates and errors -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_an_incident_before_membership_is_not_protected_not_an_error(kind):
    result = estimate(kind, 1_000_000, date(2024, 5, 2), date(2024, 5, 1), children=(), **extra_args(kind))
    assert result == Estimate(kind, False, 0, (), (
        "Kejadian 2024-05-01 sebelum kepesertaan dimulai 2024-05-02 / "
        "the incident (2024-05-01) happened before membership began (2024-05-02)",
    ))


@pytest.mark.parametrize("kind", KINDS)
def test_an_incident_on_the_first_day_is_protected(kind):
    result = estimate(kind, 1_000_000, INCIDENT, INCIDENT, **extra_args(kind))
    assert result.protected and result.reasons == () and result.total > 0


def test_an_incident_before_membership_and_before_any_rule_is_still_only_unprotected():
    assert estimate("death", None, date(2019, 1, 2), date(2019, 1, 1)).protected is False


@pytest.mark.parametrize("kind", ["", "Death", "jkm", "JKK", "partial", "disability", None, 1])
def test_an_unknown_kind_is_an_error(kind):
    with pytest.raises(BenefitError, match="Jenis klaim tidak dikenal / unknown kind"):
        estimate(kind, 1_000_000, MEMBER, INCIDENT)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("income", [-1, -1_000_000])
def test_a_negative_income_is_an_error(kind, income):
    with pytest.raises(BenefitError, match="Penghasilan tidak boleh negatif / income cannot be negative"):
        estimate(kind, income, MEMBER, INCIDENT, **extra_args(kind))


@pytest.mark.parametrize("income", [1.5, 1_000_000.0, "1000000", Decimal(1_000_000), True])
def test_an_income_is_whole_rupiah(income):
    with pytest.raises(BenefitError, match="whole Rupiah"):
        estimate("total_disability", income, MEMBER, INCIDENT)


@pytest.mark.parametrize("kind", JKK_KINDS)
def test_a_work_accident_needs_the_declared_income(kind):
    with pytest.raises(BenefitError, match="the declared income is needed"):
        estimate(kind, None, MEMBER, INCIDENT, **extra_args(kind))


@pytest.mark.parametrize("value", ["2024-05-01", None, datetime(2024, 5, 1, 12, 0), 20240501])
def test_dates_must_be_dates(value):
    with pytest.raises(BenefitError, match="must be a date"):
        estimate("death", None, value, INCIDENT)
    with pytest.raises(BenefitError, match="must be a date"):
        estimate("death", None, MEMBER, value)


def test_every_error_message_is_indonesian_then_english():
    cases = [
        dict(kind="x"), dict(kind="death", income=-1), dict(kind="partial_disability"),
        dict(kind="partial_disability", percent=101), dict(kind="temporary"), dict(kind="death", children=["x"]),
        dict(kind="death", incident_date=date(2019, 12, 1), member_since=date(2019, 1, 1)),
    ]
    for case in cases:
        args = dict(income=1_000_000, member_since=MEMBER, incident_date=INCIDENT) | case
        with pytest.raises(BenefitError) as error:
            estimate(**args)
        indonesian, _, english = str(error.value).partition(" / ")
        assert indonesian and english, case
        assert isinstance(error.value, ValueError)


# Rules that change by date --------------------------------------------------------------------------


def test_a_later_row_applies_from_its_date_only(tmp_path):
    rules = with_rows(
        tmp_path,
        'jkm_lump_sum,2026-01-01,25000000,rupiah,JKM lump sum,"PP 99/2025 (test)"',
        "jkk_transport_land,2026-07-01,7500000,rupiah,JKK transport by land: at most,PP 99/2025 (test)",
    )
    before = estimate("death", None, MEMBER, date(2025, 12, 31), rules=rules)
    after = estimate("death", None, MEMBER, date(2026, 1, 1), rules=rules)
    assert before.total == 42_000_000
    assert after.total == 47_000_000
    assert part(after, "JKM lump sum") == Part("JKM lump sum", 25_000_000, "JKM lump sum — PP 99/2025 (test)")
    assert part(after, "JKM funeral").rule == "JKM funeral — PP 82/2019 (DOMAIN.md)"
    # The rule in force on the incident date, whenever membership began:
    assert estimate("death", None, date(2026, 2, 1), date(2026, 6, 1), rules=rules).total == 47_000_000
    # The floor of a work death follows the JKM death benefit.
    assert part(estimate("work_death", 500_000, MEMBER, date(2025, 12, 31), rules=rules), "JKK death benefit").amount == 42_000_000
    assert part(estimate("work_death", 500_000, MEMBER, date(2026, 1, 1), rules=rules), "JKK death benefit").amount == 47_000_000
    assert jkm_death_benefit(date(2026, 1, 1), rules) == 47_000_000
    # Transport from July.
    land = lambda day: amounts(estimate("total_disability", 0, MEMBER, day, rules=rules, transport={"land": 9_000_000}))  # noqa: E731
    assert land(date(2026, 6, 30))["JKK transport (land)"] == 5_000_000
    assert land(date(2026, 7, 1))["JKK transport (land)"] == 7_500_000
    # The shipped rules are untouched.
    assert estimate("death", None, MEMBER, date(2026, 1, 1)).total == 42_000_000


def test_rows_in_any_order_the_latest_in_force_wins(tmp_path):
    path = tmp_path / "benefits.csv"
    lines = BENEFITS_CSV.read_text(encoding="utf-8").splitlines()
    later = [
        "jkk_death_percent,2030-01-01,70,percent,JKK death: percent,later",
        "jkk_death_percent,2028-01-01,65,percent,JKK death: percent,middle",
    ]
    path.write_text("\n".join([lines[0], *later, *reversed(lines[1:])]) + "\n", encoding="utf-8")
    rules = read_rules(path)
    death = lambda day: part(estimate("work_death", 1_000_000, MEMBER, day, rules=rules), "JKK death benefit").amount  # noqa: E731
    assert death(date(2027, 12, 31)) == 48_000_000
    assert death(date(2028, 1, 1)) == 52_000_000
    assert death(date(2030, 1, 1)) == 56_000_000
    assert rule_in_force("jkk_death_percent", date(2029, 1, 1), rules).source == "middle"


@pytest.mark.parametrize("kind", KINDS)
def test_an_incident_before_the_first_rule_is_an_error_never_a_zero(kind):
    with pytest.raises(BenefitError, match="no benefit rule .* in force on 2019-12-01"):
        estimate(kind, 1_000_000, date(2019, 1, 1), date(2019, 12, 1), **extra_args(kind))
    assert estimate(kind, 1_000_000, date(2019, 1, 1), date(2019, 12, 2), **extra_args(kind)).total > 0


HEADER = "name,effective_from,value,unit,description,source\n"


@pytest.mark.parametrize(
    "row, message",
    [
        ("jkm_funeral,2020-01-01,10000000,euro,x,test", "unit"),
        ("jkm_funeral,2020-01-01,-1,rupiah,x,test", "negative"),
        ("jkm_funeral,2020-01-01,1.5,rupiah,x,test", "int"),
        ("jkm_funeral,2020-01-01,,rupiah,x,test", "int"),
        ("jkk_death_percent,2020-01-01,101,percent,x,test", "more than 100"),
        ("jkm_funeral,2020-01-01,1,rupiah,x,", "source"),
        (",2020-01-01,1,rupiah,x,test", "name"),
        ("jkm_funeral,2020-13-01,1,rupiah,x,test", "month"),
        ("jkm_funeral,,1,rupiah,x,test", "isoformat"),
    ],
)
def test_a_row_that_makes_no_sense_is_refused(tmp_path, row, message):
    path = tmp_path / "benefits.csv"
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_rules(path)


def test_two_rows_for_one_rule_and_date_are_refused(tmp_path):
    with pytest.raises(ValueError, match="two rows for the same rule and date"):
        with_rows(tmp_path, "jkm_funeral,2019-12-02,11000000,rupiah,JKM funeral,test")


def test_a_part_and_an_estimate_keep_their_promises():
    with pytest.raises(ValueError):
        Part("x", -1, "r")
    with pytest.raises(ValueError):
        Part("x", 1.5, "r")
    with pytest.raises(ValueError, match="sum of the parts"):
        Estimate("death", True, 1, (Part("x", 2, "r"),))
    result = estimate("work_death", 1_000_000, MEMBER, INCIDENT)
    assert result.as_json() == {
        "kind": "work_death",
        "protected": True,
        "total": 70_000_000,
        "parts": [{"name": p.name, "amount": p.amount, "rule": p.rule} for p in result.parts],
        "reasons": [],
    }


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 1, 15), 3, date(2024, 4, 15)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2020, 2, 29), 36, date(2023, 2, 28)),
        (date(2024, 12, 31), 12, date(2025, 12, 31)),
        (date(9999, 11, 1), 3, date.max),
    ],
)
def test_add_months_clamps_to_the_end_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    "start, end, months",
    [
        (date(2024, 1, 15), date(2024, 1, 15), 0), (date(2024, 1, 15), date(2024, 2, 14), 0),
        (date(2024, 1, 15), date(2024, 2, 15), 1), (date(2024, 1, 31), date(2024, 2, 29), 1),
        (date(2022, 1, 15), date(2024, 6, 1), 28), (date(2024, 5, 1), date(2024, 1, 1), 0),
    ],
)
def test_full_months(start, end, months):
    assert full_months(start, end) == months


# Properties -----------------------------------------------------------------------------------------

incomes = st.integers(min_value=0, max_value=1_000_000_000)
days = st.dates(min_value=date(2019, 12, 2), max_value=date(2045, 12, 31))
any_days = st.dates(min_value=date(1990, 1, 1), max_value=date(2045, 12, 31))
percents = st.integers(0, 100) | st.decimals(0, 100, places=2)
stmb_months = st.integers(0, 120)
levels = st.sampled_from(LEVELS + ("sd", "SMP", "tk"))
children_lists = st.lists(levels, max_size=4)


@st.composite
def questions(draw, kinds=st.sampled_from(KINDS)):
    kind = draw(kinds)
    member_since, incident = sorted((draw(days), draw(days)))
    if draw(st.booleans()):
        member_since, incident = incident, member_since  # sometimes the incident comes first
    args = dict(kind=kind, income=draw(incomes), member_since=member_since, incident_date=incident)
    if kind == "partial_disability":
        args["percent"] = draw(percents)
    if kind == "temporary":
        args["months"] = draw(stmb_months)
    if kind in ("death", "work_death"):
        args["children"] = draw(children_lists)
    if kind in JKK_KINDS:
        args["transport"] = draw(st.lists(st.tuples(st.sampled_from(["land", "sea", "air"]), st.integers(0, 50_000_000)),
                                          max_size=4))
    return args


@given(questions())
def test_the_total_is_the_sum_of_non_negative_whole_parts(args):
    result = estimate(**args)
    assert type(result.total) is int and result.total >= 0
    assert all(type(p.amount) is int and p.amount >= 0 for p in result.parts)
    assert result.total == sum(p.amount for p in result.parts)
    assert all(" — " in p.rule for p in result.parts), "every part names its rule and source"
    assert result.protected == (args["incident_date"] >= args["member_since"])
    if not result.protected:
        assert result.total == 0 and result.parts == () and len(result.reasons) == 1
    else:
        assert result.reasons == ()


@given(questions(st.sampled_from(JKK_KINDS)), incomes, incomes)
def test_more_income_never_means_less(args, a, b):
    low, high = sorted((a, b))
    cheaper = estimate(**(args | {"income": low}))
    dearer = estimate(**(args | {"income": high}))
    assert cheaper.total <= dearer.total
    for small, large in zip(cheaper.parts, dearer.parts):
        assert small.name == large.name and small.amount <= large.amount


@given(questions(st.just("work_death")))
def test_a_work_death_is_never_below_the_jkm(args):
    result = estimate(**args)
    if result.protected:
        death_part = part(result, "JKK death benefit").amount
        assert death_part == max(48 * args["income"], JKM)
        assert result.total >= JKM + 22_000_000
        jkm = estimate("death", None, args["member_since"], args["incident_date"], children=args["children"])
        assert result.total >= jkm.total


@given(questions(st.just("death")))
def test_a_death_pays_10_or_42_million_plus_scholarships(args):
    result = estimate(**args)
    if result.protected:
        scholarships = sum(p.amount for p in result.parts if p.name.startswith("scholarship"))
        assert result.total - scholarships in (10_000_000, JKM)
        assert scholarships <= 174_000_000
        assert sum(1 for p in result.parts if p.name.startswith("scholarship") and p.amount) <= 2


@given(incomes, percents)
def test_partial_disability_is_the_formula_and_at_most_80x(income, percent):
    amount = part(estimate("partial_disability", income, MEMBER, INCIDENT, percent=percent), "JKK partial disability").amount
    assert amount == int(income * Fraction(percent) * 80 / 100)
    assert amount <= 80 * income
    if percent <= 70:
        assert amount <= 56 * income  # never more than total permanent disability below 70 %


@given(incomes, stmb_months)
def test_temporary_incapacity_is_the_formula(income, months):
    result = estimate("temporary", income, MEMBER, INCIDENT, months=months)
    assert result.total == income * min(months, 12) + income * max(months - 12, 0) // 2


@given(incomes, any_days, any_days)
def test_income_based_amounts_are_the_domains_multiples(income, member_since, incident):
    if incident < date(2019, 12, 2):
        return
    total = estimate("total_disability", income, member_since, incident)
    assert total.total == (56 * income if incident >= member_since else 0)

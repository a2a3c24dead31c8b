"""The rate schedule (programmes/rates.py), months as 'YYYY-MM' (lindung/months.py) and policy values.

Figures from docs/DOMAIN.md, "Participants: BPU": JKK 1 % of declared income (basis at least
Rp 1,000,000), JKM Rp 6,800 flat, JHT 2 %; Rp 16,800 a month for JKK + JKM at the minimum, Rp 36,800
with JHT; PP 50/2025 halves JKK + JKM in 2026, but not for members paid from APBD or APBN.
"""
import re
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.months import add_months, month_of, month_start, months_between
from lindung.programmes.policy import policy_value
from lindung.programmes.rates import (
    BASES, PAYER_KINDS, RATES_CSV, Rate, contribution, rate_for, read_rates, shipped_rates,
)

PROGRAMMES = ("JKK", "JKM", "JHT")
DISCOUNTED_KINDS = ("self", "sponsor")
BUDGET_KINDS = ("apbd", "apbn")
MINIMUM_BASIS = 1_000_000

payer_kinds = st.sampled_from(PAYER_KINDS)
# Incomes up to a billion Rupiah a month; None is "not declared" (the minimum basis).
incomes = st.none() | st.integers(min_value=0, max_value=1_000_000_000)
# Months from the first rule (2015-07) well past the discount year.
months = st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(2015, 2035), st.integers(1, 12)).filter(
    lambda m: m >= "2015-07"
)
any_months = st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(1, 9999), st.integers(1, 12))
programme_lists = st.lists(st.sampled_from(PROGRAMMES), min_size=1, max_size=3, unique=True)


def rate(**overrides) -> Rate:
    fields = dict(
        programme="JKK",
        effective_from=date(2015, 7, 1),
        basis="percent",
        percent_bp=100,
        min_income=MINIMUM_BASIS,
        flat_amount=0,
        discount_percent=0,
        payer_kinds=frozenset(PAYER_KINDS),
        source="test",
    )
    fields.update(overrides)
    return Rate(**fields)


# The issue's figures --------------------------------------------------------------------------------


@pytest.mark.parametrize("income", [None, 0, 1, 999_999, 1_000_000])
def test_jkk_and_jkm_at_the_minimum_basis_is_16_800(income):
    amounts = contribution(income, ["JKK", "JKM"], "2023-01", "apbd")
    assert amounts == {"JKK": 10_000, "JKM": 6_800}
    assert sum(amounts.values()) == 16_800


@pytest.mark.parametrize("income", [None, 0, 1_000_000])
def test_with_jht_the_minimum_is_36_800(income):
    amounts = contribution(income, ["JKK", "JKM", "JHT"], "2023-01", "apbd")
    assert amounts == {"JKK": 10_000, "JKM": 6_800, "JHT": 20_000}
    assert sum(amounts.values()) == 36_800


def test_the_yearly_check_figure_for_75_903_workers():
    per_month = sum(contribution(None, ["JKK", "JKM"], "2023-01", "apbd").values())
    assert 75_903 * per_month * 12 == 15_302_044_800


@pytest.mark.parametrize(
    "income, jkk, jht",
    [
        (1_000_001, 10_000, 20_000),
        (1_500_000, 15_000, 30_000),
        (2_500_000, 25_000, 50_000),
        (20_700_000, 207_000, 414_000),
        (30_000_000, 300_000, 600_000),
    ],
)
def test_above_the_minimum_jkk_is_1_percent_and_jht_2_percent(income, jkk, jht):
    assert contribution(income, ["JKK", "JKM", "JHT"], "2024-06", "apbd") == {"JKK": jkk, "JKM": 6_800, "JHT": jht}


@pytest.mark.parametrize(
    "income, jkk, jht",
    [
        (1_000_099, 10_000, 20_001),  # 10,000.99 and 20,001.98
        (1_234_567, 12_345, 24_691),  # 12,345.67 and 24,691.34
        (2_500_049, 25_000, 50_000),  # 25,000.49 and 50,000.98
        (2_500_050, 25_000, 50_001),  # 25,000.50 and 50,001.00
        (2_500_099, 25_000, 50_001),  # 25,000.99 and 50,001.98
        (9_999_999, 99_999, 199_999),  # 99,999.99 and 199,999.98
    ],
)
def test_odd_incomes_round_down_to_the_rupiah(income, jkk, jht):
    assert contribution(income, ["JKK", "JHT"], "2024-06", "self") == {"JKK": jkk, "JHT": jht}


def test_the_jkm_is_flat_whatever_the_income():
    for income in (None, 0, 1_000_000, 2_500_000, 999_999_999):
        assert contribution(income, ["JKM"], "2024-06", "sponsor") == {"JKM": 6_800}


# PP 50/2025: the 2026 discount ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", DISCOUNTED_KINDS)
@pytest.mark.parametrize("month", ["2026-01", "2026-06", "2026-12"])
def test_in_2026_workers_and_sponsors_pay_half_of_jkk_and_jkm(kind, month):
    amounts = contribution(None, ["JKK", "JKM"], month, kind)
    assert amounts == {"JKK": 5_000, "JKM": 3_400}
    assert sum(amounts.values()) == 8_400


@pytest.mark.parametrize("kind", BUDGET_KINDS)
@pytest.mark.parametrize("month", ["2026-01", "2026-06", "2026-12"])
def test_in_2026_apbd_and_apbn_pay_in_full(kind, month):
    amounts = contribution(None, ["JKK", "JKM"], month, kind)
    assert amounts == {"JKK": 10_000, "JKM": 6_800}
    assert sum(amounts.values()) == 16_800


@pytest.mark.parametrize("kind", PAYER_KINDS)
@pytest.mark.parametrize("month", ["2025-01", "2025-12", "2027-01", "2027-12", "2030-06"])
def test_before_and_after_2026_nobody_gets_the_discount(kind, month):
    assert contribution(None, ["JKK", "JKM"], month, kind) == {"JKK": 10_000, "JKM": 6_800}


@pytest.mark.parametrize("kind", PAYER_KINDS)
@pytest.mark.parametrize("month", ["2025-12", "2026-01", "2026-12", "2027-01"])
def test_jht_is_never_discounted(kind, month):
    assert contribution(None, ["JHT"], month, kind) == {"JHT": 20_000}
    assert contribution(2_500_000, ["JHT"], month, kind) == {"JHT": 50_000}


def test_the_discount_on_an_odd_income_rounds_down_twice():
    # JKK on 1,234,567: 12,345 (down from 12,345.67), then half of it: 6,172 (down from 6,172.5).
    assert contribution(1_234_567, ["JKK", "JKM", "JHT"], "2026-03", "self") == {
        "JKK": 6_172, "JKM": 3_400, "JHT": 24_691,
    }
    assert contribution(2_500_000, ["JKK", "JKM", "JHT"], "2026-03", "self") == {
        "JKK": 12_500, "JKM": 3_400, "JHT": 50_000,
    }


def test_with_jht_a_self_payer_pays_28_400_in_2026():
    assert sum(contribution(None, ["JKK", "JKM", "JHT"], "2026-01", "self").values()) == 28_400


# Errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["", "APBD", "mandiri", "pemda", "self ", None])
def test_an_unknown_payer_kind_is_an_error(kind):
    with pytest.raises(ValueError, match="payer kind"):
        contribution(None, ["JKK"], "2026-01", kind)
    with pytest.raises(ValueError, match="payer kind"):
        rate_for("JKK", "2026-01", kind)


@pytest.mark.parametrize("programme", ["JKP", "jkk", "JK", ""])
def test_a_programme_without_a_rule_is_a_lookup_error_never_a_zero(programme):
    with pytest.raises(LookupError, match="no .* rate"):
        contribution(None, ["JKK", programme], "2026-01", "apbd")


@pytest.mark.parametrize("month", ["2015-06", "2000-01", "0001-01"])
def test_a_month_before_the_first_rule_is_a_lookup_error(month):
    with pytest.raises(LookupError):
        contribution(None, ["JKK"], month, "apbd")
    assert rate_for("JKK", month, "apbd") is None


def test_the_first_rule_is_in_force_from_its_first_month():
    assert contribution(None, ["JKK", "JKM", "JHT"], "2015-07", "apbn") == {"JKK": 10_000, "JKM": 6_800, "JHT": 20_000}


@pytest.mark.parametrize("income", [-1, -1_000_000])
def test_a_negative_income_is_an_error(income):
    with pytest.raises(ValueError, match="negative"):
        contribution(income, ["JKK"], "2026-01", "apbd")
    with pytest.raises(ValueError, match="negative"):
        contribution(income, [], "2026-01", "apbd")


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "26-01", "2026/01", "", "2026-1", "202601", "2026-01-01",
                                   "2026-01 ", "abcd-ef", "0000-01", "2026-", "-01"])
def test_a_badly_written_month_is_an_error(month):
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_start(month)
    with pytest.raises(ValueError, match="YYYY-MM"):
        contribution(None, ["JKK"], month, "apbd")
    with pytest.raises(ValueError, match="YYYY-MM"):
        rate_for("JKK", month, "self")
    with pytest.raises(ValueError):
        add_months(month, 1)


@pytest.mark.parametrize("month", ["2026-+1", "2026- 1", "+202-01", " 202-01", "1_00-01", "\u0662\u0660\u0662\u0666-\u0660\u0661"])
def test_only_a_month_written_yyyy_mm_in_ascii_digits_is_accepted(month):
    # The docstring: "'2026-03' -> date(2026, 3, 1); ValueError for anything else". A month string is
    # stored and compared as text ("2026-+1" < "2025-12"), so one not written the house way must not pass.
    with pytest.raises(ValueError):
        month_start(month)


# Rate.amount and the schedule as data ---------------------------------------------------------------


def test_rate_amount_percent_and_flat():
    assert rate().amount(None) == 10_000
    assert rate().amount(2_500_000) == 25_000
    assert rate(discount_percent=50).amount(2_500_000) == 12_500
    assert rate(discount_percent=100).amount(2_500_000) == 0
    assert rate(basis="flat", percent_bp=0, min_income=0, flat_amount=6_800).amount(99_000_000) == 6_800
    assert rate(basis="flat", flat_amount=6_801, discount_percent=50).amount(None) == 3_400
    assert rate(min_income=0).amount(None) == 0
    assert rate(min_income=0, percent_bp=1).amount(9_999) == 0


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"basis": "band"}, "basis"),
        ({"basis": ""}, "basis"),
        ({"payer_kinds": frozenset({"apbd", "desa"})}, "payer kinds"),
        ({"payer_kinds": frozenset({""})}, "payer kinds"),
        ({"discount_percent": -1}, "discount"),
        ({"discount_percent": 101}, "discount"),
        ({"percent_bp": -1}, "negative"),
        ({"min_income": -1}, "negative"),
        ({"flat_amount": -1}, "negative"),
    ],
)
def test_a_rate_that_makes_no_sense_is_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        rate(**overrides)


HEADER = "programme,effective_from,basis,percent_bp,min_income,flat_amount,discount_percent,payer_kinds,source\n"


def write_csv(tmp_path, *rows: str):
    path = tmp_path / "rates.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def test_read_rates_reads_a_schedule(tmp_path):
    path = write_csv(
        tmp_path,
        'JKK,2020-01-01,percent,150,2000000,,0,apbd|self,"Perda 1/2020"',
        "JKM,2020-01-01,flat,,,7000,10,sponsor,Perbup 2/2020",
    )
    jkk, jkm = read_rates(path)
    assert jkk == Rate("JKK", date(2020, 1, 1), "percent", 150, 2_000_000, 0, 0, frozenset({"apbd", "self"}), "Perda 1/2020")
    assert jkm == Rate("JKM", date(2020, 1, 1), "flat", 0, 0, 7_000, 10, frozenset({"sponsor"}), "Perbup 2/2020")
    rates = read_rates(path)
    assert contribution(None, ["JKK"], "2020-01", "self", rates) == {"JKK": 30_000}
    assert contribution(None, ["JKM"], "2020-01", "sponsor", rates) == {"JKM": 6_300}
    with pytest.raises(LookupError):
        contribution(None, ["JKM"], "2020-01", "apbd", rates)


@pytest.mark.parametrize("basis", ["band", "Percent", "", "percentage"])
def test_read_rates_rejects_an_unknown_basis(tmp_path, basis):
    path = write_csv(tmp_path, f"JKK,2020-01-01,{basis},100,1000000,,0,apbd,test")
    with pytest.raises(ValueError, match="basis"):
        read_rates(path)


@pytest.mark.parametrize("kinds", ["apbd|desa", "APBD", "", "self|", "apbd,self"])
def test_read_rates_rejects_an_unknown_payer_kind(tmp_path, kinds):
    path = write_csv(tmp_path, f'JKK,2020-01-01,percent,100,1000000,,0,"{kinds}",test')
    with pytest.raises(ValueError, match="payer kinds"):
        read_rates(path)


@pytest.mark.parametrize(
    "row",
    [
        "JKK,2020-13-01,percent,100,1000000,,0,apbd,test",  # no such date
        "JKK,,percent,100,1000000,,0,apbd,test",
        "JKK,2020-01-01,percent,1.5,1000000,,0,apbd,test",  # basis points are whole numbers
        "JKK,2020-01-01,percent,100,1000000,,150,apbd,test",
        "JKK,2020-01-01,percent,-100,1000000,,0,apbd,test",
    ],
)
def test_read_rates_rejects_a_malformed_row(tmp_path, row):
    with pytest.raises(ValueError):
        read_rates(write_csv(tmp_path, row))


def test_the_shipped_schedule_is_the_csv_and_read_once():
    assert shipped_rates() == read_rates(RATES_CSV) == read_rates()
    assert shipped_rates() is shipped_rates()


def test_every_shipped_rule_is_well_formed_and_has_a_source():
    rules = shipped_rates()
    assert {r.programme for r in rules} == set(PROGRAMMES)
    for r in rules:
        assert r.source.strip(), r
        assert r.basis in BASES
        assert r.payer_kinds and r.payer_kinds <= set(PAYER_KINDS)
        assert r.effective_from.day == 1, "rules take effect on the first of a month"
    # At most one rule per programme, payer kind and date: otherwise which one is in force is arbitrary.
    keys = [(r.programme, kind, r.effective_from) for r in rules for kind in r.payer_kinds]
    assert len(keys) == len(set(keys))


def test_the_shipped_rules_cite_the_regulations():
    sources = {(r.programme, r.effective_from.year): r.source for r in shipped_rates()}
    assert "PP 44/2015" in sources["JKK", 2015] and "PP 44/2015" in sources["JKM", 2015]
    assert "PP 46/2015" in sources["JHT", 2015]
    assert "PP 50/2025" in sources["JKK", 2026] and "PP 50/2025" in sources["JKM", 2026]


def test_rate_for_picks_the_latest_rule_in_force_on_the_first_of_the_month():
    old = rate(effective_from=date(2020, 1, 1), percent_bp=100)
    new = rate(effective_from=date(2021, 3, 15), percent_bp=200)
    only_self = rate(effective_from=date(2022, 1, 1), percent_bp=300, payer_kinds=frozenset({"self"}))
    rates = (new, only_self, old)  # order in the schedule does not matter
    assert rate_for("JKK", "2019-12", "apbd", rates) is None
    assert rate_for("JKK", "2020-01", "apbd", rates) is old
    assert rate_for("JKK", "2021-03", "apbd", rates) is old  # 15 March is after 1 March
    assert rate_for("JKK", "2021-04", "apbd", rates) is new
    assert rate_for("JKK", "2023-01", "apbd", rates) is new
    assert rate_for("JKK", "2023-01", "self", rates) is only_self
    assert rate_for("JKM", "2023-01", "self", rates) is None
    assert rate_for("JKK", "2023-01", "self", ()) is None


def test_rate_for_on_the_shipped_schedule():
    assert rate_for("JKK", "2026-01", "self").discount_percent == 50
    assert rate_for("JKK", "2026-01", "apbd").discount_percent == 0
    assert rate_for("JKK", "2027-01", "self").effective_from == date(2027, 1, 1)
    assert rate_for("JKK", "2027-01", "apbd").effective_from == date(2015, 7, 1)


# Properties of contribution() -----------------------------------------------------------------------


@given(incomes, programme_lists, months, payer_kinds)
def test_amounts_are_non_negative_integers_one_per_programme(income, programmes, month, kind):
    amounts = contribution(income, programmes, month, kind)
    assert list(amounts) == programmes
    assert all(type(a) is int and a >= 0 for a in amounts.values())


@given(st.integers(0, 100_000_000), st.integers(0, 100_000_000), programme_lists, months, payer_kinds)
def test_amounts_never_fall_as_income_rises(a, b, programmes, month, kind):
    low, high = sorted((a, b))
    cheaper = contribution(low, programmes, month, kind)
    dearer = contribution(high, programmes, month, kind)
    assert all(cheaper[p] <= dearer[p] for p in programmes)


@given(st.none() | st.integers(0, MINIMUM_BASIS), programme_lists, months, payer_kinds)
def test_at_or_below_the_minimum_basis_the_amount_is_the_minimum(income, programmes, month, kind):
    assert contribution(income, programmes, month, kind) == contribution(MINIMUM_BASIS, programmes, month, kind)
    assert contribution(income, programmes, month, kind) == contribution(None, programmes, month, kind)


@given(incomes, st.sampled_from(["JKK", "JKM"]), st.sampled_from([f"2026-{m:02d}" for m in range(1, 13)]),
       st.sampled_from(DISCOUNTED_KINDS), st.sampled_from(BUDGET_KINDS))
def test_in_2026_the_discounted_amount_is_half_the_full_amount_rounded_down(income, programme, month, kind, budget):
    full = contribution(income, [programme], month, budget)[programme]
    assert contribution(income, [programme], month, kind)[programme] == full * 50 // 100
    assert full == contribution(income, [programme], "2025-12", kind)[programme]
    assert full == contribution(income, [programme], "2027-01", kind)[programme]


@given(incomes, months, payer_kinds)
def test_the_payer_only_matters_for_jkk_and_jkm_in_2026(income, month, kind):
    amounts = contribution(income, PROGRAMMES, month, kind)
    regency = contribution(income, PROGRAMMES, month, "apbd")
    assert amounts["JHT"] == regency["JHT"]
    if not month.startswith("2026-") or kind in BUDGET_KINDS:
        assert amounts == regency


@given(incomes, months, payer_kinds)
def test_the_formulas_of_the_domain(income, month, kind):
    basis = max(income or 0, MINIMUM_BASIS)
    discount = 50 if month.startswith("2026-") and kind in DISCOUNTED_KINDS else 0
    assert contribution(income, PROGRAMMES, month, kind) == {
        "JKK": basis // 100 * (100 - discount) // 100,
        "JKM": 6_800 * (100 - discount) // 100,
        "JHT": basis * 2 // 100,
    }


@given(
    basis=st.sampled_from(BASES),
    percent_bp=st.integers(0, 10_000),
    min_income=st.integers(0, 10_000_000),
    flat_amount=st.integers(0, 1_000_000),
    discount=st.integers(0, 100),
    income=incomes,
)
def test_rate_amount_is_the_full_amount_less_the_discount_rounded_down(basis, percent_bp, min_income, flat_amount,
                                                                      discount, income):
    r = rate(basis=basis, percent_bp=percent_bp, min_income=min_income, flat_amount=flat_amount,
             discount_percent=discount)
    full = flat_amount if basis == "flat" else max(income or 0, min_income) * percent_bp // 10_000
    assert r.amount(income) == full * (100 - discount) // 100
    assert 0 <= r.amount(income) <= replace(r, discount_percent=0).amount(income) == full
    assert type(r.amount(income)) is int


@given(st.integers(max_value=-1), programme_lists, months, payer_kinds)
def test_any_negative_income_is_refused(income, programmes, month, kind):
    with pytest.raises(ValueError):
        contribution(income, programmes, month, kind)


# Months ---------------------------------------------------------------------------------------------


def test_month_start_and_month_of():
    assert month_start("2026-03") == date(2026, 3, 1)
    assert month_start("0001-01") == date(1, 1, 1)
    assert month_start("9999-12") == date(9999, 12, 1)
    assert month_of(date(2026, 3, 31)) == "2026-03"
    assert month_of(date(1, 1, 1)) == "0001-01"


def test_add_months_across_years():
    assert add_months("2026-01", 0) == "2026-01"
    assert add_months("2026-01", 11) == "2026-12"
    assert add_months("2026-01", 12) == "2027-01"
    assert add_months("2026-12", 1) == "2027-01"
    assert add_months("2026-01", -1) == "2025-12"
    assert add_months("2026-03", -27) == "2023-12"
    assert add_months("2015-07", 138) == "2027-01"


def test_months_between():
    assert months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert months_between("2026-01", "2026-01") == ["2026-01"]
    assert months_between("2026-02", "2026-01") == []
    assert months_between("2027-01", "2023-01") == []
    assert len(months_between("2023-01", "2023-12")) == 12


@given(any_months)
def test_a_month_reads_back_as_itself(month):
    assert month_of(month_start(month)) == month
    assert month_start(month).day == 1
    assert re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month)


@given(st.dates())
def test_month_of_gives_the_first_of_the_month_back(day):
    assert month_start(month_of(day)) == day.replace(day=1)


@given(months, st.integers(-120, 120), st.integers(-120, 120))
def test_adding_months_adds_up(month, a, b):
    assert add_months(add_months(month, a), b) == add_months(month, a + b)
    assert add_months(add_months(month, a), -a) == month


@given(months, st.integers(-240, 240))
def test_add_months_keeps_time_order_as_text_order(month, n):
    later = add_months(month, n)
    assert (later > month) == (month_start(later) > month_start(month)) == (n > 0)
    assert (later == month) == (n == 0)
    assert month_of(month_start(later)) == later


@given(months, months)
def test_months_between_is_every_month_in_order(first, last):
    between = months_between(first, last)
    start, end = month_start(first), month_start(last)
    assert len(between) == max(0, (end.year - start.year) * 12 + end.month - start.month + 1)
    assert between == sorted(between) and len(set(between)) == len(between)
    assert all(add_months(a, 1) == b for a, b in zip(between, between[1:]))
    if first <= last:
        assert between[0] == first and between[-1] == last
    else:
        assert between == []


@given(months, st.integers(0, 240))
def test_months_between_counts_n_plus_one(first, n):
    assert months_between(first, add_months(first, n)) == [add_months(first, i) for i in range(n + 1)]


@given(st.text(max_size=10) | st.from_regex(r"[0-9]{4}-[0-9]{2}", fullmatch=True))
def test_month_start_refuses_text_or_reads_back_a_real_month(text):
    try:
        first = month_start(text)
    except ValueError:
        return
    assert first.day == 1
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):
        assert month_of(first) == text


# Policy ---------------------------------------------------------------------------------------------


def test_three_unpaid_months_lapse_a_membership():
    assert policy_value("lapse_after_unpaid_months", date(2015, 7, 1)) == 3
    assert policy_value("lapse_after_unpaid_months", date(2026, 1, 1)) == 3
    assert policy_value("lapse_after_unpaid_months") == 3  # today


def test_no_policy_before_it_took_effect_or_by_an_unknown_name():
    with pytest.raises(KeyError):
        policy_value("lapse_after_unpaid_months", date(2015, 6, 30))
    with pytest.raises(KeyError):
        policy_value("no_such_rule", date(2026, 1, 1))
    with pytest.raises(KeyError):
        policy_value("no_such_rule")


@given(st.dates(min_value=date(2015, 7, 1)))
def test_the_lapse_period_is_3_from_2015_on(day):
    assert policy_value("lapse_after_unpaid_months", day) == 3


@given(st.dates(max_value=date(2015, 6, 30)))
def test_no_lapse_period_before_2015_07(day):
    with pytest.raises(KeyError):
        policy_value("lapse_after_unpaid_months", day)

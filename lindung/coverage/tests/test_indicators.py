"""Coverage indicators on real data: people registered, enrolled, billed and partly paid.

A person is protected in a month when at least one of their contribution lines for it is paid; each
breakdown counts each protected person once; age is taken on the first day of the month.
"""
import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lindung.billing.models import ContributionLine, Invoice
from lindung.billing.services import enrol, record_payment, run_billing
from lindung.coverage.aggregate import refresh_coverage
from lindung.coverage.indicators import coverage, coverage_from_lines, trend
from lindung.programmes.models import Payer
from lindung.registry.models import Person
from lindung.registry.nik import make_nik
from lindung.registry.services import create_person

BANDS = ["15-24", "25-34", "35-44", "45-54", "55-65", "other"]

# (name, sex, birth date, village, segment): ages on 1 March 2026 at the edges of the bands.
PEOPLE = [
    ("Aditya", "L", date(2011, 3, 1), "32.16.04.2001", "farmer"),  # 15 that very day
    ("Bunga", "P", date(2001, 3, 2), "32.16.04.2002", "fisher"),  # 24, 25 tomorrow
    ("Citra", "P", date(2001, 3, 1), "32.16.08.1008", "farmer"),  # 25 that day
    ("Dadang", "L", date(1960, 3, 1), "32.16.08.1008", "driver"),  # 66: other
    ("Euis", "P", date(1960, 3, 2), "32.16.04.2003", "farmer"),  # 65: still 55-65
    ("Fajar", "L", date(1980, 7, 10), "32.16.08.1008", "fisher"),  # 45, but not paid for
    ("Gilang", "L", date(2012, 1, 1), "32.16.04.2001", "farmer"),  # 14: other, not paid for
]


def lindung(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def march(db):
    """Seven people on APBD from March 2026 (Aditya also in JHT), March and April billed, the first five
    people paid for March only (payments go to whole members in order of registration)."""
    people = [
        create_person(
            source="test", nik=make_nik(village[:8], born, sex, i + 1), full_name=name, birth_place="Bekasi",
            birth_date=born, sex=sex, village_id=village, segment_id=segment, income=1_500_000,
        )
        for i, (name, sex, born, village, segment) in enumerate(PEOPLE)
    ]
    apbd = Payer.objects.get(kind="apbd")
    ids = [p.pk for p in people]
    enrol(Person.objects.filter(pk__in=ids), ["JKK", "JKM"], apbd, "2026-03")
    enrol(Person.objects.filter(pk=people[0].pk), ["JHT"], apbd, "2026-03")
    run_billing("2026-03")
    run_billing("2026-04")
    owed_by_first_five = sum(ContributionLine.objects.filter(month="2026-03", person_id__in=ids[:5]).values_list("amount", flat=True))
    record_payment(Invoice.objects.get(month="2026-03"), owed_by_first_five, date(2026, 4, 15))
    return people


def assert_adds_up(result):
    for key in ("by_kecamatan", "by_segment", "by_sex", "by_age_band"):
        assert sum(result[key].values()) == result["protected"], key


def test_a_paid_month_counts_each_protected_person_once_in_every_breakdown(march):
    result = coverage("2026-03")
    assert list(result) == ["month", "protected", "by_kecamatan", "by_segment", "by_sex", "by_age_band"]
    assert result == {
        "month": "2026-03",
        "protected": 5,
        "by_kecamatan": {"32.16.04": 3, "32.16.08": 2},
        "by_segment": {"driver": 1, "farmer": 3, "fisher": 1},
        "by_sex": {"L": 2, "P": 3},
        "by_age_band": {"15-24": 2, "25-34": 1, "35-44": 0, "45-54": 0, "55-65": 1, "other": 1},
    }
    assert list(result["by_age_band"]) == BANDS
    assert_adds_up(result)


def test_the_count_agrees_with_the_protection_ledger(march):
    from lindung.billing.ledger import protected_count_by, protected_people

    result = coverage("2026-03")
    assert result["protected"] == protected_people("2026-03").count()
    assert result["by_kecamatan"] == protected_count_by("2026-03", "kecamatan")
    assert result["by_segment"] == protected_count_by("2026-03", "segment")


def test_a_month_billed_but_not_paid_protects_nobody(march):
    assert ContributionLine.objects.filter(month="2026-04").count() == 15
    for month in ("2026-04", "2026-05", "2026-02"):  # billed and unpaid, not billed yet, before enrolment
        result = coverage(month)
        assert result == {
            "month": month,
            "protected": 0,
            "by_kecamatan": {},
            "by_segment": {},
            "by_sex": {"L": 0, "P": 0},
            "by_age_band": dict.fromkeys(BANDS, 0),
        }


def test_someone_billed_in_two_kecamatan_in_one_month_is_counted_once(march):
    # Lines keep the village they were billed in; were a person's lines of one month to disagree,
    # the lowest code counts and the breakdown still adds up.
    aditya = march[0]
    ContributionLine.objects.filter(month="2026-03", person=aditya, programme_id="JHT").update(
        village_id="32.16.08.1008", segment_id="fisher"
    )
    refresh_coverage("2026-03")  # lines written behind the billing services' back: the figures are rebuilt
    assert coverage("2026-03") == coverage_from_lines("2026-03")
    result = coverage("2026-03")
    assert result["protected"] == 5
    assert result["by_kecamatan"] == {"32.16.04": 3, "32.16.08": 2}
    assert result["by_segment"] == {"driver": 1, "farmer": 3, "fisher": 1}
    assert_adds_up(result)


def test_paying_the_rest_protects_everyone_billed(march):
    invoice = Invoice.objects.get(month="2026-03")
    record_payment(invoice, invoice.outstanding, date(2026, 4, 20))
    result = coverage("2026-03")
    assert result["protected"] == 7
    assert result["by_age_band"] == {"15-24": 2, "25-34": 1, "35-44": 0, "45-54": 1, "55-65": 1, "other": 2}
    assert result["by_sex"] == {"L": 4, "P": 3}
    assert_adds_up(result)


def test_trend_counts_every_month_of_the_range(march):
    assert trend("2026-02", "2026-05") == [
        {"month": "2026-02", "protected": 0},
        {"month": "2026-03", "protected": 5},
        {"month": "2026-04", "protected": 0},
        {"month": "2026-05", "protected": 0},
    ]
    assert trend("2026-03", "2026-03") == [{"month": "2026-03", "protected": 5}]
    assert trend("2026-05", "2026-03") == []


def test_bad_months_are_refused(db):
    for bad in ("2026-13", "2026-3", "March", ""):
        with pytest.raises(ValueError):
            coverage(bad)
    with pytest.raises(ValueError):
        trend("2026-1", "2026-03")


# The command ------------------------------------------------------------------------------------------


def test_the_command_prints_the_indicators_as_json(march):
    printed = lindung("coverage", "--month", "2026-03", "--json")
    assert json.loads(printed) == coverage("2026-03")
    assert list(json.loads(printed)) == ["month", "protected", "by_kecamatan", "by_segment", "by_sex", "by_age_band"]
    assert json.loads(lindung("coverage", "--month", "2026-04", "--json"))["protected"] == 0


def test_the_command_prints_a_readable_summary(march):
    text = lindung("coverage", "--month", "2026-03")
    assert text.startswith("2026-03: 5 people protected")
    assert "32.16.04" in text and "farmer" in text and "55-65" in text and "60.0%" in text


@pytest.mark.parametrize("bad", ["2026-13", "03-2026", "2026-3"])
def test_the_command_refuses_a_badly_written_month(db, bad):
    with pytest.raises(CommandError, match="^Bulan harus ditulis YYYY-MM / the month must be written YYYY-MM$"):
        lindung("coverage", "--month", bad)


# The demo history -----------------------------------------------------------------------------------------


def test_the_demo_history_september_fully_protected_october_90_percent_november_not_yet(db):
    from lindung.billing.demo import build_demo_history
    from lindung.registry.services import load_demo_register

    load_demo_register(workers=300, seed=1, today=date(2026, 11, 25))
    build_demo_history(date(2026, 11, 25))
    september, october, november = (coverage(f"2026-{m}") for m in ("09", "10", "11"))
    assert (september["protected"], october["protected"], november["protected"]) == (300, 270, 0)
    for result in (september, october, november):
        assert_adds_up(result)
    assert september["by_sex"]["L"] > 0 and september["by_sex"]["P"] > 0
    assert len(september["by_kecamatan"]) > 1
    assert [m["protected"] for m in trend("2026-01", "2026-12")] == [300] * 9 + [270, 0, 0]

"""The pre-aggregated coverage cells give exactly what the contribution lines give.

Random small registers are enrolled (JKK + JKM on APBD, some also JHT paid by the worker), billed for two
months, moved between villages in between, and paid in random parts; the figures read from the cells
(coverage, trend, with every payer and segment filter) must equal a plain-Python count over the paid lines
and the computation straight from the lines.
"""
from datetime import date

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.billing.models import ContributionLine, Invoice, Membership
from lindung.billing.services import enrol, record_payment, run_billing
from lindung.coverage.aggregate import refresh_all, refresh_coverage
from lindung.coverage.indicators import AGE_BANDS, OTHER_AGE, coverage, coverage_from_lines, trend, trend_from_lines
from lindung.coverage.models import CoverageCell, CoverageMonth
from lindung.enrolment.lifecycle import end_memberships
from lindung.programmes.models import Payer
from lindung.registry.models import Person
from lindung.registry.nik import make_nik
from lindung.registry.services import create_person

VILLAGES = ["32.16.04.2001", "32.16.04.2002", "32.16.08.1008"]
SEGMENTS = ["farmer", "fisher", "driver"]
# Birth dates around the band edges on 1 March and 1 April 2026.
BIRTH_DATES = [date(2011, 3, 1), date(2011, 3, 2), date(2001, 4, 1), date(1960, 3, 2), date(1960, 4, 1), date(1985, 7, 9)]
MONTHS = ["2026-03", "2026-04"]


def age_band(born: date, month: str) -> str:
    first = date(int(month[:4]), int(month[5:]), 1)
    age = first.year - born.year - ((first.month, first.day) < (born.month, born.day))
    return next((name for name, low, high in AGE_BANDS if low <= age <= high), OTHER_AGE)


def expected(month: str, segment=None, payer=None) -> dict:
    """coverage() counted in Python from the paid lines: each person once, their lowest village and segment."""
    lines = ContributionLine.objects.filter(month=month, payment__isnull=False)
    if payer is not None:
        lines = lines.filter(invoice__payer=payer)
    keys: dict[int, tuple[str, str]] = {}
    for person_id, village, seg in lines.values_list("person_id", "village_id", "segment_id"):
        old = keys.get(person_id, (village, seg))
        keys[person_id] = (min(old[0], village), min(old[1], seg))
    people = {p.pk: p for p in Person.objects.filter(pk__in=keys)}
    result = {"month": month, "protected": 0, "by_kecamatan": {}, "by_segment": {}, "by_sex": {"L": 0, "P": 0},
              "by_age_band": dict.fromkeys([b for b, _, _ in AGE_BANDS] + [OTHER_AGE], 0)}
    for person_id, (village, seg) in keys.items():
        if segment is not None and seg != segment:
            continue
        result["protected"] += 1
        result["by_kecamatan"][village[:8]] = result["by_kecamatan"].get(village[:8], 0) + 1
        result["by_segment"][seg] = result["by_segment"].get(seg, 0) + 1
        result["by_sex"][people[person_id].sex] += 1
        result["by_age_band"][age_band(people[person_id].birth_date, month)] += 1
    result["by_kecamatan"] = dict(sorted(result["by_kecamatan"].items()))
    result["by_segment"] = dict(sorted(result["by_segment"].items()))
    return result


person_strategy = st.tuples(
    st.sampled_from(VILLAGES), st.sampled_from(SEGMENTS), st.sampled_from("LP"), st.sampled_from(BIRTH_DATES),
    st.booleans(),  # also saves JHT, paid by the worker
    st.sampled_from(VILLAGES),  # where they live when April is billed
    st.none() | st.tuples(st.sampled_from(VILLAGES), st.sampled_from(SEGMENTS)),  # March's JKM line rewritten
)


def build(people, shares):
    apbd = Payer.objects.get(kind="apbd")
    worker = Payer.objects.filter(kind="self").first() 
    created = []
    for i, (village, segment, sex, born, jht, *_) in enumerate(people, start=1):
        created.append(create_person(
            source="test", nik=make_nik(village[:8], born, sex, i), full_name=f"Peserta {i}", birth_place="Bekasi",
            birth_date=born, sex=sex, village_id=village, segment_id=segment, income=1_500_000,
        ))
    ids = [p.pk for p in created]
    enrol(Person.objects.filter(pk__in=ids), ["JKK", "JKM"], apbd, "2026-03")
    savers = [p.pk for p, spec in zip(created, people) if spec[4]]
    if savers:
        enrol(Person.objects.filter(pk__in=savers), ["JHT"], worker, "2026-03")
    run_billing("2026-03")
    for person, spec in zip(created, people):
        Person.objects.filter(pk=person.pk).update(village_id=spec[5])
    run_billing("2026-04")
    for invoice, share in zip(Invoice.objects.order_by("month", "payer_id"), shares):
        amount = invoice.outstanding * share // 4
        if amount > 0:
            record_payment(invoice, amount, date(2026, 5, 2))
    # Lines of one person and month that disagree (written behind the services' back, then refreshed).
    for person, spec in zip(created, people):
        if spec[6]:
            ContributionLine.objects.filter(month="2026-03", person=person, programme_id="JKM").update(
                village_id=spec[6][0], segment_id=spec[6][1]
            )
    refresh_coverage("2026-03")
    return apbd, worker


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(person_strategy, min_size=1, max_size=6),
    shares=st.lists(st.integers(0, 4), min_size=4, max_size=4),
)
def test_cells_count_exactly_what_the_lines_count(db, people, shares):
    with transaction.atomic():
        apbd, worker = build(people, shares)
        for month in MONTHS:
            assert coverage(month) == coverage_from_lines(month) == expected(month)
            for payer in (apbd, worker):
                assert coverage(month, payer=payer) == expected(month, payer=payer)
            for segment in SEGMENTS:
                assert coverage(month, segment=segment) == expected(month, segment=segment)
                assert coverage(month, segment=segment, payer=apbd.pk) == expected(month, segment, apbd)
        assert trend("2026-02", "2026-05") == trend_from_lines("2026-02", "2026-05")
        assert trend("2026-03", "2026-04", payer=worker) == [
            {"month": m, "protected": expected(m, payer=worker)["protected"]} for m in MONTHS
        ]
        transaction.set_rollback(True)


def test_a_payment_and_a_billing_run_keep_the_cells_current(db, two_villages):
    asep, siti = two_villages
    enrol(Person.objects.filter(pk__in=[asep.pk, siti.pk]), ["JKK", "JKM"], Payer.objects.get(kind="apbd"), "2026-03")
    run_billing("2026-03")
    assert coverage("2026-03")["protected"] == 0
    assert CoverageMonth.objects.get(month="2026-03").protected == 0
    invoice = Invoice.objects.get(month="2026-03")
    record_payment(invoice, 16_800, date(2026, 4, 1))  # Asep, registered first
    assert coverage("2026-03")["by_kecamatan"] == {"32.16.04": 1}
    record_payment(invoice, 16_800, date(2026, 4, 2))
    assert coverage("2026-03") == coverage_from_lines("2026-03")
    assert coverage("2026-03")["by_kecamatan"] == {"32.16.04": 1, "32.16.08": 1}
    # Two villages, two kecamatan: a cell each, at both levels.
    assert CoverageCell.objects.filter(month="2026-03", payer__isnull=True).count() == 4
    # A billing run never touches paid lines: rerun with a member removed and one added, the cells still hold.
    end_memberships(Membership.objects.filter(person=asep), "withdrawn", "2026-02")
    enrol(Person.objects.filter(pk=asep.pk), ["JKK", "JKM"], Payer.objects.get(kind="apbd"), "2026-04")
    run_billing("2026-03")
    assert coverage("2026-03") == coverage_from_lines("2026-03")


def test_a_month_never_refreshed_is_built_when_first_read(db, two_villages):
    asep, siti = two_villages
    enrol(Person.objects.filter(pk=asep.pk), ["JKK", "JKM"], Payer.objects.get(kind="apbd"), "2026-03")
    run_billing("2026-03")
    record_payment(Invoice.objects.get(month="2026-03"), 16_800, date(2026, 4, 1))
    CoverageCell.objects.all().delete()
    CoverageMonth.objects.all().delete()
    assert coverage("2026-03")["protected"] == 1
    assert CoverageMonth.objects.filter(month="2026-03").exists()


def test_refresh_all_rebuilds_every_month_with_history(db, two_villages):
    asep, siti = two_villages
    enrol(Person.objects.filter(pk__in=[asep.pk, siti.pk]), ["JKK", "JKM"], Payer.objects.get(kind="apbd"), "2026-01")
    for month in ("2026-01", "2026-02", "2026-03"):
        run_billing(month)
    for invoice in Invoice.objects.exclude(month="2026-03"):
        record_payment(invoice, invoice.outstanding, date(2026, 4, 1))
    CoverageCell.objects.all().delete()
    CoverageMonth.objects.all().delete()
    assert refresh_all() == {"2026-01": 2, "2026-02": 2, "2026-03": 0}
    assert refresh_coverage("2026-02") == 2
    assert [m["protected"] for m in trend("2026-01", "2026-03")] == [2, 2, 0]

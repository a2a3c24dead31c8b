"""Member flows: who counts as new, and that each person counts once however many programmes they hold."""

from lindung.billing.models import Membership
from lindung.billing.services import enrol, run_billing
from lindung.coverage.aggregate import refresh_coverage
from lindung.coverage.dashboard import flows
from lindung.enrolment.lifecycle import end_memberships
from lindung.programmes.models import Payer
from lindung.registry.models import Person


def test_new_means_no_membership_the_month_before(two_villages):
    asep, siti = two_villages
    apbd, worker = Payer.objects.get(kind="apbd"), Payer.objects.get(kind="self")
    enrol(Person.objects.filter(pk=asep.pk), ["JKK", "JKM"], apbd, "2026-01")
    run_billing("2026-01")
    assert flows("2026-01") == {"new": 1, "renewed": 0, "lapsed": 0, "ended": 0}  # two programmes, one person
    # Asep adds JHT in March: a new programme, not a new member — except to the payer paying it.
    enrol(Person.objects.filter(pk=asep.pk), ["JHT"], worker, "2026-03")
    # Siti leaves in April and comes back in June: new again; not in May, when she was not a member.
    enrol(Person.objects.filter(pk=siti.pk), ["JKK", "JKM"], apbd, "2026-03")
    end_memberships(Membership.objects.filter(person=siti), "withdrawn", "2026-04")
    enrol(Person.objects.filter(pk=siti.pk), ["JKK", "JKM"], apbd, "2026-06")
    for month in ("2026-03", "2026-04", "2026-05", "2026-06"):
        refresh_coverage(month)
    assert flows("2026-03")["new"] == 1  # Siti
    assert flows("2026-03", payer=worker)["new"] == 1  # Asep, new to paying JHT himself
    assert flows("2026-03", payer=apbd)["new"] == 1
    assert flows("2026-04")["ended"] == 1 and flows("2026-04", segment="farmer")["ended"] == 1
    assert flows("2026-05") == {"new": 0, "renewed": 0, "lapsed": 0, "ended": 0}
    assert flows("2026-06")["new"] == 1
    assert flows("2026-06", kecamatan="32.16.08")["new"] == 1 and flows("2026-06", kecamatan="32.16.04")["new"] == 0


def test_candidates_waiting_for_bpjs_are_not_new(two_villages):
    asep, siti = two_villages
    enrol(Person.objects.filter(pk=asep.pk), ["JKK", "JKM"], Payer.objects.get(kind="apbd"), "2026-01")
    Membership.objects.update(status="candidate")
    refresh_coverage("2026-01")
    assert flows("2026-01")["new"] == 0
    Membership.objects.update(status="active")
    refresh_coverage("2026-01")
    assert flows("2026-01")["new"] == 1

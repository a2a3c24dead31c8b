"""Billing follows the register: a person who moves, changes segment, leaves or comes back is billed as they are now."""
from datetime import date

from lindung.billing.models import ContributionLine, Membership
from lindung.billing.services import enrol, run_billing
from lindung.programmes.models import Payer
from lindung.registry.models import Person
from lindung.registry.services import delete_person, restore_person, update_person


def lines(month):
    return sorted(ContributionLine.objects.filter(month=month).values_list("person__full_name", "village_id", "segment_id"))


def enrol_both(two_villages):
    enrol(Person.objects.all(), ["JKK"], Payer.objects.get(kind="apbd"), "2026-01")


def test_a_move_shows_from_the_next_billed_month_and_the_past_stays(two_villages):
    asep, siti = two_villages
    enrol_both(two_villages)
    run_billing("2026-01")
    update_person(asep, source="test", village_id="32.16.08.1008", segment_id="fisher")
    run_billing("2026-02")
    assert lines("2026-01") == [("Asep Saepudin", "32.16.04.2001", "farmer"), ("Siti Aminah", "32.16.08.1008", "farmer")]
    assert lines("2026-02") == [("Asep Saepudin", "32.16.08.1008", "fisher"), ("Siti Aminah", "32.16.08.1008", "farmer")]


def test_someone_removed_from_the_register_is_no_longer_billed_until_restored(two_villages):
    asep, siti = two_villages
    enrol_both(two_villages)
    run_billing("2026-01")
    delete_person(asep, source="test")
    again = run_billing("2026-01")
    assert (again.removed, again.members) == (1, 1)
    assert [name for name, _, _ in lines("2026-01")] == ["Siti Aminah"]
    run_billing("2026-02")
    assert [name for name, _, _ in lines("2026-02")] == ["Siti Aminah"]
    restore_person(Person.objects.get(pk=asep.pk), source="test")
    assert run_billing("2026-02").added == 1
    assert [name for name, _, _ in lines("2026-02")] == ["Asep Saepudin", "Siti Aminah"]


def test_a_membership_made_one_at_a_time_takes_the_person_as_they_are(two_villages):
    asep, _ = two_villages
    membership = Membership.objects.create(person=asep, programme_id="JKM", payer=Payer.objects.get(kind="apbd"),
                                           start_month="2026-01")
    assert (membership.village_id, membership.segment_id, membership.in_register) == ("32.16.04.2001", "farmer", True)
    run_billing("2026-01")
    assert lines("2026-01") == [("Asep Saepudin", "32.16.04.2001", "farmer")]

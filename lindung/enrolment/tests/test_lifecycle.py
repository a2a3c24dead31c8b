"""Ending memberships with a reason, and the yearly renewal: carried over or dropped, and why."""
import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lindung.accounts.models import AuditEvent
from lindung.billing.models import Membership, MembershipChange
from lindung.enrolment.lifecycle import END_REASONS, LifecycleError, end_memberships, renew
from lindung.enrolment.models import EligibilityPolicy
from lindung.programmes.models import Payer
from lindung.programmes.services import APBD_PAYER
from lindung.regions.models import Level, Region
from lindung.registry.models import Person
from lindung.registry.nik import make_nik
from lindung.registry.services import create_person


def person(name, serial, born=date(1990, 6, 5), sex="L", village="32.16.04.2001"):
    return create_person(
        source="test", nik=make_nik("32.16.04", born, sex, serial), full_name=name, birth_date=born, sex=sex,
        village_id=village, segment_id="farmer", income=1_500_000,
    )


def membership(who, payer, *, programme="JKK", start="2026-01", end="2026-12", status="active"):
    return Membership.objects.create(person=who, programme_id=programme, payer=payer, start_month=start,
                                     end_month=end, status=status)


@pytest.fixture
def apbd(db):
    return Payer.objects.get(name=APBD_PAYER)


def outside_regency_village() -> str:
    return Region.objects.filter(level=Level.VILLAGE, code__startswith="32.75.").values_list("code", flat=True).first()


# end_memberships --------------------------------------------------------------------------------------


def test_end_memberships_with_a_reason(apbd, make_user):
    asep, siti = person("Asep Saepudin", 1), person("Siti Aminah", 2, sex="P")
    jkk, jkm = membership(asep, apbd), membership(asep, apbd, programme="JKM", start="2026-05")
    older = membership(asep, apbd, programme="JHT", start="2025-01", end="2025-12", status="ended")
    other = membership(siti, apbd)
    officer = make_user("budi")

    ended = end_memberships(Membership.objects.filter(person=asep), "death", "2026-03", user=officer,
                            note="akta kematian 12/2026")

    assert ended == 2  # the JHT membership had ended already
    jkk.refresh_from_db(), jkm.refresh_from_db(), older.refresh_from_db(), other.refresh_from_db()
    assert (jkk.status, jkk.end_month) == ("ended", "2026-03")
    assert (jkm.status, jkm.end_month) == ("ended", "2026-05")  # not before its first month
    assert (older.status, older.end_month) == ("ended", "2025-12")
    assert (other.status, other.end_month) == ("active", "2026-12")
    change = MembershipChange.objects.get(membership=jkk)
    assert (change.status, change.month, change.user) == ("ended", "2026-03", officer)
    assert change.reason == "meninggal dunia / died: akta kematian 12/2026"
    assert MembershipChange.objects.get(membership=jkm).month == "2026-05"
    event = AuditEvent.objects.get(action="enrolment.end")
    assert event.after == {
        "reason": "death", "last_month": "2026-03", "memberships": 2, "note": "akta kematian 12/2026"}

    # Ending again changes nothing.
    assert end_memberships(Membership.objects.filter(person=asep), "death", "2026-03") == 0
    assert MembershipChange.objects.count() == 2


def test_end_never_extends_an_earlier_end(apbd):
    asep = person("Asep Saepudin", 1)
    short = membership(asep, apbd, end="2026-06")
    assert end_memberships(Membership.objects.all(), "budget_ended", "2026-09") == 1
    short.refresh_from_db()
    assert short.end_month == "2026-06"


@pytest.mark.parametrize("reason, month, message", [
    ("bored", "2026-03", "unknown reason for ending"),
    ("death", "2026-13", "the month must be written YYYY-MM"),
])
def test_bad_reasons_and_months_are_refused_in_both_languages(apbd, reason, month, message):
    with pytest.raises(LifecycleError, match=message) as refused:
        end_memberships(Membership.objects.all(), reason, month)
    assert " / " in str(refused.value)


def test_every_end_reason_has_both_labels():
    assert set(END_REASONS) == {"death", "moved_away", "over_age", "budget_ended", "withdrawn", "rejected"}
    assert all(indonesian and english and indonesian != english for indonesian, english in END_REASONS.values())


# renew ------------------------------------------------------------------------------------------------


@pytest.fixture
def members(apbd):
    """Memberships ending 2026-12 (JKK + JKM each) of people still eligible in 2027 and of people who are not."""
    people = {
        "asep": person("Asep Saepudin", 1),
        "siti": person("Siti Aminah", 2, sex="P"),  # inactive (unpaid): carried over as inactive
        "dedi": person("Dedi Kurniawan", 3, born=date(1960, 6, 5)),  # 66 on 1 January 2027
        "euis": person("Euis Komariah", 4, born=date(1961, 1, 2), sex="P"),  # 65 on 1 January 2027: still in
        "ujang": person("Ujang Suhendar", 5),  # died
        "cecep": person("Cecep Hidayat", 6),  # moved out of the regency
    }
    Person.objects.filter(pk=people["ujang"].pk).update(died_on=date(2026, 10, 2))
    Person.objects.filter(pk=people["cecep"].pk).update(village_id=outside_regency_village())
    for key, who in people.items():
        for programme in ("JKK", "JKM"):
            membership(who, apbd, programme=programme, status="inactive" if key == "siti" else "active")
    return people


def test_renewal_carries_the_eligible_over_and_drops_the_rest_with_their_reason(members, apbd, make_user):
    sponsor = Payer.objects.create(name="CSR Pabrik", kind="sponsor")
    elsewhere = membership(members["asep"], sponsor, programme="JHT")  # another payer's: not touched
    later = membership(person("Neneng Hasanah", 7), apbd, end="2027-06")  # does not end in December: not touched
    officer = make_user("budi")

    report = renew(apbd, 2027, user=officer)

    assert report.carried == 3
    assert report.dropped == {"death": 1, "moved_away": 1, "over_age": 1}
    assert report.people == [
        {"person_id": members["ujang"].pk, "name": "Ujang Suhendar", "reason": "death"},
        {"person_id": members["cecep"].pk, "name": "Cecep Hidayat", "reason": "moved_away"},
        {"person_id": members["dedi"].pk, "name": "Dedi Kurniawan", "reason": "over_age"},
    ]
    assert (report.memberships_carried, report.memberships_ended) == (6, 6)

    def state(key):
        return set(Membership.objects.filter(person=members[key], payer=apbd).values_list("status", "end_month"))

    assert state("asep") == state("euis") == {("active", "2027-12")}
    assert state("siti") == {("inactive", "2027-12")}
    for key in ("ujang", "cecep", "dedi"):
        assert state(key) == {("ended", "2026-12")}
    reasons = dict(MembershipChange.objects.filter(membership__person=members["ujang"]).values_list("status", "reason"))
    assert reasons == {"ended": "meninggal dunia / died: renewal 2027"}
    moved = MembershipChange.objects.filter(membership__person=members["cecep"])
    assert set(moved.values_list("reason", flat=True)) == {
        "pindah ke luar kabupaten/kota / moved out of the regency: renewal 2027"}
    renewed = MembershipChange.objects.filter(membership__person=members["siti"])
    assert set(renewed.values_list("status", "month", "reason", "user")) == {
        ("inactive", "2027-01", "renewed for 2027", officer.pk)}
    elsewhere.refresh_from_db(), later.refresh_from_db()
    assert (elsewhere.status, elsewhere.end_month) == ("active", "2026-12")
    assert (later.status, later.end_month) == ("active", "2027-06")
    event = AuditEvent.objects.get(action="enrolment.renew")
    assert event.after["carried"] == 3 and event.after["dropped"] == report.dropped

    # Running it again finds nothing left to do.
    changes = MembershipChange.objects.count()
    again = renew(apbd, 2027)
    assert (again.carried, again.dropped, again.changed) == (0, {}, False)
    assert MembershipChange.objects.count() == changes


def test_renewal_follows_the_policy_in_force_on_the_first_of_january(members, apbd):
    EligibilityPolicy.objects.create(effective_from=date(2027, 1, 1), age_min=18, age_max=60, source="Perbup 2026")
    EligibilityPolicy.objects.create(effective_from=date(2027, 1, 2), age_min=18, age_max=30, source="later")
    report = renew(apbd, 2027)
    assert report.dropped == {"death": 1, "moved_away": 1, "over_age": 2}  # Euis (65) is out under 18-60
    assert report.policy == "2027-01-01: age 18-60"


def test_renewal_with_a_given_policy(members, apbd):
    policy = EligibilityPolicy(effective_from=date(2027, 1, 1), age_min=15, age_max=35, source="test")
    assert renew(apbd, 2027, policy=policy).dropped["over_age"] == 4  # everyone alive and resident is over 35


def test_someone_removed_from_the_register_is_dropped_as_withdrawn(members, apbd):
    from django.utils import timezone

    Person.objects.filter(pk=members["asep"].pk).update(deleted_at=timezone.now())
    report = renew(apbd, 2027)
    assert report.dropped["withdrawn"] == 1 and report.carried == 2


# The command -----------------------------------------------------------------------------------------------


def lindung(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_commands_renew_and_end(members, apbd):
    asep = members["asep"]
    ended = json.loads(lindung("enrolment", "end", "--person-id", str(asep.pk), "--reason", "withdrawn",
                               "--month", "2026-08", "--json"))
    assert ended == {"person_id": asep.pk, "reason": "withdrawn", "month": "2026-08", "ended": 2}
    report = json.loads(lindung("enrolment", "renew", "--year", "2027", "--json"))
    assert (report["carried"], report["dropped"]) == (2, {"death": 1, "moved_away": 1, "over_age": 1})
    assert "0 people carried over" in lindung("enrolment", "renew", "--year", "2027", "--payer", "apbd")


@pytest.mark.parametrize("args, message", [
    (("enrolment", "end", "--person-id", "999999", "--reason", "death", "--month", "2026-01"), "no such person"),
    (("enrolment", "end", "--person-id", "{asep}", "--reason", "bored", "--month", "2026-01"), "unknown reason"),
    (("enrolment", "end", "--person-id", "{asep}", "--reason", "death", "--month", "Maret"), "YYYY-MM"),
    (("enrolment", "renew", "--year", "2027", "--payer", "nobody"), "unknown payer"),
])
def test_bad_command_input_is_refused_in_both_languages(members, args, message):
    args = [a.format(asep=members["asep"].pk) for a in args]
    with pytest.raises(CommandError, match=message) as refused:
        call_command(*args, stdout=StringIO())
    assert " / " in str(refused.value)

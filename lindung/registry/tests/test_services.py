from datetime import date

import polars as pl
import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from lindung.registry.models import Person
from lindung.registry.services import (
    DuplicateNik, delete_person, find_by_nik, insert_people, insert_register, restore_person, search_people, update_person,
)

pytestmark = pytest.mark.django_db


def stored_row(person):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nik, kk, phone, nik_index FROM registry_person WHERE id = %s", [person.pk]
        )
        return cursor.fetchone()


def test_nik_kk_and_phone_are_encrypted_at_rest(make_person):
    person = make_person()
    nik, kk, phone, index = stored_row(person)
    assert "3216040506900001" not in nik and "3216040101100007" not in kk and "0812" not in phone
    assert "3216040506900001" not in index
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.nik, fresh.kk, fresh.phone) == ("3216040506900001", "3216040101100007", "081234567890")
    assert fresh.masked_nik == "3216********0001"


def test_a_person_is_found_by_nik_through_the_blind_index(make_person):
    person = make_person()
    assert find_by_nik("3216040506900001") == person
    assert find_by_nik("3216040506900002") is None
    assert list(search_people(Person.objects.all(), text="3216 0405 0690 0001")) == [person]
    assert list(search_people(Person.objects.all(), text="3216040101100007")) == [person]


def test_one_active_record_per_nik(make_person):
    make_person()
    with pytest.raises(DuplicateNik):
        make_person(full_name="Asep Lain")


def test_the_database_itself_refuses_a_second_active_record(make_person):
    person = make_person()
    twin = Person(nik=person.nik, nik_index=person.nik_index, full_name="X", birth_date=date(1990, 6, 5),
                  sex="L", village_id="32.16.04.2001", segment_id="farmer", source="test")
    with pytest.raises(IntegrityError):
        twin.save()


def test_every_change_is_recorded_with_before_and_after(make_person, django_user_model):
    officer = django_user_model.objects.create_user("officer")
    person = make_person()
    change = update_person(person, source="koreksi", user=officer, full_name="Asep Saepudin Jaelani",
                           nik="3216040506900002", income=1_500_000)
    assert change.changes == {
        "full_name": ["Asep Saepudin", "Asep Saepudin Jaelani"],
        "nik": ["3216********0001", "3216********0002"],
    }
    assert change.user == officer
    assert find_by_nik("3216040506900002") == person
    assert find_by_nik("3216040506900001") is None
    assert update_person(person, source="koreksi", full_name="Asep Saepudin Jaelani") is None
    assert person.changes.count() == 1


def test_soft_delete_keeps_the_record_and_frees_the_nik(make_person):
    person = make_person()
    delete_person(person, source="pindah")
    assert Person.objects.filter(pk=person.pk).exists()
    assert not Person.objects.active().filter(pk=person.pk).exists()
    again = make_person(full_name="Asep (baru)")
    with pytest.raises(DuplicateNik):
        restore_person(person, source="salah hapus")
    delete_person(again, source="duplikat")
    restore_person(person, source="salah hapus")
    assert find_by_nik("3216040506900001") == person
    assert [c.action for c in person.changes.all()] == ["restored", "deleted"]


def test_search_by_name_village_district_and_segment(make_person):
    asep = make_person()
    siti = make_person(nik="3216084506900003", full_name="Siti Aminah", sex="P", birth_date=date(1990, 6, 5),
                       village_id="32.16.08.1008", segment_id="street_vendor", kk=None, phone=None)
    people = Person.objects.all()
    assert list(search_people(people, text="aminah")) == [siti]
    assert list(search_people(people, village="32.16.04")) == [asep]
    assert list(search_people(people, village="32.16.08.1008")) == [siti]
    assert list(search_people(people, segment="farmer")) == [asep]
    assert set(search_people(people)) == {asep, siti}


def two_people() -> pl.DataFrame:
    return pl.DataFrame({
        "nik": ["3216040506900001", "3216044506900002"],
        "kk": ["3216040101100007", None],
        "full_name": ["Asep", "Euis"],
        "birth_place": ["Bekasi", "Karawang"],
        "birth_date": [date(1990, 6, 5), date(1990, 6, 5)],
        "sex": ["L", "P"],
        "village_code": ["32.16.04.2001", "32.16.04.2002"],
        "address": ["Kp. Pulo", "Dusun II"],
        "phone": ["081234567890", None],
        "segment": ["farmer", "household_worker"],
        "occupation": ["Petani padi", "Asisten rumah tangga"],
        "income": [1_500_000, 900_000],
        "welfare_decile": [2, None],
    })


def test_bulk_insert_encrypts_indexes_and_keeps_every_field():
    frame = two_people()
    assert insert_register(frame, source="bulk test") == 2
    euis = find_by_nik("3216044506900002")
    assert (euis.full_name, euis.birth_date, euis.sex, euis.village_id, euis.segment_id) == (
        "Euis", date(1990, 6, 5), "P", "32.16.04.2002", "household_worker")
    assert (euis.kk, euis.phone, euis.welfare_decile, euis.income) == (None, None, None, 900_000)
    assert find_by_nik("3216040506900001").kk == "3216040101100007"
    with pytest.raises(IntegrityError):
        insert_register(frame.head(1), source="again")


def test_bulk_insert_gives_the_new_ids_in_frame_order_and_never_reuses_one():
    frame = two_people()
    ids = insert_people(frame, source="bulk test").to_list()
    assert [Person.objects.get(pk=pk).nik for pk in ids] == ["3216040506900001", "3216044506900002"]
    Person.objects.filter(pk=ids[1]).delete()  # a hard delete of the highest id (as the demo's replace does)
    again = insert_people(frame.tail(1), source="again").to_list()
    assert again[0] > ids[1] and Person.objects.get(pk=again[0]).nik == "3216044506900002"


def test_bulk_insert_in_slices_sealed_by_a_second_process_keeps_every_row(monkeypatch):
    from lindung.registry import services

    monkeypatch.setattr(services, "INSERT_SLICE_MIN", 3)
    niks = [f"32160405069{i:05d}" for i in range(1, 15)]
    frame = pl.DataFrame({
        "nik": niks, "kk": [None if i % 3 else f"32160401011{i:05d}" for i in range(14)],
        "full_name": [f"Orang {i}" for i in range(14)], "birth_place": ["Bekasi"] * 14,
        "birth_date": [date(1990, 6, 5)] * 14, "sex": ["L"] * 14, "village_code": ["32.16.04.2001"] * 14,
        "address": [""] * 14, "phone": [f"0812345678{i:02d}" for i in range(14)], "segment": ["farmer"] * 14,
        "occupation": [""] * 14, "income": [1_500_000] * 14, "welfare_decile": [None] * 14,
    })
    ids = insert_people(frame, source="slices").to_list()
    people = Person.objects.in_bulk(ids)
    assert [(people[pk].nik, people[pk].kk, people[pk].phone, people[pk].full_name) for pk in ids] == list(
        frame.select("nik", "kk", "phone", "full_name").iter_rows())
    assert all(find_by_nik(nik).pk == pk for nik, pk in zip(niks, ids))



def index_sql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'registry_person'")
        return sorted(cursor.fetchall())


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_large_insert_into_a_smaller_table_builds_the_indexes_after_and_keeps_nik_unique(monkeypatch):
    from lindung import bulk

    monkeypatch.setattr(bulk, "REBUILD_FROM", 2)
    indexes = index_sql()
    frame = two_people()
    with CaptureQueriesContext(connection) as queries:
        insert_people(frame, source="bulk test")
    assert sum("DROP INDEX" in q["sql"] for q in queries) == len(indexes) and index_sql() == indexes
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN SELECT id FROM registry_person WHERE nik_index = 'x' AND deleted_at IS NULL")
        assert "person_nik_unique_active" in str(cursor.fetchall())
    # Two more people than are registered, one of them already registered: nothing is written, indexes stay.
    again = pl.concat([frame.tail(1), frame.tail(1).with_columns(pl.lit("3216040506900009").alias("nik")),
                       frame.tail(1).with_columns(pl.lit("3216040506900008").alias("nik"))])
    with pytest.raises(IntegrityError):
        insert_people(again, source="again")
    assert Person.objects.count() == 2 and index_sql() == indexes

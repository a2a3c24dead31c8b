"""Key files, rotation and recovery on a demo register, against the real database.

Every test works in its own LINDUNG_VAR_DIR with keys made for it, never in the real var/keys.
"""
import stat
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lindung import bulk, keyring, keys
from lindung.keys import BLIND_INDEX, ENCRYPTION
from lindung.personal_data import decrypt, encrypt, token_key_id
from lindung.registry.models import Person
from lindung.registry.services import delete_person, find_by_nik, search_people


@pytest.fixture
def var(tmp_path, monkeypatch, settings):
    """A var folder with its own keys, which this process uses as if it had started with them."""
    monkeypatch.setenv("LINDUNG_VAR_DIR", str(tmp_path))
    monkeypatch.delenv(ENCRYPTION.env, raising=False)
    monkeypatch.delenv(BLIND_INDEX.env, raising=False)
    settings.VAR_DIR = tmp_path
    restart(settings)
    return tmp_path


def restart(settings):
    """What a restarted lindung reads: the keys from the environment and var/keys."""
    settings.PII_ENCRYPTION_KEY = keys.encryption_keyring()
    settings.PII_BLIND_INDEX_KEY = keys.blind_index_key()


@pytest.fixture
def register(var, db):
    """A demo register of 500 people, 25 of them soft-deleted; returns {pk: (nik, kk, phone, deleted)}."""
    call_command("demo", "--workers", "500", stdout=StringIO())
    for person in Person.objects.order_by("pk")[::20]:
        delete_person(person, source="test")
    return snapshot()


def snapshot() -> dict[int, tuple]:
    return {p.pk: (p.nik, p.kk, p.phone, p.deleted_at is not None) for p in Person.objects.all()}


def assert_everyone_found(register: dict):
    assert snapshot() == register  # nothing added, lost or changed, soft-deleted people included
    everyone = Person.objects.all()
    for pk, (nik, kk, _phone, deleted) in register.items():
        if not deleted:
            assert find_by_nik(nik).pk == pk
        assert pk in search_people(everyone, text=nik).values_list("pk", flat=True)
        if kk:
            assert pk in search_people(everyone, text=kk).values_list("pk", flat=True)


def key_ids_in_use() -> set[str]:
    return {kid for field in ("nik", "kk", "phone") for kid in keyring.values_per_key(Person, field)}


def current_id(slot) -> str:
    return keys.key_id_of(keys.current_file(slot).read_text())


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def rotate(*flags) -> str:
    out = StringIO()
    call_command("keys", "rotate", *flags, stdout=out)
    return out.getvalue()


# --- rotation ---------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_rotating_both_keys_keeps_every_person_readable_and_findable(register, var, make_user):
    officer = make_user("siti")
    officer.totp_secret = "JBSWY3DPEHPK3PXP"
    officer.save()
    old_encryption, old_index = current_id(ENCRYPTION), current_id(BLIND_INDEX)
    backup = Person.objects.filter(pk=min(register)).values_list(keyring._stored("nik"), flat=True).get()

    output = rotate()

    new_encryption, new_index = current_id(ENCRYPTION), current_id(BLIND_INDEX)
    assert new_encryption != old_encryption and new_index != old_index
    assert_everyone_found(register)
    assert key_ids_in_use() == {new_encryption}
    assert set(keyring.values_per_key(type(officer), "totp_secret")) == {new_encryption}  # not only people
    officer.refresh_from_db()
    assert officer.totp_secret == "JBSWY3DPEHPK3PXP"
    assert keyring.recorded_blind_index_key_id() == new_index
    assert keyring.blind_index_key_matches()
    assert decrypt(backup, "nik") == register[min(register)][0]  # a backup made before stays readable
    assert "501 records read" in output and "keys rotated" in output


@pytest.mark.django_db
def test_key_files_are_owner_only_and_old_keys_are_retired(register, var):
    old_encryption = keys.current_file(ENCRYPTION).read_text()
    rotate()
    files = [keys.current_file(ENCRYPTION), keys.current_file(BLIND_INDEX), *(var / "keys" / "retired").iterdir()]
    assert len(files) == 4
    assert all(mode(f) == 0o600 for f in files)
    assert mode(var / "keys") == mode(var / "keys" / "retired") == 0o700
    retired = keys.retired_files(ENCRYPTION)
    assert [f.read_text() for f in retired] == [old_encryption]
    assert retired[0].name.endswith(f".{keys.key_id_of(old_encryption)}")
    assert not list((var / "keys").glob("*.new")) and not list((var / "keys").glob(".*.tmp"))


@pytest.mark.django_db
def test_a_restarted_lindung_reads_values_made_before_the_rotation(register, var, settings):
    backup = encrypt("3216040506900001", "nik")
    rotate()
    restart(settings)
    assert decrypt(backup, "nik") == "3216040506900001"
    assert token_key_id(encrypt("x", "nik")) == current_id(ENCRYPTION)
    assert_everyone_found(register)


@pytest.mark.django_db
@pytest.mark.parametrize("flag, rotated, kept", [
    ("--encryption", ENCRYPTION, BLIND_INDEX),
    ("--blind-index", BLIND_INDEX, ENCRYPTION),
])
def test_one_key_can_be_rotated_alone(register, var, flag, rotated, kept):
    before = {slot: keys.current_file(slot).read_text() for slot in (ENCRYPTION, BLIND_INDEX)}
    indexes = dict(Person.objects.values_list("pk", "nik_index"))

    rotate(flag)

    assert keys.current_file(rotated).read_text() != before[rotated]
    assert keys.current_file(kept).read_text() == before[kept]
    assert_everyone_found(register)
    assert key_ids_in_use() == {current_id(ENCRYPTION)}
    assert (dict(Person.objects.values_list("pk", "nik_index")) == indexes) == (rotated == ENCRYPTION)
    assert keyring.blind_index_key_matches()


@pytest.mark.django_db
def test_rotating_twice_keeps_both_old_encryption_keys(register, var, settings):
    first = encrypt("3216040506900001", "nik")
    rotate("--encryption")
    second = encrypt("3216040506900002", "nik")
    rotate("--encryption")
    restart(settings)
    assert len(keys.retired_files(ENCRYPTION)) == 2
    assert (decrypt(first, "nik"), decrypt(second, "nik")) == ("3216040506900001", "3216040506900002")
    assert_everyone_found(register)


# --- crashes and recovery ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_crash_while_rewriting_changes_nothing_and_a_second_run_finishes(register, var, settings, monkeypatch):
    monkeypatch.setattr(keyring, "CHUNK", 100)
    write = bulk.update_rows
    calls = []

    def crash_after_first_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return write(*args, **kwargs)

    monkeypatch.setattr(bulk, "update_rows", crash_after_first_chunk)
    old_encryption = current_id(ENCRYPTION)
    with pytest.raises(RuntimeError):
        rotate()
    restart(settings)
    assert_everyone_found(register)
    assert key_ids_in_use() == {old_encryption}
    assert keyring.blind_index_key_matches()

    monkeypatch.setattr(bulk, "update_rows", write)
    next_encryption = keys.key_id_of(keys.pending_file(ENCRYPTION).read_text())
    rotate()
    restart(settings)
    assert_everyone_found(register)
    assert key_ids_in_use() == {current_id(ENCRYPTION)} == {next_encryption}


@pytest.mark.django_db
def test_a_crash_before_the_new_keys_become_current_is_repaired_by_reindex(register, var, settings, monkeypatch):
    promote = keys.promote_pending
    monkeypatch.setattr(keys, "promote_pending", lambda slot: (_ for _ in ()).throw(RuntimeError("power cut")))
    with pytest.raises(RuntimeError):
        rotate()
    restart(settings)
    assert snapshot() == register  # every value readable: the .new key is in the keyring
    assert not keyring.blind_index_key_matches()
    assert find_by_nik(next(nik for nik, _kk, _phone, deleted in register.values() if not deleted)) is None

    call_command("keys", "reindex", stdout=StringIO())
    assert keyring.blind_index_key_matches()
    assert_everyone_found(register)

    monkeypatch.setattr(keys, "promote_pending", promote)
    rotate()  # finishes the interrupted rotation with its .new keys
    restart(settings)
    assert_everyone_found(register)
    assert not list((var / "keys").glob("*.new"))


@pytest.mark.django_db
def test_a_crash_before_the_new_keys_become_current_is_also_finished_by_rotating_again(
    register, var, settings, monkeypatch
):
    promote = keys.promote_pending
    monkeypatch.setattr(keys, "promote_pending", lambda slot: (_ for _ in ()).throw(RuntimeError("power cut")))
    with pytest.raises(RuntimeError):
        rotate()
    next_keys = {slot: keys.pending_file(slot).read_text() for slot in (ENCRYPTION, BLIND_INDEX)}
    monkeypatch.setattr(keys, "promote_pending", promote)
    output = rotate()
    assert {slot: keys.current_file(slot).read_text() for slot in next_keys} == next_keys
    assert "0 values re-encrypted, 0 index values recomputed" in output
    restart(settings)
    assert_everyone_found(register)


# --- keys from the environment ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_rotate_refuses_keys_from_the_environment_and_explains_the_manual_way(register, var, monkeypatch):
    monkeypatch.setenv(ENCRYPTION.env, keys.current_file(ENCRYPTION).read_text().strip())
    with pytest.raises(CommandError) as refused:
        rotate()
    message = str(refused.value)
    assert "LINDUNG_ENCRYPTION_KEY" in message and "lindung keys reencrypt" in message
    assert "Kunci enkripsi" in message and "cannot rotate it" in message
    assert not list((var / "keys").glob("*.new"))
    assert_everyone_found(register)


@pytest.mark.django_db
def test_the_manual_rotation_of_keys_from_the_environment(register, var, settings, monkeypatch):
    old_encryption = keys.current_file(ENCRYPTION).read_text().strip()
    new_encryption, new_index = keys.generate_key(), keys.generate_key()
    monkeypatch.setenv(ENCRYPTION.env, f"{new_encryption},{old_encryption}")
    monkeypatch.setenv(BLIND_INDEX.env, new_index)
    restart(settings)
    assert snapshot() == register  # the old key, after the comma, still reads everything
    assert not keyring.blind_index_key_matches()

    call_command("keys", "reencrypt", stdout=StringIO())
    call_command("keys", "reindex", stdout=StringIO())

    assert key_ids_in_use() == {keys.key_id_of(new_encryption)}
    assert keyring.blind_index_key_matches()
    assert_everyone_found(register)


def test_an_environment_blind_index_key_must_be_a_single_key(monkeypatch):
    monkeypatch.setenv(BLIND_INDEX.env, f"{keys.generate_key()},{keys.generate_key()}")
    with pytest.raises(ValueError, match="exactly one key"):
        keys.blind_index_key()


# --- status -----------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_status_shows_keys_values_per_key_and_whether_indexes_match(register, var, settings):
    rotate()
    out = StringIO()
    call_command("keys", "status", stdout=out)
    shown = out.getvalue()
    assert current_id(ENCRYPTION) in shown and current_id(BLIND_INDEX) in shown
    assert "retired" in shown and "match" in shown
    assert "registry.person.nik" in shown and f"{current_id(ENCRYPTION)} 500" in shown

    settings.PII_BLIND_INDEX_KEY = keys.generate_key()
    with pytest.raises(SystemExit) as exited:
        call_command("keys", "status", stdout=StringIO())
    assert exited.value.code == 1


@pytest.mark.django_db
def test_a_database_without_a_recorded_key_is_checked_on_a_person(register, var, settings):
    assert keyring.recorded_blind_index_key_id() is None
    assert keyring.blind_index_key_matches()
    settings.PII_BLIND_INDEX_KEY = keys.generate_key()
    assert not keyring.blind_index_key_matches()


def test_generate_prints_a_new_key():
    out = StringIO()
    call_command("keys", "generate", stdout=out)
    assert len(keys.decode_key(out.getvalue().strip())) == 32


# --- key files --------------------------------------------------------------------------------------------

def test_the_keyring_lists_the_current_key_first_then_next_and_retired_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("LINDUNG_VAR_DIR", str(tmp_path))
    monkeypatch.delenv(ENCRYPTION.env, raising=False)
    current = keys.split_keys(keys.encryption_keyring())[0]
    retired, upcoming = keys.generate_key(), keys.generate_key()
    keys.write_secret(keys.retired_folder() / f"{ENCRYPTION.name}.2025-01-01.{keys.key_id_of(retired)}", retired)
    keys.write_secret(keys.pending_file(ENCRYPTION), upcoming)
    assert keys.split_keys(keys.encryption_keyring()) == [current, upcoming, retired]

    monkeypatch.setenv(ENCRYPTION.env, f"{upcoming},{current}")
    assert keys.split_keys(keys.encryption_keyring()) == [upcoming, current, retired]


def test_a_secret_is_replaced_atomically_with_owner_only_rights(tmp_path):
    path = tmp_path / "secret"
    path.write_text("old\n")
    keys.write_secret(path, "new")
    assert path.read_text() == "new\n"
    assert mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret"]


@pytest.mark.django_db
def test_update_rows_sets_only_the_given_columns(make_user):
    a, b = make_user("ani"), make_user("budi")
    assert bulk.update_rows(type(a), "id", ["first_name"], [(a.pk, "Ani"), (b.pk, "Budi")]) == 2
    assert dict(type(a).objects.values_list("username", "first_name")) == {"ani": "Ani", "budi": "Budi"}


def test_a_rotation_is_written_to_the_audit_log(register, var):
    from lindung.accounts.models import AuditEvent

    call_command("keys", "rotate", stdout=StringIO())
    event = AuditEvent.objects.get(action="keys")
    assert event.summary.startswith("keys rotate:")

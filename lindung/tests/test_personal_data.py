import base64
import hashlib
import hmac
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.keys import key_id_of
from lindung.personal_data import (
    DecryptionError, IndexKey, Keyring, blind_index, decrypt, encrypt, keyring, mask_nik, mask_phone, token_key_id,
)


@given(st.text(max_size=64))
def test_what_is_encrypted_decrypts_to_itself(text):
    assert decrypt(encrypt(text, "nik"), "nik") == text


def test_the_same_nik_encrypts_differently_each_time():
    assert encrypt("3216010506900001", "nik") != encrypt("3216010506900001", "nik")
    assert "3216010506900001" not in encrypt("3216010506900001", "nik")


def test_a_token_is_bound_to_its_field():
    token = encrypt("3216010506900001", "nik")
    with pytest.raises(DecryptionError):
        decrypt(token, "phone")


def test_a_tampered_token_is_refused():
    raw = bytearray(base64.urlsafe_b64decode(encrypt("3216010506900001", "nik")))
    raw[-1] ^= 1
    with pytest.raises(DecryptionError):
        decrypt(base64.urlsafe_b64encode(bytes(raw)).decode(), "nik")


def test_a_token_from_another_key_is_refused(settings):
    token = encrypt("3216010506900001", "nik")
    settings.PII_ENCRYPTION_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()
    with pytest.raises(DecryptionError):
        decrypt(token, "nik")


def test_blind_index_is_stable_keyed_and_per_field(settings):
    first = blind_index("3216010506900001", "nik")
    assert first == blind_index("3216010506900001", "nik")
    assert first != blind_index("3216010506900002", "nik")
    assert first != blind_index("3216010506900001", "kk")
    settings.PII_BLIND_INDEX_KEY = base64.urlsafe_b64encode(b"i" * 32).decode()
    assert blind_index("3216010506900001", "nik") != first


@given(key=st.binary(min_size=32, max_size=32), value=st.text(max_size=40), purpose=st.sampled_from(["nik", "kk", "phone"]))
def test_the_blind_index_is_the_standard_hmac_sha256_of_purpose_and_value(key, value, purpose):
    expected = hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:32]
    assert IndexKey(base64.urlsafe_b64encode(key).decode()).index(value, purpose) == expected


def test_masks_keep_only_what_identifies_no_one():
    assert mask_nik("3216010506900001") == "3216********0001"
    assert mask_phone("081234567890") == "0812*****890"
    assert mask_nik(None) == mask_phone("") == ""


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def test_the_current_key_encrypts_and_every_key_of_the_ring_decrypts(settings):
    old, new = new_key(), new_key()
    settings.PII_ENCRYPTION_KEY = old
    before = encrypt("3216010506900001", "nik")
    settings.PII_ENCRYPTION_KEY = f"{new},{old}"
    after = encrypt("3216010506900001", "nik")
    assert token_key_id(before) == key_id_of(old)
    assert token_key_id(after) == key_id_of(new)
    assert decrypt(before, "nik") == decrypt(after, "nik") == "3216010506900001"
    settings.PII_ENCRYPTION_KEY = new
    with pytest.raises(DecryptionError, match=key_id_of(old)):
        decrypt(before, "nik")


def test_the_keyring_is_built_once_per_configured_value(settings):
    settings.PII_ENCRYPTION_KEY = f"{new_key()}, {new_key()}"
    assert keyring(settings.PII_ENCRYPTION_KEY) is keyring(settings.PII_ENCRYPTION_KEY)
    assert len(keyring(settings.PII_ENCRYPTION_KEY).ids) == 2


def test_a_blind_index_depends_only_on_the_index_key(settings):
    first = blind_index("3216010506900001", "nik")
    settings.PII_ENCRYPTION_KEY = new_key()
    assert blind_index("3216010506900001", "nik") == first


def test_an_empty_or_malformed_keyring_is_refused():
    with pytest.raises(ValueError):
        Keyring(" , ")
    with pytest.raises(ValueError, match="32 bytes"):
        Keyring("not-a-key")


def test_whole_columns_are_sealed_alike_in_one_or_two_processes(monkeypatch):
    from lindung import personal_data

    values = [f"32160405069{i:05d}" for i in range(1, 200)] + [None]
    single = personal_data.encrypt_many(values, "nik")
    single_index = personal_data.blind_index_many(values, "nik")
    monkeypatch.setattr(personal_data, "PARALLEL_FROM", 10)
    double = personal_data.encrypt_many(values, "nik")
    double_index = personal_data.blind_index_many(values, "nik")
    assert double_index == single_index == [None if v is None else blind_index(v, "nik") for v in values]
    assert [None if t is None else decrypt(t, "nik") for t in double] == values
    assert single[-1] is None and double[-1] is None

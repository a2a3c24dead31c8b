import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.personal_data import DecryptionError, blind_index, decrypt, encrypt, mask_nik, mask_phone


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


def test_masks_keep_only_what_identifies_no_one():
    assert mask_nik("3216010506900001") == "3216********0001"
    assert mask_phone("081234567890") == "0812*****890"
    assert mask_nik(None) == mask_phone("") == ""

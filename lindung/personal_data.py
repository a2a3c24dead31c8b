"""Personal data protection: field encryption (AES-256-GCM), keyed blind indexes (HMAC-SHA256), masking.

The encryption key and the blind-index key are separate secrets (see lindung.keys). A ciphertext carries
the id of the key that made it, so keys can be rotated by re-encrypting.
"""
import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

from lindung.keys import decode_key

TOKEN_VERSION = b"\x01"


class DecryptionError(Exception):
    pass


@lru_cache(maxsize=8)
def _cipher(encoded_key: str) -> tuple[bytes, AESGCM]:
    key = decode_key(encoded_key)
    return hashlib.sha256(key).digest()[:4], AESGCM(key)


@lru_cache(maxsize=8)
def _index_key(encoded_key: str) -> bytes:
    return decode_key(encoded_key)


def encrypt(plaintext: str, purpose: str) -> str:
    """An opaque token for `plaintext`; `purpose` ("nik", "kk", "phone") binds it to its field."""
    key_id, cipher = _cipher(settings.PII_ENCRYPTION_KEY)
    nonce = os.urandom(12)
    sealed = cipher.encrypt(nonce, plaintext.encode(), purpose.encode())
    return base64.urlsafe_b64encode(TOKEN_VERSION + key_id + nonce + sealed).decode()


def decrypt(token: str, purpose: str) -> str:
    raw = base64.urlsafe_b64decode(token.encode())
    key_id, cipher = _cipher(settings.PII_ENCRYPTION_KEY)
    if raw[:1] != TOKEN_VERSION or raw[1:5] != key_id:
        raise DecryptionError("this value was encrypted with a key lindung does not have")
    try:
        return cipher.decrypt(raw[5:17], raw[17:], purpose.encode()).decode()
    except Exception as e:
        raise DecryptionError("this value cannot be decrypted with the configured key") from e


def blind_index(value: str, purpose: str) -> str:
    """A keyed hash of a normalised value, for exact lookup and uniqueness without storing the value."""
    key = _index_key(settings.PII_BLIND_INDEX_KEY)
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def mask_nik(nik: str | None) -> str:
    """3216********0001: region of issue and serial stay readable, the birth date does not."""
    if not nik:
        return ""
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:]


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    return phone[:4] + "*" * max(len(phone) - 7, 0) + phone[-3:]


class EncryptedTextField(models.TextField):
    """Stored as an AES-GCM token, read back as plain text. Cannot be filtered on: use a blind index."""

    def __init__(self, *args, purpose: str, **kwargs):
        self.purpose = purpose
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value, self.purpose)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value in (None, "") else encrypt(value, self.purpose)

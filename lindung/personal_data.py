"""Personal data protection: field encryption (AES-256-GCM), keyed blind indexes (HMAC-SHA256), masking.

The encryption key and the blind-index key are separate secrets (see lindung.keys). A token carries the id
of the key that made it: settings.PII_ENCRYPTION_KEY is a keyring (comma-separated, current key first), new
values are encrypted with the current key and any key of the ring decrypts, so keys can be rotated by
re-encrypting (lindung.keyring) while older values and backups stay readable.
"""
import base64
import hashlib
import itertools
import os
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

from lindung.keys import decode_key, key_id, split_keys

TOKEN_VERSION = b"\x01"


class DecryptionError(Exception):
    pass


class Keyring:
    """AES-GCM ciphers by key id; the first key encrypts."""

    def __init__(self, encoded_keys: str):
        keys = [decode_key(k) for k in split_keys(encoded_keys)]
        if not keys:
            raise ValueError("Kunci enkripsi kosong / the encryption key is empty")
        self.current_id = key_id(keys[0])
        self.current = AESGCM(keys[0])
        self.ciphers = {key_id(k): AESGCM(k) for k in keys}

    @property
    def ids(self) -> list[str]:
        return [kid.hex() for kid in self.ciphers]

    def encrypt(self, plaintext: str, purpose: str) -> str:
        nonce = os.urandom(12)
        sealed = self.current.encrypt(nonce, plaintext.encode(), purpose.encode())
        return base64.urlsafe_b64encode(TOKEN_VERSION + self.current_id + nonce + sealed).decode()

    def decrypt(self, token: str, purpose: str) -> str:
        raw = base64.urlsafe_b64decode(token.encode())
        cipher = self.ciphers.get(raw[1:5]) if raw[:1] == TOKEN_VERSION else None
        if cipher is None:
            raise DecryptionError(
                f"Nilai ini dienkripsi dengan kunci {raw[1:5].hex()} yang tidak dimiliki lindung / "
                f"this value was encrypted with key {raw[1:5].hex()}, which lindung does not have"
            )
        try:
            return cipher.decrypt(raw[5:17], raw[17:], purpose.encode()).decode()
        except Exception as e:
            raise DecryptionError(
                "Nilai ini tidak dapat didekripsi / this value cannot be decrypted with the configured key"
            ) from e


class IndexKey:
    def __init__(self, encoded_key: str):
        self.key = decode_key(encoded_key)
        self.id = key_id(self.key).hex()
        # HMAC-SHA256 (RFC 2104) with the key's padded inner and outer blocks hashed once: each index then
        # costs two hash copies instead of a new HMAC object, half the time over a million NIKs.
        block = self.key.ljust(64, b"\0")  # keys are 32 bytes (decode_key), shorter than SHA-256's block
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def index(self, value: str, purpose: str) -> str:
        inner = self._inner.copy()
        inner.update(f"{purpose}:{value}".encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        # 128 bits are ample for uniqueness among a nation's NIKs and halve the index the database keeps.
        return outer.hexdigest()[:32]


# Built once per settings value, not per call: encrypt and decrypt run a million times in a batch.
@lru_cache(maxsize=8)
def keyring(encoded_keys: str) -> Keyring:
    return Keyring(encoded_keys)


@lru_cache(maxsize=8)
def index_key(encoded_key: str) -> IndexKey:
    return IndexKey(encoded_key)


def token_key_id(token: str) -> str:
    """The id (hex) of the key that made `token`; the first 8 characters of a token are enough."""
    return base64.urlsafe_b64decode(token[:8].encode())[1:5].hex()


def encrypt(plaintext: str, purpose: str) -> str:
    """An opaque token for `plaintext`; `purpose` ("nik", "kk", "phone") binds it to its field."""
    return keyring(settings.PII_ENCRYPTION_KEY).encrypt(plaintext, purpose)


def decrypt(token: str, purpose: str) -> str:
    return keyring(settings.PII_ENCRYPTION_KEY).decrypt(token, purpose)


def blind_index(value: str, purpose: str) -> str:
    """A keyed hash of a normalised value, for exact lookup and uniqueness without storing the value."""
    return index_key(settings.PII_BLIND_INDEX_KEY).index(value, purpose)


# Batches at least this large are sealed by two processes (the work is pure Python crypto calls, held by the GIL).
PARALLEL_FROM = 100_000


def encrypt_many(values: list[str | None], purpose: str) -> list[str | None]:
    """encrypt() over a whole column; None stays None."""
    return _in_parallel(_encrypt_chunk, settings.PII_ENCRYPTION_KEY, values, purpose)


def blind_index_many(values: list[str | None], purpose: str) -> list[str | None]:
    """blind_index() over a whole column; None stays None."""
    return _in_parallel(_index_chunk, settings.PII_BLIND_INDEX_KEY, values, purpose)


def _encrypt_chunk(encoded_keys: str, values: list, purpose: str) -> list:
    seal = keyring(encoded_keys).encrypt
    return [None if v is None else seal(v, purpose) for v in values]


def _index_chunk(encoded_key: str, values: list, purpose: str) -> list:
    index = index_key(encoded_key).index
    return [None if v is None else index(v, purpose) for v in values]


def _second_process():
    """A pool of one forked process for the crypto calls above. fork: the child starts at once and needs nothing
    from the caller's main module; it runs only those calls, never Polars, whose thread pool a forked child
    must not use."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))


def _in_parallel(work, key: str, values: list, purpose: str) -> list:
    if len(values) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return work(key, values, purpose)
    half = len(values) // 2
    with _second_process() as pool:
        second = pool.submit(work, key, values[half:], purpose)
        first = work(key, values[:half], purpose)
        return first + second.result()


def seal_columns(columns: dict[str, list], encrypted: Sequence[str], indexed: Sequence[str]) -> dict[str, list]:
    """In this process: the tokens of the `encrypted` columns (same names) and the blind indexes of the
    `indexed` ones (as "<name>_index"), each column's name being its purpose. None stays None."""
    sealed = {f"{name}_index": _index_chunk(settings.PII_BLIND_INDEX_KEY, columns[name], name) for name in indexed}
    return sealed | {name: _encrypt_chunk(settings.PII_ENCRYPTION_KEY, columns[name], name) for name in encrypted}


def sealed_ahead(parts: Iterable[dict[str, list]], encrypted: Sequence[str], indexed: Sequence[str]) -> Iterator[dict]:
    """seal_columns() of each part in turn, while the caller writes one part a second process seals the next.

    Writing sealed rows into the database takes one core; the sealing (pure Python crypto calls) then runs
    on the other instead of before the writes.
    """
    parts = iter(parts)
    first = next(parts, None)
    second = next(parts, None) if first is not None else None
    if second is None or (os.cpu_count() or 1) < 2:
        for part in itertools.chain((p for p in (first, second) if p is not None), parts):
            yield seal_columns(part, encrypted, indexed)
        return
    with _second_process() as pool:
        ahead = pool.submit(seal_columns, second, encrypted, indexed)
        yield seal_columns(first, encrypted, indexed)
        for following in parts:
            sealed = ahead.result()
            ahead = pool.submit(seal_columns, following, encrypted, indexed)
            yield sealed
        yield ahead.result()


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

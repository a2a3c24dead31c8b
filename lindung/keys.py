"""Secrets that must never be committed: taken from the environment, or generated once into the var folder.

Key files (var/keys/, owner-only):
- NAME          the current key;
- NAME.new      the next key while a rotation is under way (kept until the rotation has finished);
- retired/NAME.DATE.KEYID  keys rotated out: old encryption keys stay in the keyring so backups stay readable.
"""
import base64
import fcntl
import hashlib
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class KeySlot:
    name: str  # file name in var/keys
    env: str  # environment variable that overrides the file
    label: str  # "Kunci enkripsi / encryption key"


ENCRYPTION = KeySlot("pii_encryption_key", "LINDUNG_ENCRYPTION_KEY", "Kunci enkripsi / encryption key")
BLIND_INDEX = KeySlot("pii_blind_index_key", "LINDUNG_BLIND_INDEX_KEY", "Kunci indeks / blind-index key")


def var_dir() -> Path:
    path = Path(os.environ.get("LINDUNG_VAR_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def key_file(name: str) -> Path:
    folder = var_dir() / "keys"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder / name


def read_or_create_secret(name: str, env: str) -> str:
    """The secret from `env` if set, else from var/keys/NAME, created with owner-only rights on first use."""
    if os.environ.get(env):
        return os.environ[env]
    path = key_file(name)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    value = generate_key()
    with os.fdopen(fd, "w") as f:
        f.write(value + "\n")
    return value


def generate_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def decode_key(value: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(value.strip().encode())
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ValueError(
            "Kunci lindung harus 32 byte dalam base64 urlsafe / a lindung key must be 32 bytes, urlsafe-base64 encoded"
        )
    return key


def key_id(key: bytes) -> bytes:
    """The 4 bytes that name a key in the tokens it makes; reveals nothing of the key."""
    return hashlib.sha256(key).digest()[:4]


def key_id_of(value: str) -> str:
    return key_id(decode_key(value)).hex()


def from_environment(slot: KeySlot) -> bool:
    return bool(os.environ.get(slot.env))


def split_keys(value: str) -> list[str]:
    return [k.strip() for k in value.split(",") if k.strip()]


# --- the keyring as settings hold it ---------------------------------------------------------------------

def encryption_keyring() -> str:
    """Current encryption key first, then every other key lindung keeps to read older values: comma-separated.

    From the environment, LINDUNG_ENCRYPTION_KEY may already list several (current first). Keys of an
    unfinished rotation and retired keys are added from var/keys in both cases, so no value becomes unreadable.
    """
    current = read_or_create_secret(ENCRYPTION.name, ENCRYPTION.env)
    keys = split_keys(current)
    pending = read_pending(ENCRYPTION)
    for value in [*([pending] if pending else []), *retired_keys(ENCRYPTION)]:
        if value not in keys:
            keys.append(value)
    return ",".join(keys)


def blind_index_key() -> str:
    value = read_or_create_secret(BLIND_INDEX.name, BLIND_INDEX.env).strip()
    if "," in value:
        raise ValueError(
            f"{BLIND_INDEX.env} hanya boleh berisi satu kunci / {BLIND_INDEX.env} must hold exactly one key"
        )
    return value


# --- files of a rotation ----------------------------------------------------------------------------------

def write_secret(path: Path, value: str, *, replace: bool = True) -> None:
    """Write an owner-only file holding `value`, atomically: a crash leaves the old file or the new one.

    With replace=False an existing file is kept and FileExistsError raised, so a key already in use is never lost.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(value + "\n")
            f.flush()
            os.fsync(f.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def current_file(slot: KeySlot) -> Path:
    return key_file(slot.name)


def pending_file(slot: KeySlot) -> Path:
    return key_file(f"{slot.name}.new")


def retired_folder() -> Path:
    folder = var_dir() / "keys" / "retired"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def read_pending(slot: KeySlot) -> str | None:
    path = pending_file(slot)
    return path.read_text().strip() if path.exists() else None


def pending_or_new(slot: KeySlot) -> str:
    """The next key: the one of an unfinished rotation if there is one (so it is finished), else a new one."""
    value = read_pending(slot)
    if value is None:
        try:
            write_secret(pending_file(slot), generate_key(), replace=False)
        except FileExistsError:
            pass  # made meanwhile by another process: use that one
        value = read_pending(slot)
    return value


def retired_files(slot: KeySlot) -> list[Path]:
    folder = var_dir() / "keys" / "retired"
    return sorted(folder.glob(f"{slot.name}.*")) if folder.exists() else []


def retired_keys(slot: KeySlot) -> list[str]:
    return [path.read_text().strip() for path in retired_files(slot)]


def retire_current(slot: KeySlot, today: date | None = None) -> Path:
    """Copy the current key into retired/NAME.DATE.KEYID (once per key) before it is replaced."""
    value = current_file(slot).read_text().strip()
    kid = key_id_of(value)
    for path in retired_files(slot):
        if path.name.endswith(f".{kid}"):
            return path
    path = retired_folder() / f"{slot.name}.{(today or date.today()).isoformat()}.{kid}"
    write_secret(path, value)
    return path


def promote_pending(slot: KeySlot) -> None:
    """The next key becomes the current one, in one atomic rename."""
    os.replace(pending_file(slot), current_file(slot))
    _sync_folder(current_file(slot).parent)


class RotationRunning(Exception):
    pass


@contextmanager
def rotation_lock():
    """One rotation at a time on this var folder."""
    fd = os.open(key_file(".rotation.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RotationRunning(
                "Rotasi kunci lain sedang berjalan / another key rotation is running on this var folder"
            ) from None
        yield
    finally:
        os.close(fd)

"""Secrets that must never be committed: taken from the environment, or generated once into the var folder."""
import base64
import os
import secrets
from pathlib import Path


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
    value = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    with os.fdopen(fd, "w") as f:
        f.write(value + "\n")
    return value


def decode_key(value: str) -> bytes:
    key = base64.urlsafe_b64decode(value.encode())
    if len(key) != 32:
        raise ValueError("a lindung key must be 32 bytes, urlsafe-base64 encoded")
    return key

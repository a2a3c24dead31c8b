"""Time-based one-time passwords (RFC 6238, HMAC-SHA1, 6 digits, 30 s), as authenticator apps make them."""
import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP = 30
DIGITS = 6


def new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode()


def code_at(secret: str, unix_time: float, step: int = STEP, digits: int = DIGITS) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int(unix_time // step))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def verify(secret: str, code: str, unix_time: float, window: int = 1) -> bool:
    """True when `code` is the code of this step or of `window` steps either side (clock drift)."""
    return matching_step(secret, code, unix_time, window) is not None


def matching_step(secret: str, code: str, unix_time: float, window: int = 1) -> int | None:
    """The time step (counter) whose code `code` is, this step or `window` steps either side; None if none.

    A code is good once (RFC 6238, 5.2): a caller keeps the last step used and refuses a step not after it.
    """
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = int(unix_time // STEP)
    matches = [now + drift for drift in range(-window, window + 1)
               if hmac.compare_digest(code_at(secret, (now + drift) * STEP), code)]
    return matches[-1] if matches else None


def provisioning_uri(secret: str, account: str, issuer: str = "lindung") -> str:
    """The otpauth:// address an authenticator app reads from a QR code."""
    query = urlencode({"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP})
    return f"otpauth://totp/{quote(issuer)}:{quote(account)}?{query}"

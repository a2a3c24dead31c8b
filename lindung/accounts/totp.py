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
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return False
    return any(
        hmac.compare_digest(code_at(secret, unix_time + drift * STEP), code) for drift in range(-window, window + 1)
    )


def provisioning_uri(secret: str, account: str, issuer: str = "lindung") -> str:
    """The otpauth:// address an authenticator app reads from a QR code."""
    query = urlencode({"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP})
    return f"otpauth://totp/{quote(issuer)}:{quote(account)}?{query}"

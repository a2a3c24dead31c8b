from hypothesis import given
from hypothesis import strategies as st

from lindung.accounts import totp

# RFC 6238 appendix B: the SHA-1 key "12345678901234567890", 8-digit codes.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
RFC_VECTORS = [(59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"), (1234567890, "89005924"),
               (2000000000, "69279037"), (20000000000, "65353130")]


def test_codes_match_the_rfc_6238_test_vectors():
    for unix_time, code in RFC_VECTORS:
        assert totp.code_at(RFC_SECRET, unix_time, digits=8) == code


def test_the_step_a_code_belongs_to_is_found_for_using_it_once():
    secret = totp.new_secret()
    now = 1_700_000_010
    step = now // totp.STEP
    assert totp.matching_step(secret, totp.code_at(secret, now), now) == step
    assert totp.matching_step(secret, totp.code_at(secret, now + 30), now) == step + 1
    assert totp.matching_step(secret, totp.code_at(secret, now - 30), now) == step - 1
    assert totp.matching_step(secret, totp.code_at(secret, now + 90), now) is None


def test_a_code_is_accepted_one_step_either_side_and_not_beyond():
    secret = totp.new_secret()
    now = 1_700_000_000
    code = totp.code_at(secret, now)
    assert totp.verify(secret, code, now)
    assert totp.verify(secret, code, now + 30) and totp.verify(secret, code, now - 30)
    assert not totp.verify(secret, code, now + 90)
    assert totp.verify(secret, f"{code[:3]} {code[3:]}", now)


@given(st.text(max_size=10))
def test_anything_that_is_not_six_digits_is_refused(code):
    secret = "JBSWY3DPEHPK3PXP"
    if not (len("".join(code.split())) == 6 and "".join(code.split()).isdigit()):
        assert not totp.verify(secret, code, 1_700_000_000)


def test_the_provisioning_address_names_the_account_and_issuer():
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", "petugas")
    assert uri.startswith("otpauth://totp/lindung:petugas?") and "secret=JBSWY3DPEHPK3PXP" in uri

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from lindung.regions.names import candidate_keys, name_key, name_key_expr, without_prefix


def test_name_key_ignores_case_and_punctuation():
    assert name_key("Desa  Suka-Wijaya.") == "DESA SUKA WIJAYA"
    assert name_key("sukawijaya") == name_key("SUKAWIJAYA") == "SUKAWIJAYA"


def test_prefix_is_only_a_second_try():
    assert candidate_keys("Desa Sukawijaya") == ["DESA SUKAWIJAYA", "SUKAWIJAYA"]
    assert candidate_keys("Kel. Telaga Asih") == ["KEL TELAGA ASIH", "TELAGA ASIH"]
    assert candidate_keys("Sukawijaya") == ["SUKAWIJAYA"]
    assert without_prefix("DESA BARU") == "BARU"


@given(st.text(max_size=40))
def test_polars_expression_agrees_with_the_function(text):
    # Only what both define the same way: the Kemendagri names are ASCII.
    text = text.encode("ascii", "ignore").decode()
    frame = pl.DataFrame({"name": [text]}).select(name_key_expr("name"))
    assert frame.item() == name_key(text)

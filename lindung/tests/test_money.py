import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.money import MAX_RUPIAH, parse_rupiah

amounts = st.integers(min_value=0, max_value=MAX_RUPIAH)


def written_forms(amount: int) -> list[str]:
    commas = f"{amount:,}"
    dots = commas.replace(",", ".")
    return [str(amount), commas, dots, commas.replace(",", " "), f"Rp {dots}", f"Rp. {dots},-", f"Rp{dots}",
            f"{dots},00", f"{commas}.00", f"{amount}.0", f"  {dots}  ", dots.replace(".", "\u00a0")]


@given(amounts)
def test_an_amount_reads_back_however_it_is_written(amount):
    for written in written_forms(amount):
        assert parse_rupiah(written) == amount, written


@given(amounts, st.integers(min_value=1, max_value=99))
def test_part_of_a_rupiah_is_refused_not_shifted(amount, cents):
    """1.000.000,50 is not Rp 100.000.050."""
    dots = f"{amount:,}".replace(",", ".")
    for written in (f"{dots},{cents:02d}", f"{amount:,}.{cents:02d}", f"{amount}.{cents}"):
        with pytest.raises(ValueError):
            parse_rupiah(written)


@pytest.mark.parametrize("written", [
    "", "Rp", "sejuta", "1,5 jt", "-5", "- 5", "1e6", "1,5", "0.5", "1.0000", "1.000,000", "1.000.00", "1,000.000,00",
    "1.000 000", "12.34.567", str(MAX_RUPIAH + 1), "9" * 40,
])
def test_what_is_not_a_whole_amount_is_refused(written):
    with pytest.raises(ValueError):
        parse_rupiah(written)


@pytest.mark.parametrize("written, amount", [
    ("1.500", 1_500), ("1,500", 1_500), ("10.00", 10), ("1.000.000,00", 1_000_000), ("Rp 15.302.044.800", 15_302_044_800),
    ("0", 0), ("007", 7),
])
def test_grouping_and_zero_decimals(written, amount):
    assert parse_rupiah(written) == amount

"""Amounts of Rupiah as people write them. Money in lindung is whole Rupiah, an int."""
import re

# More than any budget, invoice or claim lindung handles, and far inside the database's 64-bit integers.
MAX_RUPIAH = 10**15

# Digits grouped by threes with one separator used throughout (1.500.000, 1,500,000, 1 500 000) or not grouped,
# then at most a decimal part of one or two digits (1.500.000,00; 1500000.0, as a spreadsheet cell is read).
_AMOUNT = re.compile(r"(?P<whole>\d{1,3}(?P<group>[.,\s])\d{3}(?:(?P=group)\d{3})*|\d+)(?:(?P<point>[.,])(?P<cents>\d{1,2}))?")


def parse_rupiah(text: str) -> int:
    """'1500000', '1.500.000', '1,500,000', 'Rp 1.500.000,-', 'Rp. 1.500.000,00', '1500000.0' -> 1500000.

    ValueError for anything else: part of a rupiah ('1.000.000,50', '1,5'), a negative amount, words, separators
    out of place ('1.0000'), or more than MAX_RUPIAH.
    """
    cleaned = re.sub(r"^rp\.?\s*", "", text.strip().lower())
    cleaned = cleaned.removesuffix(",-").removesuffix(".-").strip()
    match = _AMOUNT.fullmatch(cleaned)
    if (
        match is None
        or (match["group"] is not None and match["point"] == match["group"])
        or (match["cents"] is not None and int(match["cents"]) != 0)
    ):
        raise ValueError(f"not a whole amount of rupiah: {text!r}")
    amount = int(re.sub(r"\D", "", match["whole"]))
    if amount > MAX_RUPIAH:
        raise ValueError(f"more than Rp {MAX_RUPIAH:,}: {text!r}")
    return amount

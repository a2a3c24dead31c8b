"""How region names are written in the wild, and how lindung compares them. Pure functions."""
import re

import polars as pl

# Words people put before a name: "Desa Sukawijaya", "Kel. Telaga Asih", "Kec. Tambelang".
LEVEL_PREFIXES = ("DESA", "DS", "KELURAHAN", "KEL", "KECAMATAN", "KEC", "KABUPATEN", "KAB", "KOTA", "PROVINSI", "PROV")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
_PREFIX = re.compile(r"^(?:%s) " % "|".join(LEVEL_PREFIXES))


def name_key(name: str) -> str:
    """'Desa  Suka-Wijaya.' -> 'DESA SUKA WIJAYA': upper case, punctuation to single spaces."""
    return _NOT_ALNUM.sub(" ", name.upper()).strip()


def name_key_expr(column: str) -> pl.Expr:
    """name_key() as a Polars expression, for whole columns at once."""
    return (
        pl.col(column)
        .str.to_uppercase()
        .str.replace_all(r"[^0-9A-Z]+", " ")
        .str.strip_chars()
    )


def without_prefix(key: str) -> str:
    """'DESA SUKAWIJAYA' -> 'SUKAWIJAYA'. Only for a second try: 'Desa Baru' is a real village name."""
    return _PREFIX.sub("", key, count=1)


def candidate_keys(name: str) -> list[str]:
    key = name_key(name)
    bare = without_prefix(key)
    return [key] if bare == key else [key, bare]

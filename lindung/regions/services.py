"""Loading the Kemendagri table and finding regions by code or by the way people write their names."""
import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import transaction

from lindung import bulk
from lindung.regions.models import Kind, Level, Region, RegionTable
from lindung.regions.names import candidate_keys, name_key_expr

DATA_DIR = Path(__file__).resolve().parent / "data"
WILAYAH_CSV = DATA_DIR / "wilayah.csv"


@dataclass(frozen=True)
class LoadReport:
    rows: int
    written: int
    skipped: bool


def read_region_table(path: Path = WILAYAH_CSV) -> pl.DataFrame:
    """The table as Region columns: code, name, name_key, level, kind, parent_id (vectorised)."""
    frame = pl.read_csv(path, schema={"code": pl.String, "name": pl.String})
    parts = pl.col("code").str.split(".")
    level = parts.list.len()
    last = parts.list.last()
    kind = (
        pl.when(level == 1).then(pl.lit(Kind.PROVINSI.value))
        .when(level == 2).then(
            pl.when(last.cast(pl.Int32) >= 70).then(pl.lit(Kind.KOTA.value)).otherwise(pl.lit(Kind.KABUPATEN.value))
        )
        .when(level == 3).then(pl.lit(Kind.KECAMATAN.value))
        .when(last.str.starts_with("1")).then(pl.lit(Kind.KELURAHAN.value))
        .otherwise(pl.lit(Kind.DESA.value))
    )
    parent = pl.when(level > 1).then(parts.list.slice(0, level - 1).list.join("."))
    return frame.select(
        "code",
        pl.col("name").str.strip_chars(),
        name_key_expr("name").alias("name_key"),
        level.cast(pl.Int16).alias("level"),
        kind.alias("kind"),
        parent.alias("parent_id"),
    ).sort("level", "code")


def load_regions(path: Path = WILAYAH_CSV, force: bool = False) -> LoadReport:
    """Insert or update the shipped table. Loading the same file again writes nothing."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    latest = RegionTable.objects.order_by("-loaded_at").first()
    if latest and latest.sha256 == digest and not force:
        return LoadReport(rows=latest.rows, written=0, skipped=True)
    frame = read_region_table(path)
    columns = frame.columns
    with transaction.atomic():
        written = bulk.upsert_rows(Region, columns, frame.iter_rows(), key="code")
        RegionTable.objects.create(sha256=digest, rows=frame.height)
    return LoadReport(rows=frame.height, written=written, skipped=False)


class RegionNotFound(LookupError):
    code = "village.unknown"


class RegionAmbiguous(LookupError):
    code = "village.ambiguous"

    def __init__(self, candidates):
        super().__init__(", ".join(str(c) for c in candidates))
        self.candidates = candidates


def regency() -> Region:
    return Region.objects.get(code=settings.LINDUNG_REGENCY)


def find_child(parent_code: str, name: str) -> Region:
    """The region under `parent_code` called `name` ("Desa Sukawijaya", "SUKAWIJAYA")."""
    for key in candidate_keys(name):
        found = list(Region.objects.filter(parent_id=parent_code, name_key=key))
        if len(found) == 1:
            return found[0]
        if found:
            raise RegionAmbiguous(found)
    raise RegionNotFound(name)


def find_village(text: str, regency_code: str | None = None) -> Region:
    """A village of the regency by code or by name: "32.16.04.2001", "Sukawijaya", "Sukawijaya, Tambelang".

    A name shared by villages of different districts is ambiguous unless the district is given.
    """
    regency_code = regency_code or settings.LINDUNG_REGENCY
    text = text.strip()
    if text[:1].isdigit():
        region = Region.objects.filter(code=text, level=Level.VILLAGE).first()
        if region is None or not region.code.startswith(regency_code + "."):
            raise RegionNotFound(text)
        return region
    if "," in text:
        village_name, district_name = (part.strip() for part in text.split(",", 1))
        district = find_child(regency_code, district_name)
        return find_child(district.code, village_name)
    for key in candidate_keys(text):
        found = list(
            Region.objects.filter(
                level=Level.VILLAGE, code__startswith=regency_code + ".", name_key=key
            ).select_related("parent")
        )
        if len(found) == 1:
            return found[0]
        if found:
            raise RegionAmbiguous(found)
    raise RegionNotFound(text)


def districts_of(regency_code: str | None = None):
    return Region.objects.filter(parent_id=regency_code or settings.LINDUNG_REGENCY).order_by("code")


def villages_of(regency_code: str | None = None):
    prefix = (regency_code or settings.LINDUNG_REGENCY) + "."
    return Region.objects.filter(level=Level.VILLAGE, code__startswith=prefix).order_by("code")


def known_district_codes() -> frozenset[str]:
    return frozenset(Region.objects.filter(level=Level.DISTRICT).values_list("code", flat=True))


import polars as pl
import pytest

from lindung.regions.models import Kind, Level, Region, RegionTable
from lindung.regions.services import (
    WILAYAH_CSV, RegionAmbiguous, RegionNotFound, find_child, find_village, load_regions, read_region_table,
)

pytestmark = pytest.mark.django_db


def test_the_whole_national_table_is_loaded():
    assert Region.objects.count() == 91_599
    assert Region.objects.filter(level=Level.PROVINCE).count() == 38
    assert Region.objects.filter(level=Level.REGENCY).count() == 514
    assert Region.objects.filter(level=Level.DISTRICT).count() == 7_285
    assert Region.objects.filter(level=Level.VILLAGE).count() == 83_762


def test_kabupaten_bekasi_has_23_districts_and_187_villages():
    bekasi = Region.objects.get(code="32.16")
    assert (bekasi.name, bekasi.kind, bekasi.parent_id) == ("Kabupaten Bekasi", Kind.KABUPATEN, "32")
    assert bekasi.children.count() == 23
    villages = Region.objects.filter(level=Level.VILLAGE, code__startswith="32.16.")
    assert villages.filter(kind=Kind.DESA).count() == 179
    assert villages.filter(kind=Kind.KELURAHAN).count() == 8
    assert Region.objects.get(code="32.75").kind == Kind.KOTA


def test_loading_the_same_table_again_writes_nothing():
    report = load_regions()
    assert report.skipped and report.rows == 91_599
    forced = load_regions(force=True)
    assert not forced.skipped and forced.written == 0


def test_a_changed_table_updates_only_what_changed(tmp_path):
    changed = tmp_path / "wilayah.csv"
    frame = pl.read_csv(WILAYAH_CSV, schema={"code": pl.String, "name": pl.String})
    frame = frame.with_columns(
        pl.when(pl.col("code") == "32.16.04.2001").then(pl.lit("Sukawijaya Baru")).otherwise(pl.col("name")).alias("name")
    )
    frame = pl.concat([frame, pl.DataFrame({"code": ["32.16.04.2099"], "name": ["Desa Percobaan"]})])
    frame.write_csv(changed)
    report = load_regions(changed)
    assert report.written == 2
    assert Region.objects.get(code="32.16.04.2001").name == "Sukawijaya Baru"
    assert Region.objects.get(code="32.16.04.2099").parent_id == "32.16.04"
    assert RegionTable.objects.count() == 2


def test_table_columns_are_derived_from_the_code():
    frame = read_region_table().filter(pl.col("code").is_in(["32", "32.16", "32.16.08", "32.16.08.1008", "32.16.04.2001"]))
    rows = {r["code"]: r for r in frame.iter_rows(named=True)}
    assert rows["32"]["parent_id"] is None and rows["32"]["kind"] == "provinsi"
    assert rows["32.16.08"]["parent_id"] == "32.16" and rows["32.16.08"]["level"] == 3
    assert rows["32.16.08.1008"]["kind"] == "kelurahan"
    assert rows["32.16.04.2001"]["kind"] == "desa" and rows["32.16.04.2001"]["name_key"] == "SUKAWIJAYA"


@pytest.mark.parametrize("written", [
    "32.16.04.2001", "Sukawijaya", "SUKAWIJAYA", "Desa Sukawijaya", "desa  sukawijaya ",
    "Sukawijaya, Tambelang", "Ds. Sukawijaya, Kec. Tambelang",
])
def test_a_village_is_found_however_it_is_written(written):
    assert find_village(written).code == "32.16.04.2001"


def test_a_real_village_named_like_a_prefix_is_found_by_its_full_name():
    # "Desa Baru" is itself a village name elsewhere; the full name is tried before the prefix is dropped.
    baru = Region.objects.filter(level=Level.VILLAGE, name="Desa Baru").first()
    assert find_child(baru.parent_id, "Desa Baru") == baru


def test_village_outside_the_regency_or_unknown_is_not_found():
    with pytest.raises(RegionNotFound):
        find_village("31.71.01.1001")
    with pytest.raises(RegionNotFound):
        find_village("Kampung Entah Berantah")
    with pytest.raises(RegionNotFound):
        find_village("32.16.04")


def test_a_name_shared_by_two_districts_needs_the_district():
    # Kabupaten Bogor has a Nagrak in Gunungputri (32.01.02) and in Sukaraja (32.01.04).
    with pytest.raises(RegionAmbiguous) as error:
        find_village("Nagrak", regency_code="32.01")
    assert {c.code for c in error.value.candidates} == {"32.01.02.2009", "32.01.04.2005"}
    assert find_village("Desa Nagrak, Kecamatan Sukaraja", regency_code="32.01").code == "32.01.04.2005"

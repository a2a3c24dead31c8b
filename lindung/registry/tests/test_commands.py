import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def nik_command(*args) -> tuple[dict, int]:
    out = StringIO()
    try:
        call_command("nik", *args, "--json", stdout=out)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return json.loads(out.getvalue()), code


def test_a_valid_nik_is_decoded():
    report, code = nik_command("3216044506900001", "--birth-date", "1990-06-05", "--sex", "P")
    assert code == 0
    assert report == {
        "input": "3216044506900001", "nik": "3216044506900001", "valid": True, "errors": [],
        "region": {"code": "32.16.04", "name": "Tambelang", "regency": "Kabupaten Bekasi", "province": "Jawa Barat"},
        "birth_date": "1990-06-05", "sex": "P",
    }


@pytest.mark.parametrize("value, expected", [
    ("", "nik.empty"),
    ("3.21601E+15", "nik.excel_number"),
    ("3216040506900000.0", "nik.excel_number"),
    ("32160405069000O1", "nik.not_digits"),
    ("321604050690001", "nik.length"),
    ("3299040506900001", "nik.region_unknown"),
    ("3216043102900001", "nik.date_invalid"),
    ("3216040506900000", "nik.serial_invalid"),
])
def test_an_invalid_nik_exits_1_with_its_reason(value, expected):
    report, code = nik_command(value)
    assert code == 1
    assert report["valid"] is False
    assert [e["code"] for e in report["errors"]] == [expected]
    assert report["errors"][0]["message"]


def test_excel_and_typing_noise_is_cleaned():
    for written in ["'3216040506900001", "3216 0405 0690 0001", "3216.0405.0690.0001", "3216-04-050690-0001",
                    "3216040506900001.0"]:
        report, code = nik_command(written)
        assert (code, report["nik"], report["input"]) == (0, "3216040506900001", written)


def test_declared_birth_date_and_sex_are_checked():
    report, code = nik_command("3216040506900001", "--birth-date", "1990-05-06", "--sex", "P")
    assert code == 1
    assert [e["code"] for e in report["errors"]] == ["nik.birth_date_mismatch", "nik.sex_mismatch"]


def test_messages_in_english_on_request():
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("nik", "3.21601E+15", "--json", "--lang", "en", stdout=out)
    assert "Excel" in json.loads(out.getvalue())["errors"][0]["message"]


def test_the_lindung_console_command_fronts_management_commands(tmp_path):
    env = {**os.environ, "LINDUNG_VAR_DIR": str(tmp_path), "LINDUNG_DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3"}
    lindung = [sys.executable, "-m", "lindung.cli"]
    subprocess.run([*lindung, "migrate", "-v0"], env=env, check=True)
    loaded = subprocess.run([*lindung, "regions", "load"], env=env, check=True, capture_output=True, text=True)
    assert "91,599" in loaded.stdout
    again = subprocess.run([*lindung, "regions", "load"], env=env, check=True, capture_output=True, text=True)
    assert "nothing to do" in again.stdout
    result = subprocess.run([*lindung, "nik", "3.21601E+15", "--json"], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert json.loads(result.stdout)["errors"][0]["code"] == "nik.excel_number"
    assert (tmp_path / "keys" / "pii_encryption_key").exists()


def demo_command(*args) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_demo_builds_a_register_once_and_replaces_it_on_request():
    from lindung.registry.models import Person

    assert "300 people inserted" in demo_command("--workers", "300", "--seed", "7")
    first = sorted(Person.objects.values_list("full_name", "birth_date", "village_id"))
    assert len(first) == 300 and all(v.startswith("32.16.") for _, _, v in first)
    assert "already loaded" in demo_command("--workers", "300", "--seed", "7")
    assert Person.objects.count() == 300
    demo_command("--workers", "300", "--seed", "7", "--replace")
    assert sorted(Person.objects.values_list("full_name", "birth_date", "village_id")) == first
    demo_command("--workers", "200", "--seed", "8", "--replace")
    assert Person.objects.count() == 200
    assert set(Person.objects.values_list("source", flat=True)) == {"demo:seed=8"}


def test_demo_nik_are_valid_and_consistent_with_the_register():
    from lindung.regions.services import known_district_codes
    from lindung.registry.models import Person
    from lindung.registry.nik import check_nik

    demo_command("--workers", "150")
    districts = known_district_codes()
    for person in Person.objects.all():
        result = check_nik(person.nik, known_districts=districts, declared_birth_date=person.birth_date,
                           declared_sex=person.sex)
        assert result.valid, (person.nik, result.errors)

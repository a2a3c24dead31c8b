"""`lindung claims estimate …` as a script would call it (figures: docs/DOMAIN.md, "Benefits")."""
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lindung.claims.benefits import KINDS

COMMON = ("--member-since", "2020-01-01", "--incident-date", "2024-05-01")


def lindung(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def estimate_json(*args) -> dict:
    return json.loads(lindung("claims", "estimate", *args, "--json"))


def test_a_death_as_json():
    assert estimate_json("--kind", "death", *COMMON) == {
        "kind": "death",
        "protected": True,
        "total": 42_000_000,
        "parts": [
            {"name": "JKM lump sum", "amount": 20_000_000, "rule": "JKM lump sum — PP 82/2019 (DOMAIN.md)"},
            {"name": "JKM periodic benefit paid at once", "amount": 12_000_000,
             "rule": "JKM periodic benefit paid at once — PP 82/2019 (DOMAIN.md)"},
            {"name": "JKM funeral", "amount": 10_000_000, "rule": "JKM funeral — PP 82/2019 (DOMAIN.md)"},
        ],
        "reasons": [],
    }


def test_a_death_in_the_first_3_months_as_json():
    result = estimate_json("--kind", "death", "--member-since", "2024-03-10", "--incident-date", "2024-06-09")
    assert result["total"] == 10_000_000
    assert [p["amount"] for p in result["parts"]] == [10_000_000]


@pytest.mark.parametrize(
    "args, total",
    [
        (("--kind", "work_death", "--income", "1000000"), 70_000_000),
        (("--kind", "work_death", "--income", "500000"), 64_000_000),
        (("--kind", "total_disability", "--income", "1000000"), 56_000_000),
        (("--kind", "partial_disability", "--income", "1000000", "--percent", "10"), 8_000_000),
        (("--kind", "partial_disability", "--income", "1000000", "--percent", "50"), 40_000_000),
        (("--kind", "partial_disability", "--income", "1000000", "--percent", "12.5"), 10_000_000),
        (("--kind", "temporary", "--income", "1000000", "--months", "6"), 6_000_000),
        (("--kind", "temporary", "--income", "1000000", "--months", "12"), 12_000_000),
        (("--kind", "temporary", "--income", "1000000", "--months", "18"), 15_000_000),
        (("--kind", "death", "--child", "kindergarten", "--child", "TK"), 42_000_000 + 174_000_000),
        (("--kind", "death", "--child", "primary:4", "--child", "SMA:1", "--child", "sd"), 42_000_000 + 81_000_000 + 63_000_000),
        (("--kind", "work_death", "--income", "1000000", "--child", "university:2"), 70_000_000 + 24_000_000),
        (("--kind", "total_disability", "--income", "1000000", "--transport", "land:6000000",
          "--transport", "laut:1000000", "--transport", "air:12000000"), 56_000_000 + 5_000_000 + 1_000_000 + 10_000_000),
    ],
)
def test_every_kind_as_json(args, total):
    result = estimate_json(*args, *COMMON)
    assert result["total"] == total == sum(p["amount"] for p in result["parts"])
    assert result["protected"] is True
    assert set(result) == {"kind", "protected", "total", "parts", "reasons"}
    assert all(set(p) == {"name", "amount", "rule"} for p in result["parts"])


def test_a_work_death_lists_its_parts():
    result = estimate_json("--kind", "work_death", "--income", "1000000", *COMMON)
    assert [(p["name"], p["amount"]) for p in result["parts"]] == [
        ("JKK death benefit", 48_000_000),
        ("JKK funeral", 10_000_000),
        ("JKK periodic benefit paid at once", 12_000_000),
        ("JKK medical care", 0),
        ("JKK transport", 0),
    ]
    assert result["parts"][3]["rule"] == "JKK medical care: paid by BPJS to the provider, no ceiling — PP 82/2019 (DOMAIN.md)"


@pytest.mark.parametrize("kind", KINDS)
def test_an_incident_before_membership_is_unprotected(kind):
    extra = {"partial_disability": ("--percent", "10"), "temporary": ("--months", "3")}.get(kind, ())
    result = estimate_json("--kind", kind, "--income", "1000000", *extra,
                           "--member-since", "2024-05-02", "--incident-date", "2024-05-01")
    assert result == {
        "kind": kind, "protected": False, "total": 0, "parts": [],
        "reasons": ["Kejadian 2024-05-01 sebelum kepesertaan dimulai 2024-05-02 / "
                    "the incident (2024-05-01) happened before membership began (2024-05-02)"],
    }


def test_the_readable_table():
    out = lindung("claims", "estimate", "--kind", "work_death", "--income", "1000000", *COMMON)
    lines = out.splitlines()
    assert lines[0] == "work_death: protected"
    assert "JKK death benefit" in lines[1] and "Rp 48,000,000" in lines[1] and "48 x monthly income" in lines[1]
    assert lines[-1].split() == ["Total", "Rp", "70,000,000"]
    assert not out.lstrip().startswith("{")


def test_the_readable_table_of_an_unprotected_incident():
    out = lindung("claims", "estimate", "--kind", "death", "--member-since", "2024-05-02", "--incident-date", "2024-05-01")
    assert out.splitlines()[0] == "death: NOT protected"
    assert "Rp 0" in out and "happened before membership began" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (("--kind", "jkm", *COMMON), "Jenis klaim tidak dikenal / unknown kind 'jkm'"),
        (("--kind", "death", "--member-since", "2020-13-01", "--incident-date", "2024-05-01"),
         "Tanggal --member-since harus ditulis YYYY-MM-DD: '2020-13-01' / --member-since must be a date written YYYY-MM-DD"),
        (("--kind", "death", "--member-since", "2020-01-01", "--incident-date", "1 Mei 2024"),
         "--incident-date must be a date written YYYY-MM-DD"),
        (("--kind", "work_death", "--income", "-1", *COMMON), "Penghasilan tidak boleh negatif / income cannot be negative"),
        (("--kind", "work_death", "--income", "1.000.000", *COMMON), "--income harus bilangan bulat: '1.000.000' / --income must be a whole number"),
        (("--kind", "work_death", *COMMON), "the declared income is needed for work_death"),
        (("--kind", "partial_disability", "--income", "1000000", *COMMON), "needs the table percent"),
        (("--kind", "partial_disability", "--income", "1000000", "--percent", "120", *COMMON), "from 0 to 100"),
        (("--kind", "partial_disability", "--income", "1000000", "--percent", "sepuluh", *COMMON),
         "--percent harus angka: 'sepuluh' / --percent must be a number"),
        (("--kind", "temporary", "--income", "1000000", *COMMON), "needs the months of incapacity"),
        (("--kind", "temporary", "--income", "1000000", "--months", "1.5", *COMMON), "--months must be a whole number"),
        (("--kind", "death", "--months", "3", *COMMON), "only for temporary"),
        (("--kind", "death", "--child", "S3", *COMMON), "unknown school level 'S3'"),
        (("--kind", "death", "--child", "primary:9", *COMMON), "at most 6 years"),
        (("--kind", "total_disability", "--income", "1", "--child", "sd", *COMMON), "only for death and work_death"),
        (("--kind", "work_death", "--income", "1", "--transport", "land", *COMMON), "--transport is written MODE:RUPIAH"),
        (("--kind", "work_death", "--income", "1", "--transport", "bus:5", *COMMON), "unknown transport mode 'bus'"),
        (("--kind", "death", "--member-since", "2019-01-01", "--incident-date", "2019-06-01"),
         "no benefit rule jkm_new_member_months in force on 2019-06-01"),
    ],
)
def test_mistakes_are_reported_in_indonesian_and_english(args, message):
    with pytest.raises(CommandError) as error:
        lindung("claims", "estimate", *args, "--json")
    assert message in str(error.value)
    assert " / " in str(error.value)


@pytest.mark.parametrize("missing", ["--kind", "--member-since", "--incident-date"])
def test_required_options(missing):
    args = {"--kind": "death", "--member-since": "2020-01-01", "--incident-date": "2024-05-01"}
    del args[missing]
    with pytest.raises(CommandError, match=missing.lstrip("-")):
        lindung("claims", "estimate", *[x for pair in args.items() for x in pair])


def test_an_action_is_required():
    with pytest.raises(CommandError):
        lindung("claims")

import json
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from lindung.regions.models import Region
from lindung.regions.services import known_district_codes
from lindung.registry.nik import check_nik


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--birth-date harus berformat YYYY-MM-DD / --birth-date must be YYYY-MM-DD: {text!r}"
        ) from None


def region_of(district_code: str | None) -> dict | None:
    region = Region.objects.select_related("parent", "parent__parent").filter(code=district_code).first()
    if region is None:
        return None
    return {
        "code": region.code,
        "name": region.name,
        "regency": region.parent.name,
        "province": region.parent.parent.name,
    }


class Command(BaseCommand):
    help = "Check and decode a NIK: region of issue, birth date, sex. Exits 1 when the NIK is invalid."

    def add_arguments(self, parser):
        parser.add_argument("value", metavar="NIK")
        parser.add_argument("--birth-date", type=_iso_date, help="declared birth date, YYYY-MM-DD")
        parser.add_argument("--sex", choices=["L", "P"], help="declared sex: L (laki-laki) or P (perempuan)")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--lang", choices=["id", "en"], default="id", help="language of messages")

    def handle(self, *args, value, birth_date, sex, json: bool, lang, **options):
        districts = known_district_codes()
        if not districts:
            raise CommandError("Tabel wilayah belum dimuat / the region table is not loaded: run `lindung regions load`.")
        result = check_nik(value, known_districts=districts, declared_birth_date=birth_date, declared_sex=sex)
        region = region_of(result.district_code) if result.district_code in districts else None
        report = {
            "input": value,
            "nik": result.nik,
            "valid": result.valid,
            "errors": [{"code": e.code, "message": e.message(lang)} for e in result.errors],
            "region": region,
            "birth_date": result.birth_date.isoformat() if result.birth_date else None,
            "sex": result.sex,
        }
        if json:
            self.stdout.write(_dumps(report))
        else:
            self.stdout.write(_human(report))
        if not result.valid:
            sys.exit(1)


def _dumps(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False)


def _human(report: dict) -> str:
    lines = [f"NIK     {report['nik'] or report['input']}: {'VALID' if report['valid'] else 'TIDAK VALID / INVALID'}"]
    if report["region"]:
        r = report["region"]
        lines.append(f"Wilayah {r['code']} {r['name']}, {r['regency']}, {r['province']}")
    if report["birth_date"]:
        lines.append(f"Lahir   {report['birth_date']}")
    if report["sex"]:
        lines.append(f"Kelamin {report['sex']}")
    lines += [f"  ✗ {e['code']}: {e['message']}" for e in report["errors"]]
    return "\n".join(lines)

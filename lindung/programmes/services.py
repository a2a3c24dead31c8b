"""Loading the shipped reference data, and reading the rate schedule back as plain values."""
import csv

from lindung.programmes.rates import PROGRAMMES_CSV, Rate, read_rates

APBD_PAYER = "APBD Pemerintah Daerah"


def load_programmes(apps, schema_editor=None) -> None:
    """Insert or update programmes and replace the rate schedule with the shipped one (data migrations)."""
    Programme = apps.get_model("programmes", "Programme")
    RateRule = apps.get_model("programmes", "RateRule")
    with open(PROGRAMMES_CSV, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Programme.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name_id": row["name_id"],
                    "name_en": row["name_en"],
                    "compulsory": row["compulsory"] == "1",
                    "sort": int(row["sort"]),
                },
            )
    RateRule.objects.all().delete()
    RateRule.objects.bulk_create(
        RateRule(
            programme_id=r.programme,
            effective_from=r.effective_from,
            basis=r.basis,
            percent_bp=r.percent_bp,
            min_income=r.min_income,
            flat_amount=r.flat_amount,
            discount_percent=r.discount_percent,
            payer_kinds=sorted(r.payer_kinds),
            source=r.source,
        )
        for r in read_rates()
    )


def create_default_payers(apps, schema_editor=None) -> None:
    Payer = apps.get_model("programmes", "Payer")
    Payer.objects.get_or_create(name=APBD_PAYER, defaults={"kind": "apbd"})
    Payer.objects.get_or_create(name="Peserta mandiri", defaults={"kind": "self"})


def rate_schedule() -> tuple[Rate, ...]:
    """The schedule as stored (what billing uses)."""
    from lindung.programmes.models import RateRule

    return tuple(rule.as_rate() for rule in RateRule.objects.all())

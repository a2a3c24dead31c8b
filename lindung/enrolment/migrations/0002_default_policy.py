from datetime import date

from django.db import migrations


def create_default_policy(apps, schema_editor):
    EligibilityPolicy = apps.get_model("enrolment", "EligibilityPolicy")
    EligibilityPolicy.objects.get_or_create(
        effective_from=date(2023, 1, 1),
        defaults={
            "age_min": 15,
            "age_max": 65,
            "segments": [],
            "segment_priority": [],
            "source": "Default: age 15-65 at enrolment, every segment (DOMAIN.md: a local policy setting)",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("enrolment", "0001_initial")]
    operations = [migrations.RunPython(create_default_policy, migrations.RunPython.noop)]

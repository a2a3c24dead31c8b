from django.db import migrations

from lindung.registry.segments import read_segments


def load_segments(apps, schema_editor):
    Segment = apps.get_model("registry", "Segment")
    for row in read_segments():
        Segment.objects.update_or_create(code=row.pop("code"), defaults=row)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load_segments, migrations.RunPython.noop)]

from django.db import migrations

from lindung.registry.segments import load_segments


class Migration(migrations.Migration):
    """The shipped segments again: occupations villages write (Kurir, Guru honorer, Muazin…)."""

    dependencies = [("registry", "0004_person_indexes")]
    operations = [migrations.RunPython(load_segments, migrations.RunPython.noop)]

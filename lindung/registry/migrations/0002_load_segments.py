from django.db import migrations

from lindung.registry.segments import load_segments


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load_segments, migrations.RunPython.noop)]

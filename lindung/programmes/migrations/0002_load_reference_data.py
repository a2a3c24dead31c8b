from django.db import migrations

from lindung.programmes.services import create_default_payers, load_programmes


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]
    operations = [
        migrations.RunPython(load_programmes, migrations.RunPython.noop),
        migrations.RunPython(create_default_payers, migrations.RunPython.noop),
    ]

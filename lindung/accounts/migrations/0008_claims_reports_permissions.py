from django.db import migrations

from lindung.accounts.roles import sync_role_groups


def update_role_groups(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_enrolment_permissions"), ("claims", "0001_initial"), ("reports", "0001_initial")]
    operations = [migrations.RunPython(update_role_groups, migrations.RunPython.noop)]

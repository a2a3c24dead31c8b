import django.db.models.deletion
from django.db import migrations, models

# importrow_batch_row_unique (batch, row) serves every lookup by batch; the index on batch alone only slowed the
# writing of a million outcome rows (≈ 0.5 s). Dropped in place: AlterField would copy the whole table on SQLite.
INDEX = "intake_importrow_batch_id_86e63f95"


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='importrow',
                    name='batch',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name='outcomes', to='intake.importbatch'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "intake_importrow" ("batch_id")',
                ),
            ],
        ),
    ]

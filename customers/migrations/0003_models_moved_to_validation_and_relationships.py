"""SpecialQualification moved to validation, RelationshipRequest to relationships."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0002_initial'),
    ]

    # State only: the table keeps its name and its rows (Meta.db_table).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='specialqualification',
                name='customer',
            ),
            migrations.RemoveField(
                model_name='specialqualification',
                name='validation_code',
            ),
            migrations.DeleteModel(
                name='RelationshipRequest',
            ),
            migrations.DeleteModel(
                name='SpecialQualification',
            )
            ],
        ),
    ]

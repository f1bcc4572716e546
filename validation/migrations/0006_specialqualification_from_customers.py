"""SpecialQualification, made in customers: a customer's GCC (and other) qualification."""

import django.db.models.deletion
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    """Permissions granted on the model keep pointing at it."""
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="customers", model="specialqualification").update(app_label="validation")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('customers', '0003_models_moved_to_validation_and_relationships'),
        ('validation', '0005_request_sweep_bookkeeping'),
    ]

    # State only: the table keeps its name and its rows (Meta.db_table).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='SpecialQualification',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('qualification', models.CharField(choices=[('GovernmentCommunityCloud', 'Government Community Cloud'), ('Education', 'Education'), ('Nonprofit', 'Nonprofit'), ('StateOwnedEntity', 'State-owned entity')], max_length=32)),
                    ('granted_at', models.DateTimeField()),
                    ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='special_qualifications', to='customers.customer')),
                    ('validation_code', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='validation.validationcode')),
                ],
                options={
                    'db_table': 'customers_specialqualification',
                    'constraints': [models.UniqueConstraint(fields=('customer', 'qualification'), name='one_special_qualification_of_a_kind')],
                },
            )
            ],
        ),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]

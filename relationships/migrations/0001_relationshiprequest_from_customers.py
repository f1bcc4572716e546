"""RelationshipRequest, made in customers."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    """Permissions granted on the model keep pointing at it."""
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="customers", model="relationshiprequest").update(app_label="relationships")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('customers', '0003_models_moved_to_validation_and_relationships'),
        ('partners', '0004_resellerqualification_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # State only: the table keeps its name and its rows (Meta.db_table).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='RelationshipRequest',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                    ('created_at', models.DateTimeField()),
                    ('expires_at', models.DateTimeField()),
                    ('status', models.CharField(choices=[('pending', 'Pending'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('expired', 'Expired')], default='pending', max_length=16)),
                    ('answered_at', models.DateTimeField(blank=True, null=True)),
                    ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('customer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='customers.customer')),
                    ('indirect_reseller', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partners.partner')),
                    ('partner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='relationship_requests', to='partners.partner')),
                ],
                options={
                    'db_table': 'customers_relationshiprequest',
                    'ordering': ['-created_at'],
                    'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status', 'accepted'), _negated=True), ('customer__isnull', False), _connector='OR'), name='accepted_request_names_customer')],
                },
            )
            ],
        ),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]

# The idempotency key names the resource (route + ids in one spelling), not the literal path.
# Answers stored under a path before this migration keep their row; they expire within 24 hours.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="idempotentresponse",
            name="one_answer_per_request_id",
        ),
        migrations.RenameField(
            model_name="idempotentresponse",
            old_name="path",
            new_name="resource",
        ),
        migrations.AlterField(
            model_name="idempotentresponse",
            name="resource",
            field=models.CharField(
                help_text="The route with its ids in one spelling, not the literal path.",
                max_length=500,
            ),
        ),
        migrations.AddConstraint(
            model_name="idempotentresponse",
            constraint=models.UniqueConstraint(
                fields=("agent", "request_id", "method", "resource"),
                name="one_answer_per_request_id",
            ),
        ),
    ]

# Every revoked token says why, and an active one has no reason (0004 filled the old rows).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0004_fill_token_bindings"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("revoked_at__isnull", True), ("revoked_reason", "")),
                    models.Q(
                        ("revoked_at__isnull", False),
                        models.Q(("revoked_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="api_token_revoked_with_reason",
            ),
        ),
    ]

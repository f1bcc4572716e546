# API tokens: a reason for each revocation, an optional expiry, and a binding to the agent's
# password (filled for existing tokens by 0004, constrained by 0005).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_idempotency_by_resource"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(blank=True, help_text="Empty: no expiry.", null=True),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="password_binding",
            field=models.CharField(
                default="", help_text="password_binding() of the agent's password.", max_length=64
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("by_agent", "by you"),
                    ("user_deactivated", "account deactivated"),
                    ("password_changed", "password changed"),
                ],
                default="",
                max_length=20,
            ),
        ),
    ]

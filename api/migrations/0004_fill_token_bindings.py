# Existing tokens keep working: each is bound to its agent's current password. Tokens revoked
# before were revoked by their agent (the only way there was); active tokens of agents already
# deactivated are revoked now, so reactivating the agent does not bring them back.

from django.db import migrations
from django.utils import timezone

from api.models import password_binding


def fill_token_bindings(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.filter(revoked_at__isnull=False, revoked_reason="").update(
        revoked_reason="by_agent"
    )
    ApiToken.objects.filter(revoked_at__isnull=True, agent__is_active=False).update(
        revoked_at=timezone.now(), revoked_reason="user_deactivated"
    )
    for token in ApiToken.objects.filter(password_binding="").select_related("agent"):
        token.password_binding = password_binding(token.agent.password)
        token.save(update_fields=["password_binding"])


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0003_token_lifecycle"),
    ]

    operations = [
        migrations.RunPython(fill_token_bindings, migrations.RunPython.noop, elidable=True),
    ]

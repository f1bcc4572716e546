from django.db import migrations

# The Add customer page's code search (validation.selectors.validation_code_search) looks for
# part of the organization's name, UPPER(organization_name) LIKE '%q%' (Django's icontains).


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS codes_name_trgm ON validation_validationcode "
        "USING gin (UPPER(organization_name) gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS codes_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("validation", "0007_list_indexes")]

    operations = [migrations.RunPython(trigram_index, drop_trigram_index)]

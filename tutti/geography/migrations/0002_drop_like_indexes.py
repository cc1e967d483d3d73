from django.db import migrations


def drop_like_indexes(apps, schema_editor):
    """On PostgreSQL Django adds a varchar_pattern_ops ("_like") index beside each CharField
    primary key. Codes are only ever looked up exactly, so these are dead weight: 170 MB and
    a slower import on the 2.7 million-row postcode table."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename LIKE 'geography%%' AND indexname LIKE '%%\\_like'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')


class Migration(migrations.Migration):
    # Its own migration: Django creates the "_like" indexes at the end of 0001.
    dependencies = [("geography", "0001_initial")]

    operations = [migrations.RunPython(drop_like_indexes, migrations.RunPython.noop)]

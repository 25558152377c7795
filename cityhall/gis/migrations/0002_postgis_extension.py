"""On PostgreSQL, enable PostGIS when the server has it (Debian: postgresql-15-postgis-3), so the
spatial backend (cityhall.gis.spatial, ADR 0024) can run its queries in the database. Nothing
happens on SQLite, on a server without the package, or for a role that may not create extensions
(then an administrator runs CREATE EXTENSION postgis and the backend finds it)."""

from django.db import DatabaseError, migrations, transaction


def enable_postgis(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
        if cursor.fetchone() is None:
            return
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        except DatabaseError:
            return  # not allowed for this role: the shapely path stays in use
    from cityhall.gis import spatial

    spatial.forget()


class Migration(migrations.Migration):
    dependencies = [("gis", "0001_initial")]

    operations = [migrations.RunPython(enable_postgis, migrations.RunPython.noop, elidable=False)]

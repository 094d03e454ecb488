"""Migration steps for one database only: the full-text indexes differ between SQLite (FTS5,
migrations 0002 and 0005) and PostgreSQL (a GIN index, 0007); the other database skips them."""

from django.db import migrations


def on_vendor(vendor: str, forwards: list[str], backwards: list[str]) -> migrations.RunPython:
    """RunSQL of `forwards` (undone by `backwards`) on `vendor` ("sqlite", "postgresql") only."""

    def run(statements):
        def execute(apps, schema_editor):
            if schema_editor.connection.vendor == vendor:
                for statement in statements:
                    schema_editor.execute(statement, params=None)

        return execute

    return migrations.RunPython(run(forwards), run(backwards))

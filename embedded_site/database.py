"""Bringing the SQLite database up to date at start."""

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def pending_migrations() -> list:
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def prepare_database() -> None:
    if pending_migrations():
        call_command("migrate", interactive=False, verbosity=0)

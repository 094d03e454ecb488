"""The server a device syncs with: its URL and the device token, kept in the data folder in
sync.json (mode 0600, written whole by durable_file), never in the database, which backups copy."""

import json
import uuid
from pathlib import Path

from django.conf import settings

from django_desktop_shell.files import write_file


def connection_file() -> Path:
    return Path(settings.DESKTOP_DATA_DIR) / "sync.json"


def read_connection() -> dict | None:
    """{"server_url", "token", "client_id"}, or None when the device syncs with no server."""
    try:
        return json.loads(connection_file().read_text())
    except FileNotFoundError:
        return None


def save_connection(server_url: str, token: str) -> dict:
    # A new client_id per connection: change ids (client_id:seq:state) never repeat across connections.
    connection = {"server_url": server_url.rstrip("/"), "token": token, "client_id": uuid.uuid4().hex}
    write_file(connection_file(), json.dumps(connection).encode())
    return connection


def forget_connection() -> None:
    connection_file().unlink(missing_ok=True)

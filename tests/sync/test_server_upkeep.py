"""The server process keeps its notes within their limits from its start (embedded_site/notes/
upkeep.py): a note trashed longer ago than the trash keeps notes is gone, one trashed today stays."""

from tests.reliability.conftest import poll
from tests.sync.conftest import SyncServer, server_python


def test_the_server_empties_its_expired_trash_once_started(sync_postgres, tmp_path):
    server = SyncServer(sync_postgres, tmp_path / "server")
    server_python(server.environment, "-c", (
        "import django; django.setup()\n"
        "from datetime import timedelta\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.utils import timezone\n"
        "from embedded_site.notes.models import Note\n"
        "person = get_user_model().objects.create(username='person')\n"
        "Note.objects.create(owner=person, title='Trashed long ago', trashed_at=timezone.now() - timedelta(days=31))\n"
        "Note.objects.create(owner=person, title='Trashed today', trashed_at=timezone.now())\n"
    ))

    def titles() -> list[str]:
        return server_python(server.environment, "-c", (
            "import django; django.setup()\n"
            "from embedded_site.notes.models import Note\n"
            "print(sorted(Note.objects.values_list('title', flat=True)))"
        )).strip()

    assert titles() == "['Trashed long ago', 'Trashed today']"
    server.start()
    try:
        poll(lambda: titles() == "['Trashed today']", 30, "the expired trash emptied")
    finally:
        server.stop()

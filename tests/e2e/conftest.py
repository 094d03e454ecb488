import pytest

from embedded_site.notes.owners import local_owner


@pytest.fixture(autouse=True)
def local_owner_made(transactional_db):
    """As at a launch (NotesConfig, on database_ready), the local owner exists before the first request."""
    local_owner()

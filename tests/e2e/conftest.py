import pytest


@pytest.fixture(autouse=True)
def every_test_has_the_local_owner(local_owner_made):
    """Every page here is Notedesk's, whose requests are its local owner's."""

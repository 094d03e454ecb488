"""The fixtures of a test run in server mode (`make test-server`: pytest --ds=tests.server_settings),
which tests/conftest.py uses instead of the desktop's: the PostgreSQL cluster for the session,
and clients logged in as a user rather than holding the desktop's launch cookie."""

import shutil

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from tests.postgres import start_cluster, stop_cluster

PASSWORD = "a long test password"
# Over HTTPS, as behind the reverse proxy: the server settings redirect plain HTTP.
SECURE = {"secure": True}


@pytest.fixture(scope="session")
def postgres_cluster():
    folder = settings.CLUSTER_FOLDER
    start_cluster(folder)
    yield folder
    stop_cluster(folder)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(postgres_cluster):
    """The test database is made on the cluster, which must run first."""


class HttpsClient(Client):
    def generic(self, *args, **kwargs):
        return super().generic(*args, **{**kwargs, **SECURE})


def make_user(username: str):
    return get_user_model().objects.create_user(username, password=PASSWORD)


@pytest.fixture
def server_user(db):
    return make_user("alice")


@pytest.fixture
def anonymous_client():
    """A browser's requests: over HTTPS, saying their origin (as a browser does on a POST or a fetch)."""
    return HttpsClient(headers={"Origin": "https://testserver"})


@pytest.fixture
def client(anonymous_client, server_user):
    """A client logged in as server_user, as a browser after the login page."""
    anonymous_client.force_login(server_user)
    return anonymous_client


@pytest.fixture
def csrf_client(client):
    client.handler.enforce_csrf_checks = True
    return client

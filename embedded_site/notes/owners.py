"""Whose notes a request reads and writes: `request.user`, in both modes.

On a server, Django's auth sets it from the login session. On the desktop there is no login:
one local owner holds every note of the install, and LocalOwnerMiddleware makes it the user of
every request. It is created when the database is prepared (NotesConfig), and by the migration
that gave notes an owner, for the notes there were then.
"""

import copy

from django.contrib.auth import get_user_model
from django.utils.functional import SimpleLazyObject

# No password can match it (set_unusable_password), so no login can ever open it on a server.
LOCAL_OWNER_USERNAME = "local-owner"


def local_owner():
    """The desktop's owner, created the first time it is wanted."""
    owner, created = get_user_model().objects.get_or_create(username=LOCAL_OWNER_USERNAME)
    if created:
        owner.set_unusable_password()
        owner.save(update_fields=["password"])
    return owner


class LocalOwnerMiddleware:
    """The desktop's request.user: the local owner, looked up only when a view asks. It exists
    by then (NotesConfig made it before serving): looking it up is a read, which a GET's read-only
    snapshot (api.read_snapshot) allows; creating it there would be a write SQLite can refuse.
    Looked up once for the life of the server, since nothing changes it: each request gets its
    own copy. The ORM's look-up took 0.5-0.8 ms of each request in the server's threads."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.owner = None

    def __call__(self, request):
        request.user = SimpleLazyObject(self.local_owner)
        return self.get_response(request)

    def local_owner(self):
        if self.owner is None:
            self.owner = local_owner()
        return copy.copy(self.owner)

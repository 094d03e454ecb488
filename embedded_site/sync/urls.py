from django.urls import path, register_converter

from embedded_site.sync import client_views, views


class Sha256Converter:
    regex = "[0-9a-f]{64}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(Sha256Converter, "sha256")

app_name = "sync"

urlpatterns = [
    # The device's own, for its sidebar.
    path("status/", client_views.sync_status, name="status"),
    path("connection/", client_views.sync_connection, name="connection"),
    path("now/", client_views.sync_now, name="now"),
    # The server's, for devices (protocol version 1).
    path("v1/changes/", views.changes, name="changes"),
    path("v1/contents/missing/", views.missing_contents, name="missing_contents"),
    path("v1/contents/<sha256:sha256>/", views.content, name="content"),
    # A device of another version of the protocol (a newer Notedesk): told which this server speaks.
    path("v<int:version>/<path:rest>", views.other_protocol, name="other_protocol"),
]

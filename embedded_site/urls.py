from django.urls import include, path

from embedded_site import views
from embedded_site.open_with import dropped

urlpatterns = [
    path("", views.home, name="home"),
    path("ajax/", include("embedded_site.ajax_patterns.urls")),
    path("api/notes/<int:note_id>/attachments/dropped/", dropped.attach_dropped_files, name="attach_dropped_files"),
    path("api/notes/dropped/", dropped.open_dropped_files, name="open_dropped_files"),
    path("api/sync/", include("embedded_site.sync.urls")),
    path("api/", include("embedded_site.notes.urls")),
]

handler400 = "django_desktop_shell.errors.bad_request"
handler403 = "django_desktop_shell.errors.permission_denied"
handler404 = "django_desktop_shell.errors.page_not_found"
handler500 = "django_desktop_shell.errors.server_error"

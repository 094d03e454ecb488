from django.urls import include, path

from embedded_site import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("ajax/", include("embedded_site.ajax_patterns.urls")),
    path("api/", include("embedded_site.notes.urls")),
]

handler400 = "embedded_site.errors.bad_request"
handler403 = "embedded_site.errors.permission_denied"
handler404 = "embedded_site.errors.page_not_found"
handler500 = "embedded_site.errors.server_error"

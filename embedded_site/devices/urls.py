from django.urls import path

from embedded_site.devices import views

app_name = "devices"

urlpatterns = [
    path("devices/", views.device_page, name="page"),
    path("devices/<int:device_id>/revoke/", views.revoke_from_page, name="revoke"),
    path("api/devices/", views.device_collection, name="collection"),
    path("api/devices/<int:device_id>/", views.device_detail, name="detail"),
]

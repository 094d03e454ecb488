from django.urls import path

from embedded_site.ajax_patterns import views

app_name = "ajax_patterns"

urlpatterns = [
    path("data/", views.load_data, name="data"),
    path("submit/", views.submit_data, name="submit"),
    path("fetch_json/", views.fetch_json_data, name="fetch_json"),
    path("fragment/", views.fragment, name="fragment"),
]

from django.urls import path

from embedded_site.notes import views

app_name = "notes"

urlpatterns = [
    path("notes/", views.note_collection, name="notes"),
    path("notes/<int:note_id>/", views.note_detail, name="note"),
    path("notes/<int:note_id>/restore/", views.restore_note, name="restore"),
    path("notes/<int:note_id>/attachments/", views.upload_attachment, name="attachments"),
    path("attachments/<int:attachment_id>/", views.attachment_file, name="attachment"),
    path("tags/", views.tag_counts, name="tags"),
    path("export/", views.export_notes, name="export"),
    path("import/", views.import_file, name="import"),
]

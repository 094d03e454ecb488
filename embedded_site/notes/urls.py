from django.urls import path

from embedded_site.notes import foreign_views, job_views, link_views, revision_views, tag_views, views

app_name = "notes"

urlpatterns = [
    path("notes/", views.note_collection, name="notes"),
    path("notes/today/", views.todays_note, name="today"),
    path("notes/days/<str:day>/previous/", views.neighbouring_day_note, {"step": -1}, name="previous_day"),
    path("notes/days/<str:day>/next/", views.neighbouring_day_note, {"step": 1}, name="next_day"),
    path("notes/<int:note_id>/", views.note_detail, name="note"),
    path("notes/<int:note_id>/restore/", views.restore_note, name="restore"),
    path("notes/<int:note_id>/attachments/", views.upload_attachment, name="attachments"),
    path(
        "notes/<int:note_id>/attachments/<int:attachment_id>/", views.note_attachment, name="note_attachment"
    ),
    path("notes/<int:note_id>/revisions/", revision_views.revision_list, name="revisions"),
    path("notes/<int:note_id>/revisions/<int:revision_id>/", revision_views.revision_detail, name="revision"),
    path(
        "notes/<int:note_id>/revisions/<int:revision_id>/restore/",
        revision_views.restore_revision,
        name="restore_revision",
    ),
    path("notes/<int:note_id>/backlinks/", link_views.backlinks, name="backlinks"),
    path("notes/<int:note_id>/relink/", link_views.relink, name="relink"),
    path("links/", link_views.title_links, name="links"),
    path("titles/", link_views.title_completions, name="titles"),
    path("trash/", views.empty_trash, name="trash"),
    path("attachments/<int:attachment_id>/", views.attachment_file, name="attachment"),
    path("tags/", views.tag_counts, name="tags"),
    # A tag's name may hold any character, a "/" too (sent as %2F, which Django decodes first).
    path("tags/<path:name>/", tag_views.tag_detail, name="tag"),
    path("tag-changes/undo/", tag_views.undo_tag_change, name="undo_tag_change"),
    path("preview/", views.preview, name="preview"),
    path("templates/", views.filled_templates, name="templates"),
    path("jobs/export/", job_views.start_export, name="export_job"),
    path("jobs/import/", job_views.start_upload_import, name="upload_import_job"),
    path("jobs/import-from-dialog/", job_views.start_dialog_import, name="dialog_import_job"),
    path("jobs/import-other/", foreign_views.start_foreign_upload, name="foreign_import_job"),
    path("jobs/import-other-from-dialog/", foreign_views.start_foreign_dialog, name="foreign_dialog_import_job"),
    path("jobs/<str:job_id>/", job_views.job_detail, name="job"),
    path("jobs/<str:job_id>/file/", job_views.job_file, name="job_file"),
    path("export/", views.export_notes, name="export"),
    path("import/", views.import_file, name="import"),
]

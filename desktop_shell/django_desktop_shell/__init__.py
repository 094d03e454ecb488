"""django-desktop-shell: ship a Django project as a desktop app.

The Django side (add "django_desktop_shell" to INSTALLED_APPS, or let desktop_settings do it):
- settings.desktop_settings(globals()): the desktop defaults over the project's own settings;
  settings.MULTIPART_OVERHEAD (for DESKTOP_MAX_REQUEST_BODY), settings.machine_time_zone (for TIME_ZONE),
  time_zones.known_time_zone (whether the zone data has a zone a browser names);
- signals.database_ready, signals.app_stopping: the apps' start-up work, and their threads' stop;
- native.functions: the window's file dialogs, for views;
- errors.RequestRefused, errors.error_response: error answers in the request's form; errors.bad_request,
  errors.permission_denied, errors.page_not_found, errors.server_error: the same for a URLconf's handler400…500;
- storage_errors.storage_problem: a full disk, a read-only folder or a locked database, in words
  (storage_errors.FULL, storage_errors.READ_ONLY, storage_errors.BUSY, storage_errors.DISK_ERROR);
- files.durable_file, files.write_file, uploads.upload_view: writing files whole (a write cut short
  leaves only a file named files.TEMPORARY_PREFIX…), size-limited uploads;
- media.served_type, media.shows_as_image, media.file_response: how an uploaded file is served (inline or
  downloaded, whole or the part a Range asks for);
- database.backups, database.backup_in_progress, database.database_path: the database's daily copies;
- menus.standard_menus, menus.Item, menus.SEPARATOR; opening (DESKTOP_OPEN_FILES, DESKTOP_OPEN_URL):
  the menu bar, and files and links opened from outside (docs/desktop.md);
- log_paths.PathsWithoutWords: the log filter that keeps the person's words out of logged paths;
- self_test.window_check, self_test.wait_for: a site's own checks for --self-test;
- testing.configure, testing.DesktopClient: a project's tests under the desktop defaults;
- identity.load(project_dir): the project's [tool.desktop-shell] table read, whose ships(module) says
  whether the build ships a module its leave-out names (so that the source runs as the build does).

The process side: process.launcher.run_and_exit(project_dir), the whole of a project's launcher.py,
which reads [tool.desktop-shell] in the project's pyproject.toml and exits even if a library left a
thread running (process.launcher.main(project_dir, argv) runs the same and returns the exit code).
docs/shipping-your-django-app.md walks through adopting it.
"""

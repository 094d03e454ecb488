"""django-desktop-shell: ship a Django project as a desktop app.

The Django side (add "django_desktop_shell" to INSTALLED_APPS, or let desktop_settings do it):
- settings.desktop_settings(globals()): the desktop defaults over the project's own settings;
- signals.database_ready, signals.app_stopping: the apps' start-up work, and their threads' stop;
- native.functions: the window's file dialogs, for views;
- errors.RequestRefused, errors.error_response: error answers in the request's form;
- storage_errors.storage_problem: a full disk, a read-only folder or a locked database, in words;
- files.durable_file, uploads.upload_view: writing files whole, size-limited uploads;
- self_test.window_check: a site's own checks for --self-test;
- testing.configure, testing.DesktopClient: a project's tests under the desktop defaults.

The process side: process.launcher.main(project_dir), which reads [tool.desktop-shell] in the
project's pyproject.toml. docs/shipping-your-django-app.md walks through adopting it.
"""

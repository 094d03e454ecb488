"""tests.failing_urls as a project's own URLconf has it (startproject's): without handler400…500."""

from tests.failing_urls import urlpatterns  # noqa: F401

"""Which answers the window saves rather than shows (the window's own test saves two)."""

import pytest

from django_desktop_shell.process.downloads import is_download


@pytest.mark.parametrize(("disposition", "type_shown", "saved"), [
    ('attachment; filename="notes.json"', True, True),  # Django's FileResponse(as_attachment=True)
    ("Attachment", True, True),
    ('inline; filename="cover.png"', True, False),
    (None, True, False),  # a page
    (None, False, True),  # a type the web view cannot show
    ('inline; filename="book.epub"', False, True),
])
def test_an_attachment_or_a_type_the_window_cannot_show_is_saved(disposition, type_shown, saved):
    assert is_download(disposition, type_shown) is saved

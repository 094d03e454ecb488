"""The shell's /_desktop/clipboard-image: the clipboard's image as PNG, for the window's page."""

from types import SimpleNamespace

from django_desktop_shell import native

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def test_the_clipboards_image_nothing_and_outside_the_window(client, monkeypatch):
    monkeypatch.setattr(native, "functions", SimpleNamespace(clipboard_image=lambda: b"\x89PNG\r\n\x1a\nimage"))
    answer = client.post("/_desktop/clipboard-image", **XHR)
    assert answer.status_code == 200 and answer["Content-Type"] == "image/png" and answer.content == b"\x89PNG\r\n\x1a\nimage"
    monkeypatch.setattr(native, "functions", SimpleNamespace(clipboard_image=lambda: None))
    assert client.post("/_desktop/clipboard-image", **XHR).status_code == 204
    monkeypatch.setattr(native, "functions", None)
    refused = client.post("/_desktop/clipboard-image", **XHR)
    assert refused.status_code == 409 and refused.json()["error"] == "A browser gives the page a pasted image itself."
    assert client.get("/_desktop/clipboard-image", **XHR).status_code == 405

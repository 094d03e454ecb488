"""A minimal Django + waitress desktop app, the start-up benchmark's peer: a page whose script
fetches one JSON list and paints it, in a pywebview window, or with --flaskwebgui in Chromium's
app mode through flaskwebgui. Prints `LOADED <wall-clock time>` on pywebview's loaded event.
Usage: minimal_app.py [--flaskwebgui]
"""

import sys
import threading
import time

import waitress
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse, JsonResponse
from django.urls import path

PAGE = """<!doctype html><html lang="en"><meta charset="utf-8"><title>Minimal</title>
<style>body { font: 15px sans-serif; background: #f5f6fa; margin: 24px; }</style>
<h1>Notes</h1><ul id="notes"></ul>
<script>
fetch("/api/notes/").then((answer) => answer.json()).then((notes) => {
  document.getElementById("notes").replaceChildren(...notes.map((note) => {
    const item = document.createElement("li");
    item.textContent = note.title;
    return item;
  }));
});
</script></html>"""
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]

settings.configure(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["127.0.0.1"], SECRET_KEY="bench", MIDDLEWARE=[])
urlpatterns = [
    path("", lambda request: HttpResponse(PAGE)),
    path("api/notes/", lambda request: JsonResponse([{"title": f"Note {n}"} for n in range(1, 31)], safe=False)),
]


def main(flaskwebgui: bool) -> None:
    server = waitress.create_server(get_wsgi_application(), host="127.0.0.1", port=0)
    url = f"http://127.0.0.1:{server.effective_port}/"
    if flaskwebgui:
        from flaskwebgui import FlaskUI

        FlaskUI(server=server.run, port=server.effective_port, width=800, height=600,
                browser_path="/usr/bin/chromium", extra_flags=CHROMIUM_FLAGS).run()
        return
    import webview

    threading.Thread(target=server.run, daemon=True).start()
    window = webview.create_window("Minimal", url)
    window.events.loaded += lambda: print(f"LOADED {time.time():.6f}", flush=True)
    webview.start(gui="gtk" if sys.platform.startswith("linux") else None, private_mode=True)


if __name__ == "__main__":
    main("--flaskwebgui" in sys.argv[1:])

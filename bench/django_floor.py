"""The Django floor for the AJAX benchmark: Django with no middleware at all, one JSON view (the
same answer as the app's /ajax/fetch_json/), served by waitress on a free loopback port with the
threads Notedesk's server uses. What the app's JSON GET costs beyond it is the shell's and the
site's layers (security headers, CSP, Host check, gate, session, CSRF, WhiteNoise).

With --shell-server it is served by the shell's own server thread instead of waitress as it
comes (the same waitress, with the shell's channel: an answer's headers and body in one write), so
that the app's ratio to it is what the layers above the server cost, and nothing else.

Prints `READY http://127.0.0.1:PORT/` and serves until it is stopped.
Usage: django_floor.py [--shell-server]
"""

import logging
import sys

import django
import waitress
from django.conf import settings
from django.http import JsonResponse
from django.urls import path

from django_desktop_shell.process.server import LOOPBACK, ServerThread, bind_loopback

SERVER_THREADS = 4


def fetch_json_data(request):
    response = JsonResponse({"user": "John Doe", "email": "john@example.com"})
    # Without it waitress chunks the answer, which costs a keep-alive client a round trip; the
    # app's CommonMiddleware sets it, and the floor must not lose on that.
    response["Content-Length"] = len(response.content)
    return response


urlpatterns = [path("", fetch_json_data)]

if __name__ == "__main__":
    settings.configure(DEBUG=False, ALLOWED_HOSTS=[LOOPBACK], ROOT_URLCONF=__name__, MIDDLEWARE=[],
                       INSTALLED_APPS=[], SECRET_KEY="bench-only", USE_TZ=True)
    django.setup()
    from django.core.wsgi import get_wsgi_application

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    if "--shell-server" in sys.argv[1:]:
        shell_server = ServerThread(get_wsgi_application(), bind_loopback(0), threads=SERVER_THREADS).start()
        print(f"READY {shell_server.origin}/", flush=True)
        shell_server.thread.join()
    else:
        server = waitress.create_server(get_wsgi_application(), host=LOOPBACK, port=0, threads=SERVER_THREADS)
        print(f"READY http://{LOOPBACK}:{server.effective_port}/", flush=True)
        server.run()

"""Where the JSON GET's time goes in Django, in-process: each layer of Notedesk's MIDDLEWARE alone,
around a view answering the JSON of /ajax/fetch_json/, on the request the window sends (the
session and CSRF cookies, X-Requested-With, Accept: application/json); then the whole stack
(the site's own URLconf and view) beside the same stack with no middleware. CPU time of the
thread (a busy machine changes it far less than the wall clock), the best of R repeats of N
requests. Not in `make bench`: run it before and after a change to a layer.

Usage: python -m bench.layers [--repeats 25] [--requests 2000]
"""

import argparse
import io
import shutil
import sys
import time
import timeit

from bench.common import ROOT, data_dir, machine, print_table, write_results

PATH = "/ajax/fetch_json/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=25)
    parser.add_argument("--requests", type=int, default=2000, help="requests per repeat")
    args = parser.parse_args()
    facts = machine()

    from django_desktop_shell import identity, runtime
    from django_desktop_shell.process import site

    folder = data_dir("layers")
    run = runtime.Runtime(identity=identity.load(ROOT), data_dir=folder, port=8765, browser=True)
    site.configure(run)
    site.start()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
    from django.http import JsonResponse
    from django.test.utils import override_settings
    from django.utils.module_loading import import_string

    window_environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": PATH, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": str(run.port), "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "SCRIPT_NAME": "",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.errors": sys.stderr, "HTTP_HOST": settings.DESKTOP_SESSION_HOST,
        "HTTP_COOKIE": f"{settings.DESKTOP_SESSION_COOKIE}={run.session_token}; csrftoken={'c' * 32}",
        "HTTP_X_REQUESTED_WITH": "XMLHttpRequest", "HTTP_ACCEPT": "application/json",
    }

    def environ() -> dict:
        return {**window_environ, "wsgi.input": io.BytesIO(b"")}

    def view(request):
        return JsonResponse({"user": "John Doe", "email": "john@example.com"})

    def cost_us(call) -> float:
        return min(timeit.repeat(call, number=args.requests, repeat=args.repeats, timer=time.thread_time)) / args.requests * 1e6

    def through(layer):
        """The layer's whole part in a request, as Django's handler calls it (process_view included)."""
        if not hasattr(layer, "process_view"):
            return layer
        return lambda request: layer.process_response(request, layer.process_request(request)
                                                      or layer.process_view(request, view, (), {}) or view(request))

    def served(handler):
        def call():
            body = handler(environ(), lambda status, headers, exc_info=None: None)
            b"".join(body)
            body.close()
        return call

    bare = cost_us(lambda: view(WSGIRequest(environ())))
    results = {"request and answer alone": round(bare, 2)}
    for path in settings.MIDDLEWARE:
        layer = through(import_string(path)(view))
        if layer(WSGIRequest(environ())).status_code != 200:
            raise SystemExit(f"{path} refused the window's request")
        results[path] = round(cost_us(lambda: layer(WSGIRequest(environ()))) - bare, 2)
    with override_settings(MIDDLEWARE=[]):
        no_middleware = WSGIHandler()
    stacks = {"the whole stack": served(WSGIHandler()), "the whole stack without middleware": served(no_middleware)}
    for name, call in stacks.items():  # interleaved, so a busy moment hits both
        results[name] = round(min(cost_us(call) for _ in range(2)), 2)

    shutil.rmtree(folder, ignore_errors=True)
    print_table(f"Django's CPU time per GET {PATH} (best of {args.repeats} × {args.requests}, µs)", ["part", "µs"],
                [[name.rsplit(".", 1)[-1], f"{value:.1f}"] for name, value in results.items()])
    write_results("layers", facts, f"in-process, thread CPU time, best of {args.repeats} repeats of {args.requests} "
                  "requests; each layer's figure is its call around a view minus the view and the request alone",
                  results=results)


if __name__ == "__main__":
    main()

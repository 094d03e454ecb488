"""The update banner, with no JavaScript of the site's own: while this run has an updater, every
HTML page the site answers gets one module script tag (same origin, so any 'self' CSP
allows it), /static/desktop_shell/updates.js, which polls /_desktop/updates/status and shows a
small bar: the download's progress, "Restart to update", or what became of the last update.

A site that wants its own UI sets DESKTOP_UPDATE_BANNER = False and polls the status route.
"""

from django.conf import settings
from django.templatetags.static import static

from django_desktop_shell.errors import wants_json

from django_desktop_shell.updates import service

BODY_END = b"</body>"
SCRIPT_TAG = '<script type="module" src="{}"></script>'


class UpdateBannerMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if service.current is None or not getattr(settings, "DESKTOP_UPDATE_BANNER", True):
            return response
        if (response.status_code != 200 or response.streaming or "html" not in response.get("Content-Type", "")
                or request.path_info.startswith("/_desktop/") or response.get("Content-Encoding")):
            return response
        index = response.content.rfind(BODY_END)
        if index < 0:
            # HTML lets </body> out (Django's tutorial pages have none): a page the window navigated
            # to gets the tag at its end; a fragment a script asked for is left alone.
            if not navigation(request):
                return response
            index = len(response.content)
        tag = SCRIPT_TAG.format(static("desktop_shell/updates.js")).encode()
        response.content = response.content[:index] + tag + response.content[index:]
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response


def navigation(request) -> bool:
    return (request.headers.get("Sec-Fetch-Dest", "document") == "document" and "HX-Request" not in request.headers
            and not wants_json(request))

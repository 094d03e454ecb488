"""Every answer's security headers and its length, added in one step, after every other layer.

Django's SecurityMiddleware and XFrameOptionsMiddleware and django-csp's CSPMiddleware make them.
For an ordinary answer (no CSP nonce used, no per-view policy or exemption, plain HTTP) what the
three add depends on the settings alone: so they run once on a blank answer, and each ordinary
answer gets a copy of the headers they gave, where it does not carry its own. As three layers
they cost a small JSON answer about a quarter of Django's time (docs/performance.md). Any other
answer goes through the three as they are.

Not to be kept: an answer that says nothing of caching gets `Cache-Control: no-store`. The site's
answers are the person's own data (a note's JSON, a page listing the notes), and a browser's disk
cache (`--browser`: the person's profile; the window: WebKit's, in the data folder) kept them,
outside the database, after they were deleted for good. Static files say how long they keep.

The length: waitress sends an answer without Content-Length in chunks, one more write and one
more packet for the client to wait for (Django's CommonMiddleware sets it, but a project need not
use that).
"""

from csp.constants import HEADER, NONE, SELF
from csp.middleware import CheckableLazyObject, CSPMiddleware
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware

# What a view, a decorator or a template sets to make its answer differ from the settings' one.
PER_ANSWER_ATTRIBUTES = frozenset({
    "_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro",
    "_csp_exempt", "_csp_exempt_ro", "xframe_options_exempt",
})
# django-csp leaves these alone in DEBUG, where they are Django's technical pages.
DEBUG_PAGE_STATUSES = (404, 500)
# What request.csp_nonce is once the policy is written, as django-csp leaves it: reading it raises.
# Never evaluated to a value, so one serves every request.
NOT_KEPT = ("Cache-Control", "no-store")
NONCE_AFTER_ANSWER = CheckableLazyObject(CSPMiddleware._csp_nonce_post_response)


def directives(policy: str) -> set[str]:
    """A policy's directives, in any order: django-csp writes them in a set's order."""
    return {part.strip() for part in policy.split(";")}


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.security = SecurityMiddleware(get_response)
        self.csp = CSPMiddleware(get_response)
        self.xframe = XFrameOptionsMiddleware(get_response)
        # The headers the settings give, and whether a policy leaves some paths out (then django-csp
        # decides path by path); built on first use, again after a change of settings.
        self.from_settings: tuple[list[tuple[str, tuple[str, str]]], bool] | None = None
        setting_changed.connect(self.forget_settings)

    def __call__(self, request):
        response = self.security.process_request(request) if self.security.redirect else None
        if response is None:
            self.csp.process_request(request)
            response = self.get_response(request)
        return self.process_response(request, response)

    def process_response(self, request, response):
        if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN" or getattr(response, "xframe_options_exempt", False):
            self.let_own_pages_frame(response)
        if not self.is_ordinary(request, response):
            for middleware in (self.xframe, self.csp, self.security):
                response = middleware.process_response(request, response)
            if not response.streaming and "Content-Length" not in response.headers:
                response.headers["Content-Length"] = str(len(response.content))
            response.headers.setdefault("Cache-Control", "no-store")
            return response
        # Straight into the headers' store, keyed by the lower-case name as ResponseHeaders keeps it:
        # these values were checked when the blank answer got them, and checking them again on
        # every answer (ResponseHeaders.__setitem__) was a tenth of Django's time on a small one.
        store = response.headers._store
        for key, header in self.settings_view()[0]:
            if key not in store:
                store[key] = header
        if not response.streaming and "content-length" not in store:
            store["content-length"] = ("Content-Length", str(len(response.content)))
        if "cache-control" not in store:
            store["cache-control"] = NOT_KEPT
        request.csp_nonce = NONCE_AFTER_ANSWER
        return response

    def let_own_pages_frame(self, response) -> None:
        """A view that lets pages frame its answer (Django's xframe_options_sameorigin or
        xframe_options_exempt: an editor's live preview, a page embedded in another) is framed by the
        app's own pages: browsers obey the policy's frame-ancestors over X-Frame-Options, and the
        shell's 'none' left such a frame empty. Other origins still may not frame it."""
        per_view = (getattr(response, name, None) or {} for name in ("_csp_config", "_csp_update", "_csp_replace"))
        if any("frame-ancestors" in directives for directives in per_view):
            return
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        if list(policy.get("DIRECTIVES", {}).get("frame-ancestors", ())) != [NONE]:
            return
        response._csp_replace = {**(getattr(response, "_csp_replace", None) or {}), "frame-ancestors": [SELF]}
        # An answer made by a request of its own inside this one (Wagtail renders a preview through
        # the whole middleware chain) already has the settings' policy, which django-csp would keep.
        settings_policy = dict(self.settings_view()[0]).get(HEADER.lower(), (None, None))[1]
        if settings_policy is not None and HEADER in response and directives(response[HEADER]) == directives(settings_policy):
            del response[HEADER]

    def is_ordinary(self, request, response) -> bool:
        return (
            getattr(request, "_csp_nonce", None) is None
            and PER_ANSWER_ATTRIBUTES.isdisjoint(vars(response))
            and not (response.status_code in DEBUG_PAGE_STATUSES and settings.DEBUG)
            and not self.settings_view()[1]
            and not (self.security.sts_seconds and request.is_secure())  # HSTS goes on HTTPS answers only
        )

    def settings_view(self) -> tuple[list[tuple[str, tuple[str, str]]], bool]:
        if self.from_settings is None:
            blank_request, blank = HttpRequest(), HttpResponse()
            blank_request.path = blank_request.path_info = "/"
            before = set(blank.headers)
            for middleware in (self.xframe, self.csp, self.security):
                blank = middleware.process_response(blank_request, blank)
            excludes_paths = any((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES")
                                 for setting in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"))
            added = [(name.lower(), (name, value)) for name, value in blank.items() if name not in before]
            self.from_settings = added, excludes_paths
        return self.from_settings

    def forget_settings(self, **kwargs) -> None:
        self.from_settings = None

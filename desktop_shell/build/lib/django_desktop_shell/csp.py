"""django-csp's middleware, with the settings' policy built once rather than on every answer.

Building the Content-Security-Policy header took about a third of the time Django spent on a
small JSON answer (docs/performance.md). Here an answer whose policy is the settings' one gets
the header built for the current settings object. An answer that used a nonce or carries a
per-view policy (the csp_update, csp_replace or csp decorators) goes through django-csp as it is.
"""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings

PER_VIEW_POLICY = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
# (report only?, the header, its setting, the attribute csp_exempt sets on the answer)
POLICIES = (
    (False, HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt"),
    (True, HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro"),
)
DEBUG_PAGE_STATUSES = (404, 500)


class CachedPolicyCSPMiddleware(CSPMiddleware):
    def __init__(self, get_response):
        super().__init__(get_response)
        self.built: dict[bool, tuple[object, str]] = {}  # report only? -> (the setting's value, its header)

    def settings_policy(self, report_only: bool, setting: str) -> str:
        current = getattr(settings, setting, None)
        cached = self.built.get(report_only)
        if cached is None or cached[0] is not current:  # first use, or the settings were overridden
            cached = self.built[report_only] = (current, build_policy(report_only=report_only))
        return cached[1]

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(hasattr(response, name) for name in PER_VIEW_POLICY):
            return super().process_response(request, response)
        # From here on, what CSPMiddleware.process_response does for such an answer.
        if response.status_code in DEBUG_PAGE_STATUSES and settings.DEBUG:
            return response
        for report_only, header, setting, exempt in POLICIES:
            policy = self.settings_policy(report_only, setting)
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ()
            if (policy and header not in response and getattr(response, exempt, False) is False
                    and not request.path_info.startswith(tuple(prefixes))):
                response[header] = policy
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

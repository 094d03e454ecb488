"""The cached CSP middleware gives every answer the header django-csp's own middleware gives it."""

from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, SELF
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from django_desktop_shell.csp import CachedPolicyCSPMiddleware


def directives(header: str) -> set[str]:
    """A policy's directives, in any order (django-csp's order follows set iteration)."""
    return {part.strip() for part in header.split(";")}


def answer(middleware_class, path="/", prepare=lambda request, response: None):
    request = RequestFactory().get(path)
    response = HttpResponse("ok")
    middleware = middleware_class(lambda request: response)
    middleware.process_request(request)
    prepare(request, response)
    return middleware.process_response(request, response)


def test_a_plain_answer_gets_the_same_policy_as_from_django_csp():
    cached, plain = answer(CachedPolicyCSPMiddleware), answer(CSPMiddleware)
    assert directives(cached[HEADER]) == directives(plain[HEADER])
    assert "frame-ancestors 'none'" in directives(cached[HEADER])
    assert HEADER_REPORT_ONLY not in cached


def test_the_header_follows_changed_settings(settings):
    middleware = CachedPolicyCSPMiddleware(lambda request: HttpResponse("ok"))
    first = middleware(RequestFactory().get("/"))[HEADER]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF], "img-src": ["https://example.org"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    second = middleware(RequestFactory().get("/"))
    assert "frame-ancestors 'none'" in directives(first)
    assert directives(second[HEADER]) == {"default-src 'self'", "img-src https://example.org"}
    assert second[HEADER_REPORT_ONLY] == "default-src 'none'"


def test_exempt_excluded_and_already_set_answers_are_left_alone(settings):
    exempt = answer(CachedPolicyCSPMiddleware, prepare=lambda request, response: setattr(response, "_csp_exempt", True))
    assert HEADER not in exempt
    preset = answer(CachedPolicyCSPMiddleware, prepare=lambda request, response: response.__setitem__(HEADER, "x"))
    assert preset[HEADER] == "x"
    settings.CONTENT_SECURITY_POLICY = {**settings.CONTENT_SECURITY_POLICY, "EXCLUDE_URL_PREFIXES": ["/skip"]}
    assert HEADER not in answer(CachedPolicyCSPMiddleware, path="/skip/this")


def test_per_view_policies_and_nonces_go_through_django_csp(settings):
    update = answer(CachedPolicyCSPMiddleware,
                    prepare=lambda request, response: setattr(response, "_csp_update", {"img-src": ["https://cdn.example"]}))
    assert "https://cdn.example" in update[HEADER]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
    nonce = {}
    with_nonce = answer(CachedPolicyCSPMiddleware,
                        prepare=lambda request, response: nonce.setdefault("value", str(request.csp_nonce)))
    assert f"'nonce-{nonce['value']}'" in with_nonce[HEADER]
    without_nonce = answer(CachedPolicyCSPMiddleware)
    assert "nonce-" not in without_nonce[HEADER]

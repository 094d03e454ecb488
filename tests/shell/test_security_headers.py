"""The shell's one header middleware gives every answer the headers Django's SecurityMiddleware,
django-csp's CSPMiddleware and Django's XFrameOptionsMiddleware give it, and its length."""

from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, SELF
from csp.middleware import CSPMiddleware
from django.http import HttpResponse, StreamingHttpResponse
from django.templatetags.static import static
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory
from django.views.decorators.clickjacking import xframe_options_exempt, xframe_options_sameorigin

from django_desktop_shell.headers import SecurityHeadersMiddleware


def directives(header: str) -> set[str]:
    """A policy's directives, in any order (django-csp's order follows set iteration)."""
    return {part.strip() for part in header.split(";")}


def answer(view=lambda request: HttpResponse("ok"), path="/", secure=False):
    request = RequestFactory().get(path, secure=secure)
    return SecurityHeadersMiddleware(view)(request)


def through_djangos_own(view=lambda request: HttpResponse("ok")):
    chain = SecurityMiddleware(CSPMiddleware(XFrameOptionsMiddleware(view)))
    return chain(RequestFactory().get("/"))


def comparable(response) -> dict:
    headers = dict(response.items())
    headers[HEADER] = directives(headers[HEADER])
    return headers


def test_an_answer_gets_the_headers_djangos_middleware_gives_it_and_its_length():
    ours = answer()
    assert comparable(ours) == {**comparable(through_djangos_own()), "Content-Length": "2", "Cache-Control": "no-store"}
    assert ours["X-Frame-Options"] == "DENY" and ours["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in directives(ours[HEADER])
    assert HEADER_REPORT_ONLY not in ours


def test_an_answer_is_not_kept_in_a_cache_unless_it_says_how_long(client, db):
    # An outside trial: in a browser (--browser), a note's JSON and the page listing the notes were
    # in the person's browser cache, outside the data folder, after the note was deleted for good.
    assert client.get("/")["Cache-Control"] == "no-store"
    assert answer(lambda request: HttpResponse("ok", headers={"Cache-Control": "max-age=60"}))["Cache-Control"] == "max-age=60"
    exempt = HttpResponse("ok")
    exempt._csp_exempt = True
    assert answer(lambda request: exempt)["Cache-Control"] == "no-store"
    kept = client.get(static("desktop_shell/probe.js"))
    assert (kept.status_code, "immutable" in kept["Cache-Control"]) == (200, True)


def test_the_headers_follow_changed_settings(settings):
    middleware = SecurityHeadersMiddleware(lambda request: HttpResponse("ok"))
    first = middleware(RequestFactory().get("/"))
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF], "img-src": ["https://example.org"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    settings.X_FRAME_OPTIONS = "SAMEORIGIN"
    second = middleware(RequestFactory().get("/"))
    assert "frame-ancestors 'none'" in directives(first[HEADER]) and first["X-Frame-Options"] == "DENY"
    assert directives(second[HEADER]) == {"default-src 'self'", "img-src https://example.org"}
    assert second[HEADER_REPORT_ONLY] == "default-src 'none'"
    assert second["X-Frame-Options"] == "SAMEORIGIN"


def test_exempt_excluded_and_already_set_answers_are_left_alone(settings):
    def exempt_view(request):
        response = HttpResponse("ok")
        response._csp_exempt = True
        return response

    assert HEADER not in answer(exempt_view)
    assert answer(lambda request: HttpResponse("ok", headers={HEADER: "x"}))[HEADER] == "x"
    assert answer(lambda request: HttpResponse("ok", headers={"X-Frame-Options": "SAMEORIGIN"}))["X-Frame-Options"] == "SAMEORIGIN"
    assert "X-Frame-Options" not in answer(xframe_options_exempt(lambda request: HttpResponse("ok")))
    settings.CONTENT_SECURITY_POLICY = {**settings.CONTENT_SECURITY_POLICY, "EXCLUDE_URL_PREFIXES": ["/skip"]}
    assert HEADER not in answer(path="/skip/this")
    assert HEADER in answer(path="/other")


def test_an_answer_its_view_lets_pages_frame_is_framed_by_the_apps_own_pages(settings):
    """A live preview in an iframe of the app's editor (Wagtail's, Django's xframe_options_sameorigin)
    drew nothing: the policy's frame-ancestors 'none' outranks X-Frame-Options in browsers."""
    framed = answer(xframe_options_sameorigin(lambda request: HttpResponse("preview")))
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in directives(framed[HEADER])
    assert "frame-ancestors 'self'" in directives(answer(xframe_options_exempt(lambda request: HttpResponse("ok")))[HEADER])
    set_by_hand = answer(lambda request: HttpResponse("ok", headers={"X-Frame-Options": "sameorigin"}))
    assert "frame-ancestors 'self'" in directives(set_by_hand[HEADER])
    assert "frame-ancestors 'none'" in directives(answer()[HEADER])

    # Wagtail renders its preview as a request of its own through the whole middleware chain, so
    # the answer its preview view returns already carries the settings' headers; the view then sets
    # X-Frame-Options: SAMEORIGIN over them.
    def preview_view(request):
        response = SecurityHeadersMiddleware(lambda request: HttpResponse("preview"))(RequestFactory().get("/page/"))
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    preview = answer(preview_view)
    assert "frame-ancestors 'self'" in directives(preview[HEADER])
    assert answer(lambda request: HttpResponse("ok", headers={"X-Frame-Options": "SAMEORIGIN", HEADER: "x"}))[HEADER] == "x"

    def own_frame_ancestors(request):
        response = xframe_options_sameorigin(lambda request: HttpResponse("ok"))(request)
        response._csp_update = {"frame-ancestors": ["https://partner.example"]}
        return response

    assert "frame-ancestors 'none' https://partner.example" in directives(answer(own_frame_ancestors)[HEADER])
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF], "frame-ancestors": ["https://partner.example"]}}
    assert "frame-ancestors https://partner.example" in directives(answer(xframe_options_sameorigin(lambda request: HttpResponse("ok")))[HEADER])


def test_per_view_policies_and_nonces_go_through_django_csp(settings):
    def updating_view(request):
        response = HttpResponse("ok")
        response._csp_update = {"img-src": ["https://cdn.example"]}
        return response

    assert "https://cdn.example" in answer(updating_view)[HEADER]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
    nonce = {}

    def nonce_view(request):
        nonce["value"] = str(request.csp_nonce)
        return HttpResponse(f"<script nonce='{nonce['value']}'></script>")

    with_nonce = answer(nonce_view)
    assert f"'nonce-{nonce['value']}'" in with_nonce[HEADER]
    assert "nonce-" not in answer()[HEADER]


def test_https_answers_get_hsts_when_the_settings_ask_for_it(settings):
    settings.SECURE_HSTS_SECONDS = 3600
    assert answer(secure=True)["Strict-Transport-Security"] == "max-age=3600"
    assert "Strict-Transport-Security" not in answer(secure=False)


def test_a_streamed_answer_gets_no_length():
    streamed = answer(lambda request: StreamingHttpResponse(iter([b"a", b"b"])))
    assert "Content-Length" not in streamed and streamed["X-Frame-Options"] == "DENY"


def test_only_a_browser_gets_the_cross_origin_opener_policy(tmp_path):
    """In the app's window the header bought nothing and cost a second web process at each launch."""
    from django_desktop_shell import runtime
    from django_desktop_shell.settings import desktop_settings

    ours = runtime.current
    policies = {}
    for browser in (False, True):
        runtime.configure(runtime.Runtime(identity=ours.identity, data_dir=tmp_path, port=8765, browser=browser))
        try:
            namespace = {}
            desktop_settings(namespace)
        finally:
            runtime.configure(ours)
        policies[browser] = namespace["SECURE_CROSS_ORIGIN_OPENER_POLICY"]
    assert policies == {False: None, True: "same-origin"}

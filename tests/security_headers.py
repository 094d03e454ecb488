"""The security headers every answer carries, on the desktop and on a server."""

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def assert_security_headers(response):
    for header, value in SECURITY_HEADERS.items():
        assert response[header] == value, header
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    # Neither falls back to default-src: without them an injected <base> or <form> sends the page's
    # scripts' requests, or what the person types, to another site.
    assert "base-uri 'none'" in policy and "form-action 'self'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-eval" not in policy and "unsafe-inline" not in policy

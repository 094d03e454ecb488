"""/ajax/submit/'s 400 says the field's problem in `error` itself, and keeps `fields`."""

import json

import pytest

from tests.test_ajax_patterns import XHR, csrf_token_from


@pytest.mark.parametrize(
    "payload, error",
    [
        ({}, "Username: This field is required."),
        ({"username": "  "}, "Username: This field is required."),
        ({"username": "x" * 2000}, "Username: Ensure this value has at most 150 characters (it has 2000)."),
    ],
)
def test_a_bad_username_is_400_with_the_reason_in_error_and_fields(csrf_client, payload, error):
    token = csrf_token_from(csrf_client)
    response = csrf_client.post(
        "/ajax/submit/", json.dumps(payload), content_type="application/json", HTTP_X_CSRFTOKEN=token, **XHR
    )
    assert response.status_code == 400
    assert response.json() == {"error": error, "fields": {"username": [error.removeprefix("Username: ")]}}

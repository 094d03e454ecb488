"""The tutorial's endpoints through Django's test client, errors included."""

import json
import re

import pytest

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def csrf_token_from(client) -> str:
    return str(client.get("/ajax/data/").context["csrf_token"])


def test_data_answers_json_to_xhr(client):
    response = client.get("/ajax/data/", **XHR)
    assert response.status_code == 200
    assert response.json() == {"message": "Hello, this is your data!"}


def test_data_answers_the_patterns_page_to_a_plain_get(client):
    response = client.get("/ajax/data/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>AJAX patterns" in html
    for element in ('id="loadData"', 'id="response"', 'id="username"', 'id="submitButton"'):
        assert element in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_submit_greets_a_formdata_username(csrf_client):
    token = csrf_token_from(csrf_client)
    response = csrf_client.post("/ajax/submit/", {"username": "Ada"}, HTTP_X_CSRFTOKEN=token, **XHR)
    assert response.status_code == 200
    assert response.json() == {"message": "Hello, Ada!"}


def test_submit_greets_a_json_username(csrf_client):
    token = csrf_token_from(csrf_client)
    response = csrf_client.post(
        "/ajax/submit/", json.dumps({"username": "John Doe"}), content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    assert response.json() == {"message": "Hello, John Doe!"}


def test_submit_accepts_the_token_as_a_form_field(csrf_client):
    token = csrf_token_from(csrf_client)
    response = csrf_client.post("/ajax/submit/", {"username": "Grace", "csrfmiddlewaretoken": token}, **XHR)
    assert response.json() == {"message": "Hello, Grace!"}


def test_submit_without_csrf_token_is_403_json(csrf_client):
    response = csrf_client.post("/ajax/submit/", {"username": "Ada"}, **XHR)
    assert response.status_code == 403
    assert "security token" in response.json()["error"]


@pytest.mark.parametrize("body", ["{not json", '{"a":' * 2000])  # the second: too deep for json's recursion
def test_submit_with_malformed_json_is_400(csrf_client, body):
    token = csrf_token_from(csrf_client)
    response = csrf_client.post(
        "/ajax/submit/", body, content_type="application/json", HTTP_X_CSRFTOKEN=token, **XHR
    )
    assert response.status_code == 400
    assert response.json() == {"error": "The body is not valid JSON."}


@pytest.mark.parametrize("body", ["[1, 2]", '"Ada"', "null"])
def test_submit_with_json_that_is_not_an_object_is_400(csrf_client, body):
    token = csrf_token_from(csrf_client)
    response = csrf_client.post(
        "/ajax/submit/", body, content_type="application/json", HTTP_X_CSRFTOKEN=token, **XHR
    )
    assert response.status_code == 400
    assert response.json()["error"] == "The JSON body must be an object."


@pytest.mark.parametrize("payload", [{}, {"username": ""}, {"username": "   "}])
def test_submit_without_username_is_400_with_the_field_error(csrf_client, payload):
    token = csrf_token_from(csrf_client)
    response = csrf_client.post(
        "/ajax/submit/", json.dumps(payload), content_type="application/json", HTTP_X_CSRFTOKEN=token, **XHR
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"username": ["This field is required."]}


@pytest.mark.parametrize("username, problem", [
    (5, "Enter text (a JSON string)."), ({"a": 1}, "Enter text (a JSON string)."), (["x"], "Enter text (a JSON string)."),
    (True, "Enter text (a JSON string)."), ("\udc80", "half of a surrogate pair"),
])
def test_submit_with_a_json_username_that_is_no_text_is_400_naming_it(csrf_client, username, problem):
    token = csrf_token_from(csrf_client)
    response = csrf_client.post("/ajax/submit/", json.dumps({"username": username}), content_type="application/json",
                                HTTP_X_CSRFTOKEN=token, **XHR)
    assert response.status_code == 400
    assert problem in response.json()["fields"]["username"][0]
    assert response.json()["error"].startswith("Username: ")


def test_submit_with_an_overlong_username_is_400(csrf_client):
    token = csrf_token_from(csrf_client)
    response = csrf_client.post("/ajax/submit/", {"username": "x" * 151}, HTTP_X_CSRFTOKEN=token, **XHR)
    assert response.status_code == 400
    assert "at most 150 characters" in response.json()["fields"]["username"][0]


def test_submit_refuses_get_with_405_json_naming_post(client):
    response = client.get("/ajax/submit/", **XHR)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "POST" in response.json()["error"]


def test_submit_refuses_get_with_a_readable_page_for_a_browser(client):
    response = client.get("/ajax/submit/")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("text/html")
    assert "405 Method Not Allowed" in response.content.decode()


def test_fetch_json_returns_an_object(client):
    response = client.get("/ajax/fetch_json/")
    assert response.json() == {"user": "John Doe", "email": "john@example.com"}


def test_fragment_is_server_rendered_html(client):
    response = client.get("/ajax/fragment/", **XHR)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert '<div class="server-card">' in response.content.decode()


def test_the_fragments_server_time_names_the_zone_it_is_in(client, settings):
    """It said "UTC" after the time of the computer's zone (on a server, the person's)."""
    settings.TIME_ZONE = "Asia/Tokyo"
    card = client.get("/ajax/fragment/", **XHR).content.decode()
    assert re.search(r"\d\d:\d\d:\d\d JST</time>", card), card


def test_unknown_url_is_404_json_for_ajax(client):
    response = client.get("/ajax/nowhere/", HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert response.json() == {"error": "Nothing is at /ajax/nowhere/."}


def test_unknown_url_is_a_readable_404_page_for_a_browser(client):
    response = client.get("/nowhere/")
    assert response.status_code == 404
    assert "404 Not Found" in response.content.decode()


def test_home_links_to_the_patterns_page(client, local_owner_made):
    response = client.get("/")
    assert 'href="/ajax/data/"' in response.content.decode()

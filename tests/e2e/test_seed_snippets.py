"""The tutorial's own client snippets (sections 1, 4, 6, 7 and 9) work verbatim on the page.

The page's own handlers are taken off the two buttons first, so only the tutorial's code runs.
{{ csrf_token }} is rendered the way Django's template engine renders it: the page's token.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e import seed

pytestmark = pytest.mark.browser
SHARED_SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "ajax-in-django.md"


@pytest.fixture
def bare_page(page, live_app):
    page.goto(live_app.launch_url("/ajax/data/"))
    page.evaluate("""() => {
        for (const id of ['loadData', 'submitButton']) {
            const button = document.getElementById(id);
            button.replaceWith(button.cloneNode(true));
        }
    }""")
    return page


def page_csrf_token(page) -> str:
    return page.input_value("input[name=csrfmiddlewaretoken]")


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="the shared seed is not beside this checkout")
def test_our_copy_of_the_tutorial_is_the_seed():
    assert seed.TUTORIAL.read_bytes() == SHARED_SEED.read_bytes()


def test_section_1_xhr_get_fills_the_response_div(bare_page):
    bare_page.evaluate(seed.load_data_snippet())
    bare_page.click("#loadData")
    expect(bare_page.locator("#response")).to_have_text('{"message": "Hello, this is your data!"}')


def test_section_4_formdata_post_with_the_csrf_token(bare_page):
    snippet = seed.render_csrf_token(seed.submit_snippet_with_csrf_token(), page_csrf_token(bare_page))
    bare_page.evaluate(snippet)
    bare_page.fill("#username", "Ada")
    bare_page.click("#submitButton")
    expect(bare_page.locator("#response")).to_have_text('{"message": "Hello, Ada!"}')


def test_section_6_fetch_json_logs_the_object(bare_page):
    with bare_page.expect_console_message(lambda message: message.type == "log") as logged:
        bare_page.evaluate(seed.fetch_json_snippet())
    assert logged.value.args[0].json_value() == {"user": "John Doe", "email": "john@example.com"}


def test_section_7_template_token_json_post(bare_page):
    bare_page.evaluate(seed.render_csrf_token(seed.template_snippet(), page_csrf_token(bare_page)))
    with bare_page.expect_console_message(lambda message: message.type == "log") as logged:
        bare_page.evaluate("sendData()")
    assert logged.value.args[0].json_value() == {"message": "Hello, John Doe!"}


def test_section_9_fetch_error_handling_alerts_on_a_non_ok_answer(bare_page):
    _, fetch_check = seed.error_snippets()
    with bare_page.expect_event("dialog") as dialog_info:
        # Run without awaiting the promise: it settles only once the alert is dismissed.
        bare_page.evaluate(f"() => {{ {fetch_check} }}")
    dialog = dialog_info.value
    assert dialog.message == "There was a problem with the fetch operation: Network response was not ok"
    dialog.dismiss()


def test_section_9_xhr_onerror_alerts_when_the_server_is_gone(bare_page, live_app):
    xhr_onerror, _ = seed.error_snippets()
    bare_page.evaluate(f"""() => {{
        var xhr = new XMLHttpRequest();
        xhr.open('GET', '/ajax/data/', true);
        {xhr_onerror}
        window.sendWhenAsked = () => xhr.send();
    }}""")
    live_app.stop()
    with bare_page.expect_event("dialog") as dialog_info:
        bare_page.evaluate("sendWhenAsked()")
    assert dialog_info.value.message == "Request failed"
    dialog_info.value.dismiss()

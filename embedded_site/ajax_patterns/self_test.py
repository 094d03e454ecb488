"""Notedesk's own --self-test check: the tutorial's AJAX patterns work in the real window."""

from django_desktop_shell.self_test import wait_for, window_check

PATTERNS_PATH = "/ajax/data/"


@window_check("the AJAX patterns page: a GET filled it and a CSRF-protected POST answered")
def ajax_patterns_page(window, origin):
    window.load_url(origin + PATTERNS_PATH)
    wait_for(window, f"location.pathname === '{PATTERNS_PATH}' && document.readyState === 'complete'", True,
             "the AJAX patterns page")
    window.run_js("document.getElementById('loadData').click()")
    wait_for(window, "document.getElementById('response').textContent", "Hello, this is your data!", "the AJAX GET result")
    window.run_js("document.getElementById('username').value = 'Self-test';"
                  "document.getElementById('submitButton').click()")
    wait_for(window, "document.getElementById('response').textContent", "Hello, Self-test!",
             "the CSRF-protected POST result")

"""Drives the real window through a single-page app laid out as the guide says (a prebuilt
Vite-like dist/ in tests/shell/single_page_app): a deep link, a reload on it, a client-side route
and Back, a lazily imported route module, a module worker, a style the script sets, a file the
page makes behind `<a download>` and the server's CSV, and the hashed files' caching. Everything
is the real launcher's self-test with one more check, except the save dialog's answer.
Usage: single_page_app.py DATA_DIR SAVE_FOLDER; prints what the page showed at each step.
"""

import sys
import time
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check
from tests.shell.drivers import os_dialogs

SITE = Path(__file__).resolve().parents[1] / "single_page_app"
data_dir, save_folder = Path(sys.argv[1]), Path(sys.argv[2])
suggested = os_dialogs.saving_into(save_folder)
TITLE = "document.querySelector('h1') && document.querySelector('h1').textContent"


def saved(number: int) -> str:
    path = save_folder / f"saved-{number}"
    wait_for_condition(lambda: path.exists() and path.stat().st_size > 0, f"the download saved as {path.name}")
    return path.read_text()


def wait_for_condition(condition, description: str) -> None:
    deadline = time.monotonic() + 20
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {description}")
        time.sleep(0.05)


@window_check("the single-page app worked as in a browser")
def single_page_app(window, origin):
    window.load_url(origin + "/projects/12/edit")
    wait_for(window, TITLE, "Editing project 12", "the deep link's route")
    window.run_js("window.beforeTheReload = true; location.reload()")
    wait_for(window, f"!window.beforeTheReload && {TITLE}", "Editing project 12", "the route after a reload")
    print(f"reloaded: {window.run_js('location.pathname')} {window.run_js(TITLE)}", flush=True)
    window.run_js("document.getElementById('toProject').click()")
    wait_for(window, TITLE, "Page /projects/3", "the client-side route")
    window.run_js("history.back()")
    wait_for(window, TITLE, "Editing project 12", "Back to the first route")
    print(f"back: {window.run_js('location.pathname')}", flush=True)
    window.run_js("doubledByWorker(21).then((answer) => { window.workerAnswer = answer; })")
    wait_for(window, "window.workerAnswer", 42, "the module worker's answer")
    print(f"worker: {int(window.run_js('window.workerAnswer'))}", flush=True)
    print("bar: " + window.run_js("String(Math.round(100 * document.querySelector('.bar').offsetWidth"
                                  " / document.querySelector('section').offsetWidth))"), flush=True)
    window.run_js("fetch('/static/assets/routes-B7yR1mZp.js').then((answer) => {"
                  " window.cacheControl = answer.headers.get('Cache-Control'); })")
    wait_for(window, "typeof window.cacheControl", "string", "the hashed file's headers")
    print(f"hashed file: {window.run_js('window.cacheControl')}", flush=True)
    window.run_js("{ const link = document.createElement('a');"
                  " link.href = URL.createObjectURL(new Blob(['id,name\\n12,Alpha\\n'], {type: 'text/csv'}));"
                  " link.download = 'made-here.csv'; document.body.append(link); link.click(); link.remove(); }")
    print(f"blob download: {saved(1)!r} as {suggested[0]}", flush=True)
    window.run_js("{ const link = document.createElement('a'); link.href = '/api/projects.csv';"
                  " document.body.append(link); link.click(); link.remove(); }")
    print(f"server download: {saved(2)!r} as {suggested[1]}", flush=True)
    print(f"after the downloads: {window.run_js('location.pathname')} {window.run_js(TITLE)}", flush=True)


sys.exit(launcher.main(SITE, ["--self-test", "--data-dir", str(data_dir)]))

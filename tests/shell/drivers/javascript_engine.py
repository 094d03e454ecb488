"""The window's JavaScript engine as the identity table asks: reports whether the web process that
shows the app page was started without the JIT (JavaScriptCore reads JSC_useJIT from its
environment).
Usage: javascript_engine.py PROJECT_DIR DATA_DIR
"""

import os
import sys
from pathlib import Path

import psutil

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check

project_dir, data_dir = Path(sys.argv[1]), Path(sys.argv[2])


def web_process_environments():
    for child in psutil.Process(os.getpid()).children(recursive=True):
        if child.name().startswith("WebKitWebProces"):
            yield child.environ()


@window_check("the web process runs the page's scripts as the identity asks")
def javascript_engine(window, origin):
    wait_for(window, "document.readyState === 'complete' && location.origin", origin, "the app's page")
    values = {environment.get("JSC_useJIT") for environment in web_process_environments()}
    print(f"web processes' JSC_useJIT: {sorted(value or 'unset' for value in values)}", flush=True)


sys.exit(launcher.main(project_dir, ["--self-test", "--data-dir", str(data_dir)]))

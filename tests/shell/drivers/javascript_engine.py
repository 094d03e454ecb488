"""The window's JavaScript engine as the identity table asks: reports whether the web process that
shows the app page was started without the JIT (JavaScriptCore reads JSC_useJIT from its
environment), and how long a compute-heavy script takes there.
Usage: javascript_engine.py PROJECT_DIR DATA_DIR
"""

import os
import sys
from pathlib import Path

import psutil

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check

project_dir, data_dir = Path(sys.argv[1]), Path(sys.argv[2])

COMPUTE = """(() => {
  const t0 = performance.now();
  let x = 0;
  for (let i = 0; i < 3e6; i++) x = (x * 31 + i) % 1000003;
  return Math.round(performance.now() - t0);
})()"""


def web_process_environments():
    for child in psutil.Process(os.getpid()).children(recursive=True):
        if child.name().startswith("WebKitWebProces"):
            yield child.environ()


@window_check("the web process runs the page's scripts as the identity asks")
def javascript_engine(window, origin):
    wait_for(window, "document.readyState === 'complete' && location.origin", origin, "the app's page")
    values = {environment.get("JSC_useJIT") for environment in web_process_environments()}
    print(f"web processes' JSC_useJIT: {sorted(value or 'unset' for value in values)}", flush=True)
    print(f"a compute loop: {window.run_js(COMPUTE)} ms", flush=True)


sys.exit(launcher.main(project_dir, ["--self-test", "--data-dir", str(data_dir)]))

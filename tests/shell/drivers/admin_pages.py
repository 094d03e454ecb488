"""What the drivers that use the polls example's admin in the real window share."""

import subprocess

from django_desktop_shell.self_test import wait_for

PASSWORD = "a long enough passphrase"


def visible_windows(title: str) -> list[str]:
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", title], capture_output=True, text=True, timeout=10)
    return found.stdout.split()


def window_geometry(window_id: str) -> dict[str, int]:
    """X, Y, WIDTH, HEIGHT (and SCREEN) of an X window, as xdotool gives them."""
    geometry = subprocess.run(["xdotool", "getwindowgeometry", "--shell", window_id], capture_output=True, text=True,
                              check=True, timeout=10).stdout
    return {name: int(value) for name, value in (line.split("=") for line in geometry.split())}


def log_in(window, origin, path):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("owner", password=PASSWORD)
    window.load_url(f"{origin}/admin/login/?next={path}")
    wait_for(window, "document.readyState === 'complete' && !!document.getElementById('login-form')", True, "the login")
    window.run_js(f"document.getElementById('id_username').value = 'owner'; document.getElementById('id_password').value = '{PASSWORD}';"
                  "document.getElementById('login-form').submit()")
    wait_for(window, "location.pathname + ' ' + document.readyState", f"{path} complete", path)

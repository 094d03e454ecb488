"""Files and links given to the app from outside: on its command line, or sent by a later launch
over the single-instance channel. Each becomes a typed message:

    {"type": "show"}
    {"type": "open-files", "paths": ["/abs/path.md", …]}
    {"type": "open-url", "url": "notedesk://note/…"}
    {"type": "activate", "token": "…"}

and the window's OpenQueue hands it to the site (django_desktop_shell.opening) once the app's
page is ready, then shows the window. "activate" comes first from a later launch the desktop gave
a token to bring a window forward (Wayland's XDG_ACTIVATION_TOKEN, X11's DESKTOP_STARTUP_ID):
without it, GNOME and KDE say the app "is ready" instead. A running launch of an older version
drops it and takes the rest.
"""

import logging
import os
import queue
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from urllib.parse import urlsplit

from django_desktop_shell.identity import Identity

logger = logging.getLogger(__name__)
SHOW = {"type": "show"}
MAX_PATHS = 100
MAX_TEXT = 4096
URL_START = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # RFC 3986's scheme
WINDOWS_DRIVE = re.compile(r"[A-Za-z]:[\\/]")


class BadTarget(ValueError):
    """A command-line target the app refuses; the message says why."""


def messages_for(targets: list[str], identity: Identity, cwd: Path) -> list[dict]:
    """The messages for the command line's FILE and URL arguments (files made absolute).

    Anything that starts as a URL does (`scheme:`) is one, with or without `//`: a web page's link
    `notedesk:../../.ssh/id_ed25519` reaches the app as that argument, and taken as a path it had
    the app import the person's file as a note. Only a Windows drive (`C:\\`, `C:/`) starts a path."""
    paths, messages = [], []
    for target in targets:
        if not (URL_START.match(target) and not WINDOWS_DRIVE.match(target)):
            try:
                paths.append(os.path.normpath(cwd / Path(target).expanduser()))
            except RuntimeError:  # a ~ the shell left as typed: a user with no home folder, a ~user there is not
                raise BadTarget(f"The file {target} is in a home folder this user has not: name it by a full path.") from None
            continue
        url = urlsplit(target)
        scheme = url.scheme.lower()
        if scheme == "file":  # what a desktop entry's %U gives for a local file
            if url.netloc not in ("", "localhost") or not url.path.startswith("/"):
                raise BadTarget(f"{identity.name} opens only files on this computer, by their full path: not {target}.")
            from urllib.request import url2pathname  # here: a launch with no file: URL imports it after its window

            paths.append(os.path.normpath(url2pathname(url.path)))
        elif scheme in identity.url_schemes:
            messages.append({"type": "open-url", "url": target})
        else:
            raise BadTarget(f"{identity.name} does not open {scheme}: links.")
    if paths:
        messages.insert(0, {"type": "open-files", "paths": paths})
    return messages


def handed_over_messages(messages: list[dict], environ) -> list[dict]:
    """What a later launch sends the running one: the desktop's token to bring a window forward,
    if it gave one, then the files and links, or "show"."""
    token = environ.get("XDG_ACTIVATION_TOKEN") or environ.get("DESKTOP_STARTUP_ID")
    activation = [{"type": "activate", "token": token}] if token and len(token) <= MAX_TEXT else []
    return [*activation, *(messages or [SHOW])]


def refuse_missing_files(messages: list[dict]) -> None:
    """A file named on the command line that is not there is said at the terminal, before a
    window opens or a running one is sent anything (`notedesk nope.md` had said "sent to its
    window" and exited 0)."""
    missing = [path for message in messages if message["type"] == "open-files"
               for path in message["paths"] if not os.path.exists(path)]
    if missing:
        raise BadTarget(f"There is no file {' and no file '.join(missing)}: nothing was opened.")


def valid_message(message) -> dict | None:
    """The message if it is one of the four kinds, well formed; else None."""
    if not isinstance(message, dict):
        return None
    kind = message.get("type")
    if kind == "show" and set(message) == {"type"}:
        return message
    if kind == "activate" and set(message) == {"type", "token"}:
        if isinstance(message["token"], str) and 0 < len(message["token"]) <= MAX_TEXT:
            return message
    if kind == "open-files" and set(message) == {"type", "paths"}:
        paths = message["paths"]
        if (isinstance(paths, list) and 0 < len(paths) <= MAX_PATHS
                and all(isinstance(path, str) and 0 < len(path) <= MAX_TEXT and Path(path).is_absolute() for path in paths)):
            return message
    if kind == "open-url" and set(message) == {"type", "url"}:
        if isinstance(message["url"], str) and 0 < len(message["url"]) <= MAX_TEXT:
            return message
    return None


class OpenQueue:
    """Opens what arrives in the window, in order, each once the app's page is there to show it;
    `bring_forward(activation_token)` shows the window."""

    def __init__(self, identity: Identity, startup: Future, wait_for_app_page: Callable[[], None], show_page_event,
                 bring_forward):
        self.identity, self.startup, self.wait_for_app_page = identity, startup, wait_for_app_page
        self.show_page_event, self.bring_forward = show_page_event, bring_forward
        self.activation_token: str | None = None
        self.pending: queue.Queue = queue.Queue()
        threading.Thread(target=self.work, name="desktop-open", daemon=True).start()

    def put(self, message: dict) -> None:
        self.pending.put(message)

    def work(self) -> None:
        while True:
            message = self.pending.get()
            try:
                self.open(message)
            except Exception:
                logger.exception("Could not open what was sent (%s)", message.get("type"))

    def open(self, message: dict) -> None:
        from django_desktop_shell import opening

        if message["type"] == "activate":
            # For the message the same launch sends next: a second present() without it takes it back.
            self.activation_token = message["token"]
            return
        activation_token, self.activation_token = self.activation_token, None
        self.bring_forward(activation_token)
        if message["type"] == "show":
            return
        try:
            self.startup.result()
        except Exception:
            return  # the window shows why the app did not start
        self.wait_for_app_page()
        if message["type"] == "open-files":
            logger.info("Opening %d file(s) from outside", len(message["paths"]))
            detail = opening.open_files([Path(path) for path in message["paths"]])
        else:
            scheme = urlsplit(message["url"]).scheme.lower()
            if scheme not in self.identity.url_schemes:
                logger.warning("Refused a link of the scheme %r", scheme[:40])
                detail = {"messages": [{"kind": "error", "text": f"{self.identity.name} does not open {scheme}: links."}]}
            else:
                detail = opening.open_url(message["url"])
        self.show_page_event(opening.OPEN_EVENT, detail)

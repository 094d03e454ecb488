"""Files and links from the command line, and the single-instance channel that carries them to a
running window: typed JSON messages, authenticated, anything else ignored."""

import os
import queue
import re
import subprocess
import sys
import threading
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Listener
from pathlib import Path

import pytest

from django_desktop_shell.identity import load
from django_desktop_shell.process import single_instance
from django_desktop_shell.process.cli import parse_args
from django_desktop_shell.process.open_requests import (
    SHOW, BadTarget, handed_over_messages, messages_for, refuse_missing_files, valid_message,
)
from tests.conftest import ROOT

IDENTITY = load(ROOT)


def test_command_line_files_become_absolute_paths_and_app_links_are_kept(tmp_path):
    args = parse_args(["--data-dir", "d", "a.md", "../b.txt", "notedesk://note/5f0c"], IDENTITY)
    assert args.mode == "window"
    assert messages_for(args.targets, IDENTITY, tmp_path / "here") == [
        {"type": "open-files", "paths": [str(tmp_path / "here" / "a.md"), str(tmp_path / "b.txt")]},
        {"type": "open-url", "url": "notedesk://note/5f0c"},
    ]
    assert messages_for(["file:///home/me/My%20notes.md"], IDENTITY, tmp_path) == [
        {"type": "open-files", "paths": ["/home/me/My notes.md"]}]  # a desktop entry's %U
    with pytest.raises(BadTarget, match="does not open https: links"):
        messages_for(["https://example.org"], IDENTITY, tmp_path)


@pytest.mark.parametrize("link", ["notedesk:../../../../root/.ssh/id_ed25519", "NoteDesk:/etc/passwd",
                                  "notedesk:note/5f0c"])
def test_an_app_link_without_slashes_is_a_link_never_a_path(tmp_path, link):
    """A web page's link reaches the app as its argument: read as a path, it had the running app
    import any text file of the person's as a note."""
    assert messages_for([link], IDENTITY, tmp_path) == [{"type": "open-url", "url": link}]


@pytest.mark.parametrize("link, scheme", [("javascript:alert(1)", "javascript"), ("mailto:me@example.org", "mailto"),
                                          ("c:relative.md", "c"), ("data:text/plain,x", "data")])
def test_a_link_of_another_scheme_is_refused_with_or_without_slashes(tmp_path, link, scheme):
    with pytest.raises(BadTarget, match=f"^Notedesk does not open {scheme}: links.$"):
        messages_for([link], IDENTITY, tmp_path)


def test_file_links_become_paths_and_windows_drives_and_bare_names_stay_paths(tmp_path):
    assert messages_for(["file:/home/me/a.md", "file://localhost/home/me/b%23.md", "C:\\notes\\c.md", "D:/d.md",
                         "notes-2024.md", "./x:y.md"], IDENTITY, tmp_path) == [{"type": "open-files", "paths": [
        "/home/me/a.md", "/home/me/b#.md", str(tmp_path / "C:\\notes\\c.md"), str(tmp_path / "D:" / "d.md"),
        str(tmp_path / "notes-2024.md"), str(tmp_path / "x:y.md")]}]


@pytest.mark.parametrize("link", ["file://server/share/a.md", "file:a.md", "file:../../.ssh/id_ed25519"])
def test_a_file_link_to_another_computer_or_without_a_full_path_is_refused(tmp_path, link):
    with pytest.raises(BadTarget, match="opens only files on this computer, by their full path"):
        messages_for([link], IDENTITY, tmp_path)


def test_a_file_that_is_not_there_is_refused_with_its_name(tmp_path):
    (tmp_path / "here.md").write_text("here")
    (tmp_path / "folder").mkdir()
    present = messages_for(["here.md", "folder", "notedesk://note/5f0c"], IDENTITY, tmp_path)
    refuse_missing_files(present)  # a folder is the site's to judge
    with pytest.raises(BadTarget, match=f"^There is no file {tmp_path / 'gone.md'}: nothing was opened.$"):
        refuse_missing_files(messages_for(["here.md", "gone.md"], IDENTITY, tmp_path))


def test_the_launcher_says_at_the_terminal_that_a_file_is_not_there_and_exits_1(tmp_path):
    """Before: "the files and links were sent to its window", exit 0, from a second launch."""
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")}
    launch = subprocess.run([sys.executable, str(ROOT / "launcher.py"), "--data-dir", str(tmp_path / "data"), "nope.md"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert (launch.returncode, launch.stdout) == (1, "")
    assert launch.stderr == f"notedesk: There is no file {tmp_path / 'nope.md'}: nothing was opened.\n"


def test_manage_still_takes_the_rest_of_the_command_line():
    args = parse_args(["--data-dir", "manage", "manage", "migrate", "--plan"], IDENTITY)
    assert (args.mode, args.data_dir, args.manage_args, args.targets) == ("manage", "manage", ["migrate", "--plan"], [])


@pytest.mark.parametrize("argv", [["manage", "migrate", "--data-dir", "/tmp/my notes", "--plan"],
                                  ["manage", "migrate", "--data-dir=/tmp/my notes", "--plan"]])
def test_a_data_folder_named_after_manage_is_refused_with_the_command_line_that_works(capsys, argv):
    with pytest.raises(SystemExit) as exit:
        parse_args(argv, IDENTITY)
    assert exit.value.code == 2
    assert "--data-dir goes before 'manage': notedesk --data-dir '/tmp/my notes' manage migrate --plan" in capsys.readouterr().err


def test_files_open_in_the_window_only(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--headless", "a.md"], IDENTITY)
    assert "open in the window only" in capsys.readouterr().err


@pytest.mark.parametrize("message", [
    "show", ["show"], {"type": "show", "extra": 1}, {"type": "open-files", "paths": ["relative.md"]},
    {"type": "open-files", "paths": []}, {"type": "open-files", "paths": ["/a"] * 101}, {"type": "open-url", "url": 5},
    {"type": "delete-everything"}, {"type": "activate", "token": ""}, {"type": "activate", "token": 5},
    {"type": "activate", "token": "x" * 4097}, {"type": "activate"},
])
def test_a_message_of_another_form_is_not_valid(message):
    assert valid_message(message) is None


@pytest.mark.parametrize("variable", ["XDG_ACTIVATION_TOKEN", "DESKTOP_STARTUP_ID"])
def test_a_later_launch_sends_the_desktops_activation_token_before_what_it_opens(variable):
    opens = [{"type": "open-url", "url": "notedesk://note/x"}]
    assert handed_over_messages(opens, {variable: "token_TIME1"}) == [{"type": "activate", "token": "token_TIME1"}, *opens]
    assert handed_over_messages([], {variable: "token_TIME1"}) == [{"type": "activate", "token": "token_TIME1"}, SHOW]
    assert all(valid_message(message) for message in handed_over_messages([], {variable: "token_TIME1"}))


def test_a_later_launch_the_desktop_gave_no_token_sends_what_it_did():
    assert handed_over_messages([], {}) == [SHOW]
    assert handed_over_messages([], {"XDG_ACTIVATION_TOKEN": "x" * 5000}) == [SHOW]


def test_the_channel_carries_typed_messages_and_refuses_a_client_without_the_key(tmp_path):
    instance = single_instance.claim(tmp_path, IDENTITY)
    received = queue.Queue()
    instance.on_message = received.put
    try:
        sent = [{"type": "open-files", "paths": ["/tmp/a.md"]}, {"type": "open-url", "url": "notedesk://note/x"}]
        # a second launch sends them, and hears what the running one is
        assert single_instance.claim(tmp_path, IDENTITY, sent) == single_instance.RunningInstance("window")
        assert [received.get(timeout=10), received.get(timeout=10)] == sent
        with Client(single_instance.channel_address(tmp_path, IDENTITY.slug), authkey=(tmp_path / "instance.key").read_bytes()) as old:
            old.send("show")  # a launch of an older version
        assert received.get(timeout=10) == {"type": "show"}
        with Client(single_instance.channel_address(tmp_path, IDENTITY.slug), authkey=(tmp_path / "instance.key").read_bytes()) as bad:
            bad.send_bytes(b'{"type": "open-files", "paths": "/etc/passwd"}')
        with pytest.raises(AuthenticationError):
            Client(single_instance.channel_address(tmp_path, IDENTITY.slug), authkey=b"guessed")
        single_instance.claim(tmp_path, IDENTITY)  # a plain second launch: "show"
        assert received.get(timeout=10) == {"type": "show"}
        assert received.empty()
    finally:
        instance.close()


def test_the_running_instance_answers_what_it_is(tmp_path):
    instance = single_instance.claim(tmp_path, IDENTITY)
    try:
        instance.running_as = single_instance.RunningInstance("headless", 8123, "http://x.localhost:8123/launch/?token=t")
        assert single_instance.claim(tmp_path, IDENTITY) == instance.running_as
    finally:
        instance.close()


def test_a_running_instance_of_an_older_version_answers_nothing_and_has_a_window(tmp_path):
    (tmp_path / "instance.key").write_bytes(b"k" * 32)
    with Listener(single_instance.channel_address(tmp_path, IDENTITY.slug), authkey=b"k" * 32) as older:
        def take_one_message():
            with older.accept() as connection:
                connection.recv_bytes()

        listening = threading.Thread(target=take_one_message)
        listening.start()
        running = single_instance.send_to_running_instance(tmp_path, IDENTITY, [{"type": "show"}])
        listening.join(10)
    assert running == single_instance.RunningInstance("window")


def test_a_launch_while_the_running_one_quits_waits_for_it_and_starts(tmp_path, monkeypatch):
    """Closing the app and starting it again at once: the closing one, its window gone but its server
    still stopping (a long poll it waited for), took the new launch's "show" and the new launch said
    "its window was brought to the front", with no window anywhere. The new launch now starts."""
    quitting = single_instance.claim(tmp_path, IDENTITY)
    received = queue.Queue()
    quitting.on_message = received.put
    quitting.stop_listening()  # the window has closed; the server is stopping
    tried = threading.Event()
    send = single_instance.send_to_running_instance

    def sending(*args):
        tried.set()
        return send(*args)

    monkeypatch.setattr(single_instance, "send_to_running_instance", sending)
    second = queue.Queue()
    threading.Thread(target=lambda: second.put(single_instance.claim(tmp_path, IDENTITY)), daemon=True).start()
    assert tried.wait(10)  # it has found the data folder held
    quitting.close()
    started = second.get(timeout=20)
    try:
        assert isinstance(started, single_instance.PrimaryInstance)
        assert received.empty()
    finally:
        started.close()


@pytest.mark.parametrize("target", ["~/notes.md", "~nobody-by-this-name/notes.md"])
def test_a_file_named_from_a_home_folder_there_is_not_is_refused_saying_so(tmp_path, monkeypatch, target):
    """`notedesk ~/notes.md` run by a user with no home folder (a container's uid: the shell leaves
    the ~ as typed), or a ~user who does not exist: the launch stopped on "Unexpected error:
    RuntimeError: Could not determine home directory"."""
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.setattr("pwd.getpwuid", lambda uid: (_ for _ in ()).throw(KeyError(uid)))
    with pytest.raises(BadTarget, match=f"^The file {re.escape(target)} is in a home folder this user has not: name it "
                                        "by a full path.$"):
        messages_for([target], IDENTITY, tmp_path)

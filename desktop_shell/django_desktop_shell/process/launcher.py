"""The launcher: read the identity, then start the site on a loopback port and open the window
(or serve headless, open the browser, self-test, or run a management command).

A project's launcher.py is only:

    from pathlib import Path
    from django_desktop_shell.process import launcher
    launcher.run_and_exit(Path(__file__).resolve().parent)
"""

import html
import logging
import os
import sys
import threading
import time
import webbrowser
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from django_desktop_shell import native, runtime
from django_desktop_shell.identity import Identity, IdentityError, load
from django_desktop_shell.process import c_heap, cli, diagnostics, lifecycle, open_requests, paths, server, single_instance, site, start_page, window
from django_desktop_shell.menus import MenuError
from django_desktop_shell.process.errors import DataFolderError, StartupError, WebViewMissing, failure_message
from django_desktop_shell.process.integration import DesktopIntegration
from django_desktop_shell.process.logs import configure_logging
from django_desktop_shell.process.native_dialogs import WindowNativeFunctions
from django_desktop_shell.process.navigation import NavigationLock
from django_desktop_shell.process.open_requests import OpenQueue
from django_desktop_shell.updates import service as updates

if TYPE_CHECKING:
    from django_desktop_shell.process.self_test import SelfTest

logger = logging.getLogger("django_desktop_shell")
LAUNCH_PAGE_NAME = "launch.html"
LAUNCH_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>Opening {name}</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="{action}">{fields}<button type="submit">Open {name}</button></form>
</body></html>
"""


def run_and_exit(project_dir: Path, argv: list[str] | None = None) -> None:
    lifecycle.exit_promptly(main(project_dir, argv))


def main(project_dir: Path, argv: list[str] | None = None) -> int:
    launched_at = time.perf_counter()
    c_heap.limit_arenas()  # before any thread starts
    try:
        identity = load(project_dir)
    except IdentityError as error:
        print(f"desktop-shell: {error}", file=sys.stderr)
        return 1
    args = cli.parse_args(argv, identity)
    os.umask(0o077)  # everything the app writes is for its owner only
    logging.basicConfig(handlers=[logging.NullHandler()])  # stderr gets our own lines only
    try:
        return run(identity, args, launched_at)
    except Exception as error:
        report_failure(identity, error)
        # Started from the desktop's menu, the app has no terminal: a window says why the data folder
        # cannot be used, that WebKitGTK is missing, or what no one foresaw (the rest, as a launch's
        # files, is the terminal's).
        shown = isinstance(error, (DataFolderError, WebViewMissing)) or not isinstance(error, StartupError)
        if args.mode == "window" and shown and window.has_display():
            window.show_error_window(identity.name, failure_message(error))
        return 1


def report_failure(identity: Identity, error: Exception) -> int:
    """Say why the run failed, in the log and at the terminal, once; returns the exit code. A start
    that fails is said as it fails, from its thread (beside the window, whose page points to the
    log's traceback, which otherwise waited for the window to close), and may be raised on the main
    thread at that moment, or reach the exit watchdog."""
    with reporting:
        if error not in reported_failures:
            if isinstance(error, StartupError):
                logger.error("Could not start: %s", error)
            else:
                logger.error("Stopped on an unexpected error", exc_info=error)
            print(f"{identity.slug}: {failure_message(error)}", file=sys.stderr)
            reported_failures.add(error)
    return 1


reporting = threading.Lock()
reported_failures: set[Exception] = set()


def forced_exit_code(identity: Identity, startup: Future, updater: updates.NoUpdates) -> int:
    """If the exit watchdog ends the run before it returns (a window whose teardown outlasts it), a
    start that failed still says why and exits 1. Should the run be reporting it at that very
    moment, this waits for that report to end (report_failure says each once): exit_promptly comes after.
    A quit before the start had ended is told to the updater, as serve_in_window would have: on trial
    after an update, the script would take the exit for a failed start."""
    if not startup.done():
        updater.quit_before_started()
    failure = startup.exception() if startup.done() else None
    return 0 if failure is None else report_failure(identity, failure)


def run(identity: Identity, args, launched_at: float) -> int:
    if args.mode == "diagnose":  # before the data folder is prepared: it changes nothing there
        print(diagnostics.report(identity, paths.resolve_data_dir(args.data_dir, identity)), end="")
        if sys.stdout.isatty():
            print(f"{identity.slug}: that is all the report holds. To send it: {identity.slug} --diagnose > "
                  f"diagnostics.txt, and attach that file.", file=sys.stderr)
        return 0
    data_dir = paths.prepare_data_dir(paths.resolve_data_dir(args.data_dir, identity))
    paths.refuse_a_disk_that_cannot_lock_files(data_dir, identity)
    log_file = configure_logging(data_dir, identity.slug, dev=args.dev)
    logger.info("Starting %s, %s, on the data folder %s", diagnostics.versions(identity),
                "a management command" if args.mode == "manage" else f"mode {args.mode}", data_dir)
    if args.mode == "manage":
        site.configure(runtime.Runtime(identity=identity, data_dir=data_dir, dev=args.dev))
        site.run_management_command(args.manage_args)
        return 0
    try:
        messages = open_requests.messages_for(args.targets, identity, Path.cwd())
        open_requests.refuse_missing_files(messages)
    except open_requests.BadTarget as error:
        logger.warning("Refused a command-line target: %s", error)
        raise StartupError(str(error)) from None
    # Before the display is looked for: a launch with none (a file opened from a terminal without
    # DISPLAY) still reaches the app already running.
    instance = single_instance.claim(data_dir, identity, open_requests.handed_over_messages(messages, os.environ))
    if isinstance(instance, single_instance.RunningInstance):
        print(f"{identity.slug}: {handed_over(identity, instance, messages, sys.stdout.isatty(), args.dev)}")
        trial_outcome = updates.outcome_of_the_launch_on_trial(identity, data_dir)
        return 0 if trial_outcome is None else trial_outcome
    instance.running_as = single_instance.RunningInstance(args.mode)
    if args.mode in ("window", "self-test"):
        try:
            window.ensure_display()
        except StartupError:
            instance.close()
            raise
    updater = updates.for_run(identity, data_dir, args.mode)
    if updater.note_start():  # an update was staged: it is installed now, and starts in our place
        instance.close()
        return 0
    sock = server.bind_for(data_dir, args.port)
    instance.running_as = replace(instance.running_as, port=sock.getsockname()[1])
    run_state = runtime.Runtime(identity=identity, data_dir=data_dir, port=sock.getsockname()[1], dev=args.dev,
                                browser=args.mode in ("headless", "browser"))
    self_test = None
    if args.mode == "self-test":
        from django_desktop_shell.process.self_test import SelfTest  # not on an everyday launch's path to its window

        self_test = SelfTest(identity, server.origin_of(sock), log_file)
    front = start_page.StartPage(run_state, start_page.load(data_dir, run_state)) \
        if args.mode in ("window", "self-test") and identity.keep_start_page and not args.dev else None
    early_server = serve_kept_page(front, sock) if front and front.kept else None
    progress = site.StartupProgress()
    startup = in_a_thread_of_its_own("desktop-startup", start_site, run_state, sock, launched_at, self_test, front,
                                     early_server, progress)
    startup.add_done_callback(lambda done: done.exception() and report_failure(identity, done.exception()))
    lifecycle.end_forced_exits_with(lambda: forced_exit_code(identity, startup, updater))
    updater.start_background(startup)
    try:
        if args.mode in ("headless", "browser"):
            return serve_without_window(identity, data_dir, args.mode, startup, instance, updater)
        return serve_in_window(identity, startup, sock, data_dir, instance, self_test, launched_at, log_file, messages,
                               updater, front, early_server, dev=args.dev, progress=progress)
    finally:
        # Unwatched: "Restart to update" hands over below, once the server has stopped, and its copy of
        # the databases takes what it takes; the watchdog starts as the run returns (exit_promptly).
        lifecycle.begin_the_way_out("the window's close" if args.mode in ("window", "self-test") else "the run's end",
                                    watched=False)
        instance.stop_listening()
        logger.info("Stopping the server")
        page_for_next_run = keep_start_page(front, startup)
        stop_server(startup, early_server, progress)
        if front:
            front.keep(page_for_next_run, data_dir)
        instance.close()
        logger.info("Stopped")
        updater.after_exit()  # "Restart to update": the update is installed now that the data folder is free


def in_a_thread_of_its_own(name: str, function, *args) -> Future:
    """`function(*args)` run in a daemon thread, its outcome the Future returned. The process's exit
    does not wait for it, as it waits for a ThreadPoolExecutor's: a quit during the apps' start-up
    work (stop_server) ended only when the watchdog did ("Did not stop within 3.0 s")."""
    outcome: Future = Future()

    def run():
        try:
            outcome.set_result(function(*args))
        except BaseException as error:
            outcome.set_exception(error)

    threading.Thread(target=run, name=name, daemon=True).start()
    return outcome


def serve_without_window(identity: Identity, data_dir: Path, mode: str, startup: Future,
                         instance: single_instance.PrimaryInstance, updater: updates.NoUpdates) -> int:
    started_or_stopped = threading.Event()
    stop = lifecycle.watch_stop_signals(wake=started_or_stopped)
    startup.add_done_callback(lambda _: started_or_stopped.set())
    lifecycle.wait_for(started_or_stopped)
    if not startup.done():  # stopped during the start: stop_server ends it where it is, as a window's close does
        updater.quit_before_started()
        print(f"{identity.slug}: {STOPPED_BEFORE_READY}", file=sys.stderr, flush=True)
        return 0
    launch_url = startup.result().launch_url
    if mode == "headless":
        print(f"READY {launch_url}", flush=True)
        instance.running_as = replace(instance.running_as, launch_url=launch_url)
        lifecycle.wait_for(stop)
        return 0
    launch_page = write_launch_page(identity, data_dir, launch_url)
    try:
        if webbrowser.open(launch_page.as_uri()):
            print(f"{identity.name} is open in your browser. Ctrl+C here stops it.", flush=True)
        else:
            print(f"{identity.name} found no browser to open: open {launch_page.as_uri()} in one (it signs that browser "
                  "in). Ctrl+C here stops the app.", flush=True)
        # Another launch's "show": the app again, in a new tab (the launch URL never leaves this process).
        instance.on_message = lambda message: (webbrowser.open(launch_page.as_uri())
                                               if message == open_requests.SHOW else None)
        lifecycle.wait_for(stop)
    finally:
        launch_page.unlink(missing_ok=True)
    return 0


STOPPED_BEFORE_READY = "stopped before it was ready, as asked; what its start had not done yet is done at the next launch."


def write_launch_page(identity: Identity, data_dir: Path, launch_url: str) -> Path:
    """A page, readable by its owner only, that opens a session in the browser by POSTing the
    launch token: the browser is given this page's path rather than the launch URL, which would
    sit on its command line (in /proc, where every user of the machine reads it) and in its
    history. The form submits itself; its button is for a browser without script."""
    url = urlsplit(launch_url)
    fields = "".join(f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
                     for name, value in parse_qsl(url.query))
    page = data_dir / LAUNCH_PAGE_NAME
    page.unlink(missing_ok=True)  # one an earlier run left: a new file gets this run's mode
    with os.fdopen(os.open(page, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as file:
        file.write(LAUNCH_PAGE.format(name=html.escape(identity.name), fields=fields,
                                      action=html.escape(f"{url.scheme}://{url.netloc}{url.path}")))
    return page


def handed_over(identity: Identity, running: single_instance.RunningInstance, messages: list[dict],
                to_terminal: bool, dev: bool = False) -> str:
    """What a later launch says once it has handed over to the one running on its data folder: true
    for the running one's mode, and how to reach it. With --dev, that the running one has the code
    it started with: a developer relaunches to run a view they have just edited."""
    said = running_instance(identity, running, messages, to_terminal)
    return f"{said} {RUNS_THE_CODE_IT_STARTED_WITH}" if dev else said


RUNS_THE_CODE_IT_STARTED_WITH = ("It runs your code as it was when it started: quit it and launch again to run your "
                                 "changes to Python code.")


def running_instance(identity: Identity, running: single_instance.RunningInstance, messages: list[dict],
                     to_terminal: bool) -> str:
    if running.mode not in ("headless", "browser"):
        done = "the files and links were sent to its window" if messages else "its window was brought to the front"
        return f"{identity.name} is already running on this data folder; {done}."
    on_port = f", on port {running.port}" if running.port else ", still starting"
    if running.mode == "browser":
        done = "it opened the app in a new browser tab" if not messages else "it has no window to open files and links in"
        return f"{identity.name} is already running in the browser on this data folder{on_port}; {done}."
    # The launch URL grants a session. The running instance gives it to this launch, which holds
    # the key of the channel, so it is the same user, who can read the data folder (the database,
    # the secret key) anyway. It is printed only to a terminal, as READY prints it to the first
    # launch's: redirected, it would last in a file or a job's log others may read.
    reach = f"open {running.launch_url}" if running.launch_url and to_terminal else \
        "open the link its READY line gives."
    unopened = " (it has no window to open files and links in)" if messages else ""
    return f"{identity.name} is already running headless on this data folder{on_port}{unopened}: {reach}"


def serve_in_window(identity, startup, sock, data_dir, instance, self_test, launched_at, log_file, messages=(),
                    updater=updates.NoUpdates(), front=None, early_server=None, dev=False, progress=None) -> int:
    origin = server.origin_of(sock)
    if str(identity.project_dir) not in sys.path:  # the site's menu module is imported before Django starts
        sys.path.insert(0, str(identity.project_dir))
    try:  # however the window ends, or fails to open, the site's start waits for it no more (window_closed)
        try:
            integration = DesktopIntegration(identity, data_dir, log_file, window.gui(), origin, dev)
        except MenuError as error:
            raise StartupError(str(error)) from None

        def on_created(created_window):
            opened = OpenQueue(identity, startup, integration.wait_for_app_page, integration.show_page_event,
                               lambda activation_token: window.bring_to_front(created_window, activation_token))
            instance.on_message = opened.put
            for message in messages:  # this launch's own files and links
                opened.put(message)
            if sys.platform == "darwin":  # there the Finder sends them as Apple Events
                from django_desktop_shell.process import macos_open_events

                macos_open_events.install(lambda message: opened.put(message) if open_requests.valid_message(message) else None)
            native.provide(WindowNativeFunctions(created_window, integration.dropped, integration.commands.state))
            updater.on_window(created_window)

        hooks = window.WindowHooks(navigation=NavigationLock(origin), on_created=on_created)
        if not identity.javascript_jit:
            window.turn_off_javascript_jit()
        window.run_window(startup, title=identity.name, origin=origin, data_dir=data_dir, launched_at=launched_at,
                          hooks=self_test.wrap(hooks) if self_test else hooks, integration=integration,
                          first_url=early_server.launch_url if early_server else None, icon=identity.icon_file,
                          page_is_current=front.shown_page_is_current if early_server else lambda: True, dev=dev,
                          progress=progress, program_name=identity.slug)
    finally:
        if front:
            front.window_closed()
    if not startup.done():  # closed before the app had started (a self-test then fails): stop_server ends the start
        updater.quit_before_started()
        return 1 if self_test else 0
    if startup.exception() is not None:  # said as it failed (report_failure), and by the window unless closed first
        return 1
    return self_test.report() if self_test else 0


def serve_kept_page(front: start_page.StartPage, sock) -> server.ServerThread:
    """The server, started before Django so that the window gets the kept start page at once."""
    identity = front.run.identity
    guard = server.BodyGuard(limit=0, refusal=front.refuse_body, unkept=front.refuse_unkept)  # the site's limit is set once it has started
    return server.ServerThread(front, sock, ident=identity.slug, body_guard=guard,
                               launch_path=site.launch_path(front.run.launch_token, identity.start_path)).start()


def start_site(run_state: runtime.Runtime, sock, launched_at: float, self_test: "SelfTest | None",
               front: start_page.StartPage | None = None,
               early_server: server.ServerThread | None = None,
               progress: site.StartupProgress | None = None) -> server.ServerThread:
    """Runs beside the window's start-up: Django, its checks, migrations, the server thread, a health check.
    A browser's run (--headless, --browser) has its session on this install's own host name
    rather than 127.0.0.1 (settings.host_settings). `self_test`: it is told the status of each
    answer. `front`: the start page kept for the next run, and served from the last, in front of
    the site; `early_server`: the server already serving it; `progress`: told how far the migrations are."""
    try:
        return start_and_serve_site(run_state, sock, launched_at, self_test, front, early_server, progress)
    except BaseException:
        if front:
            front.site_failed()
        raise


def start_and_serve_site(run_state, sock, launched_at, self_test, front, early_server, progress=None) -> server.ServerThread:
    identity = run_state.identity
    if front:
        front.hold_site()
    site.configure(run_state)
    for warning in site.refuse_unsafe_settings():
        logger.warning("%s", warning)
        print(f"{identity.slug}: warning: {warning}", file=sys.stderr)
    from django.conf import settings

    for replaced in settings.DESKTOP_REPLACED_SETTINGS:
        logger.info("Desktop default applied over the project's setting: %s", replaced)
    started = site.start(next_path=identity.start_path, progress=progress)
    from django_desktop_shell.process.idle_memory import IdleMemory  # it imports Django's database layer: once set up

    wsgi_app = IdleMemory().watching(started.wsgi_app)
    wsgi_app = self_test.recording_statuses(wsgi_app) if self_test else wsgi_app
    if early_server:
        http_server = early_server
        http_server.take_site_settings(started.body_guard.limit, started.server_threads)
    else:
        http_server = server.ServerThread(front or wsgi_app, sock, launch_path=started.launch_path,
                                          launch_origin=started.session_origin, ident=identity.slug,
                                          body_guard=started.body_guard, threads=started.server_threads).start()
    if front:
        front.site_started(wsgi_app, started.body_guard)
    http_server.wait_until_ready(started.health_path, started.auth_headers)
    logger.info("Server ready on %s after %.3f s", http_server.origin, time.perf_counter() - launched_at)
    updates.site_started(identity, run_state.data_dir)
    return http_server


def keep_start_page(front: start_page.StartPage | None, startup: Future) -> dict | None:
    """The start page to keep for the next run, asked for while the server still runs."""
    if front is None or not startup.done() or startup.exception():
        return None
    try:
        return front.page_for_next_run()
    except Exception:
        logger.exception("Could not keep the start page for the next launch")
        return None


# What a quit during the start gives the migrations under way before it ends without folding: of the
# way out's 2.5 s of steps, it leaves the apps' app_stopping and the server's stop 0.5 s, the fold 0.5 s.
MIGRATIONS_WAIT_S = 1.5
UNFOLDED = ("the write-ahead logs not folded into the databases: their last writes are in the -wal files beside them, "
            "read from there at the next launch (a copy of a database file alone lacks them)")


def stop_server(startup: Future, early_server: server.ServerThread | None = None,
                progress: site.StartupProgress | None = None) -> None:
    """The apps told (app_stopping), the server stopped, the databases folded. A quit during the start
    (the window closed while the apps' database_ready receivers still ran) waits for the migrations
    under way, and does the same once they have ended: a receiver's write after the fold is never
    made, as an app thread's. Folded during a migration, the write refused to it would put the backup back."""
    if not startup.done() and progress is not None and not progress.migrated.is_set():
        progress.migrated.wait(lifecycle.time_for("Waiting for the migrations under way", MIGRATIONS_WAIT_S,
                                                  leaving=lifecycle.FOLD_WAIT_S))
        if not progress.migrated.is_set():
            logger.warning("Quit before the databases were up to date: the start is cut where it is (SQLite takes back "
                           "a migration under way, and the next launch applies it); %s", UNFOLDED)
    started = startup.done() and not startup.exception()
    if started or (progress is not None and progress.migrated.is_set() and not startup.done()):
        from django_desktop_shell.database import fold_write_ahead_logs  # it imports Django: once set up
        from django_desktop_shell.signals import app_stopping

        with lifecycle.step_cut_leaves(UNFOLDED):
            # Before the server waits for its last requests (a long poll: all the time the way out has
            # left): the apps' threads stop meanwhile.
            for receiver, error in app_stopping.send_robust(sender=site.Site):
                if isinstance(error, Exception):
                    logger.error("%s, connected to app_stopping, failed", getattr(receiver, "__qualname__", receiver),
                                 exc_info=error)
            serving = startup.result() if started else early_server
            if serving:
                serving.stop(lifecycle.time_for("Waiting for the server's last requests", server.STOP_WAIT_S,
                                                leaving=lifecycle.FOLD_WAIT_S))
            fold_write_ahead_logs()
    elif early_server:
        early_server.stop(lifecycle.time_for("Waiting for the server's last requests", server.STOP_WAIT_S))

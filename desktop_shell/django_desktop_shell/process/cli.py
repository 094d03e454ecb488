import argparse
import shlex
import sys

from django_desktop_shell.identity import Identity
from django_desktop_shell.process import paths

MODES = ("window", "headless", "browser", "self-test", "diagnose", "manage")
OPTIONS_WITH_VALUES = ("--port", "--data-dir")


def parse_args(argv: list[str] | None, identity: Identity) -> argparse.Namespace:
    """The command line; `mode` is one of MODES."""
    parser = argparse.ArgumentParser(
        prog=identity.slug,
        description=f"{identity.name}: {identity.description}" if identity.description else identity.name,
        epilog=f"{identity.slug} manage ARGS… runs a Django management command on the same data folder. "
               f"Given files (or links), the app opens them: in the window already running on the data folder, if there is one.",
    )
    parser.add_argument("--version", action="version", version=f"{identity.name} {identity.version}")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--headless", action="store_true",
                      help="no window: print 'READY <url>' (open the URL in any browser) and serve until stopped")
    mode.add_argument("--browser", action="store_true", help="open the app in the system browser instead of a window")
    mode.add_argument("--self-test", action="store_true",
                      help="open the window, check an AJAX GET and a CSRF-protected POST, close; exit 0 if they work")
    mode.add_argument("--diagnose", action="store_true",
                      help="print what support needs to help (versions, checks of the data folder, settings without "
                           "secrets, the end of the log: no note's text), to read before you save it: "
                           f"{identity.slug} --diagnose > diagnostics.txt")
    parser.add_argument("--port", type=port_number, default=0, help="port on 127.0.0.1 (default: the app's own, chosen at its first launch, "
                             "whose origin the page's localStorage and IndexedDB belong to)")
    parser.add_argument("--data-dir", metavar="DIR", type=folder_name,
                        help=f"where data, settings and logs are kept (default: ${identity.env_prefix}_DATA_DIR, "
                             f"else {paths.shown_default_data_dir(identity)})")
    parser.add_argument("--dev", action="store_true", help="developer mode: Django DEBUG on, verbose log")
    parser.add_argument("targets", nargs="*", metavar="FILE or LINK",
                        help="files to open in the app" + (f", or {'/'.join(identity.url_schemes)}:// links" if identity.url_schemes else ""))
    argv = list(sys.argv[1:] if argv is None else argv)
    split = manage_position(argv)
    args = parser.parse_args(argv[:split])
    args.command, args.manage_args = (("manage", argv[split + 1:]) if split < len(argv) else (None, []))
    args.mode = "manage" if args.command else next(
        (mode for mode in ("headless", "browser", "self-test", "diagnose") if getattr(args, mode.replace("-", "_"))), "window")
    if args.targets and args.mode != "window":
        parser.error("files and links open in the window only: leave out --headless, --browser, --self-test and --diagnose")
    misplaced = data_dir_after_manage(args.manage_args)
    if misplaced is not None and args.data_dir is None:
        # Django's parser would refuse it, once the command had started on the default data folder.
        folder, command = misplaced
        parser.error(f"--data-dir goes before 'manage': {shlex.join([identity.slug, '--data-dir', folder, 'manage', *command])}")
    return args


def data_dir_after_manage(manage_args: list[str]) -> tuple[str, list[str]] | None:
    """For a `--data-dir DIR` (or `--data-dir=DIR`) given after `manage`: the folder, and the
    command without it. None if there is none."""
    for index, arg in enumerate(manage_args):
        if arg == "--data-dir":
            return (manage_args[index + 1] if index + 1 < len(manage_args) else "DIR",
                    manage_args[:index] + manage_args[index + 2:])
        if arg.startswith("--data-dir="):
            return arg.split("=", 1)[1], manage_args[:index] + manage_args[index + 1:]
    return None


def manage_position(argv: list[str]) -> int:
    """Where the word `manage` starts a management command (len(argv) if it does not): the first
    argument that is neither an option nor an option's value."""
    index = 0
    while index < len(argv):
        if argv[index] in OPTIONS_WITH_VALUES:
            index += 2
        elif argv[index] == "manage":
            return index
        elif argv[index] == "--":
            return len(argv)
        else:
            index += 1
    return len(argv)


def folder_name(text: str) -> str:
    # An empty one (`--data-dir "$NOTES"` with NOTES unset) took the default data folder, silently.
    if not text.strip():
        raise argparse.ArgumentTypeError("it is empty: name a folder")
    return text


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not between 0 and 65535")
    return port

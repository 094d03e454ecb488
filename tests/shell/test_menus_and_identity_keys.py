"""The shell's menu declarations and the identity table's optional keys for the desktop
integration (menu, file-types, url-schemes): what a site may write, and what is refused."""

import pytest

from django_desktop_shell import menus
from django_desktop_shell.identity import FileType, IdentityError, load
from django_desktop_shell.process.window_state import Geometry, load_geometry, next_zoom, save_geometry
from tests.conftest import ROOT
from tests.shell.test_identity import MINIMAL, project_with


def labels(menu):
    return [entry.label if not isinstance(entry, menus.Separator) else "-" for entry in menu.items]


def test_standard_menus_put_the_site_items_first_and_the_shell_ones_after():
    declared = menus.standard_menus(file=[menus.Item("New", "new-thing", "Ctrl+N")], edit=[menus.Item("Find", "find", "Ctrl+F")],
                                    platform="linux")
    assert [menu.label for menu in declared] == ["File", "Edit", "View", "Help"]
    assert labels(declared[0]) == ["New", "-", "Print…", "-", "Quit"]
    assert labels(declared[1]) == ["Undo", "Redo", "-", "Cut", "Copy", "Paste", "Select all", "-", "Find"]
    assert labels(declared[2]) == ["Zoom in", "Zoom out", "Actual size", "-", "Back", "Forward", "-", "Spell check"]
    assert labels(declared[3]) == ["About {app}", "-", "Open data folder", "Open log file", "Diagnostics for support"]
    assert [item.accelerator for item in declared[2].items[4:6]] == ["Alt+Left", "Alt+Right"]
    menus.validate(declared)


def test_ctrl_p_prints_the_page_unless_an_item_of_the_site_has_the_key():
    printing = menus.Item("Print…", menus.PRINT, "Ctrl+P")
    assert printing in menus.items(menus.standard_menus(platform="linux"))
    own = menus.Item("Print note…", "print", "Ctrl+P")
    declared = menus.standard_menus(file=[own], platform="linux")
    assert own in menus.items(declared) and printing not in menus.items(declared)
    menus.validate(declared)
    # In a submenu of the site's (File › Export › Print note…), the key was bound twice, to the shell's Print too.
    declared = menus.standard_menus(file=[menus.Menu("Export", (own,))], platform="linux")
    assert own in menus.items(declared) and printing not in menus.items(declared)


def test_on_macos_about_goes_to_the_application_menu_and_the_os_gives_quit_and_editing():
    declared = menus.standard_menus(file=[menus.Item("New", "new-thing", "Ctrl+N")], platform="darwin")
    assert declared[0].label == "__app__" and labels(declared[0]) == ["About {app}"]
    assert labels(declared[1]) == ["New", "-", "Print…"]
    assert "Undo" not in labels(declared[2]) and "About {app}" not in labels(declared[-1])
    back_and_forward = {item.label: item.accelerator for item in menus.items(declared) if item.command in (menus.BACK, menus.FORWARD)}
    assert back_and_forward == {"Back": "Ctrl+[", "Forward": "Ctrl+]"}  # Command-[ and Command-]


@pytest.mark.parametrize(("entry", "message"), [
    (menus.Item("Go", "Go Home"), "lower-case words"),
    (menus.Item("Go", "desktop.launch-rockets"), "not one of the shell's commands"),
    (menus.Item("Go", "go", "Alt+G"), "not of the form Ctrl"),
    (menus.Item("Go", "go", "Ctrl+Left"), "not of the form Ctrl"),
    (menus.Item(" ", "go"), "has no label"),
    ("Go", "only Menu, Item and SEPARATOR"),
])
def test_a_wrong_menu_entry_is_refused_saying_where(entry, message):
    with pytest.raises(menus.MenuError, match=message):
        menus.validate([menus.Menu("File", (entry,))])


def test_notedesks_menu_loads_and_has_the_issue_items():
    declared = menus.load_menus(load(ROOT).menu)
    found = {item.label: (item.command, item.accelerator) for item in menus.items(declared)}
    assert found["New note"] == ("new-note", "Ctrl+N")
    assert found["Print…"] == ("print", "Ctrl+P")
    assert found["Find"] == ("find", "Ctrl+F")
    assert found["Quit"] == (menus.QUIT, "Ctrl+Q")
    assert found["Zoom in"][1] == "Ctrl+=" and found["Zoom out"][1] == "Ctrl+-" and found["Actual size"][1] == "Ctrl+0"
    for label in ("Import…", "Export JSON…", "Export Markdown…", "Export note as PDF…", "Undo", "Redo", "Cut", "Copy",
                  "Paste", "Select all", "Preview", "Back", "Forward", "Spell check", "About {app}", "Open data folder", "Open log file",
                  "Diagnostics for support"):
        assert label in found


def test_accelerators_become_gtks_names_keypad_included():
    assert menus.gtk_accelerators("Ctrl+N") == ["<Primary>n"]
    assert menus.gtk_accelerators("Ctrl+=") == ["<Primary>equal", "<Primary>plus", "<Primary>KP_Add"]
    assert menus.gtk_accelerators("Ctrl+Shift+P") == ["<Primary><Shift>p"]
    assert menus.gtk_accelerators("Alt+Left") == ["<Alt>Left", "<Alt>KP_Left"]
    assert menus.gtk_accelerators("Ctrl+[") == ["<Primary>bracketleft"]


def test_zoom_steps_and_is_remembered_with_the_geometry(tmp_path):
    assert next_zoom(1.0, 1) == 1.1 and next_zoom(1.0, -1) == 0.9 and next_zoom(1.5, 0) == 1.0
    assert next_zoom(3.0, 1) == 3.0 and next_zoom(0.5, -1) == 0.5
    save_geometry(tmp_path, Geometry(zoom=1.25, spell_check=False))
    assert load_geometry(tmp_path, []) == Geometry(zoom=1.25, spell_check=False)
    (tmp_path / "window.json").write_text('{"width": 900, "height": 600, "zoom": 40, "spell_check": "yes"}')
    assert load_geometry(tmp_path, []) == Geometry(width=900, height=600)


def test_file_types_and_url_schemes_are_read_and_checked(tmp_path):
    identity = load(project_with(tmp_path, MINIMAL + 'url-schemes = ["myapp"]\nmenu = "my_site.menu:MENUS"\n'
                                 'file-types = [{mime-type = "text/markdown", extensions = ["md", "MarkDown"]}]\n'))
    assert identity.file_types == (FileType("text/markdown", ("md", "markdown")),)
    assert identity.url_schemes == ("myapp",) and identity.menu == "my_site.menu:MENUS"
    notedesk = load(ROOT)
    assert [file_type.mime_type for file_type in notedesk.file_types] == ["text/markdown", "text/plain"]
    assert notedesk.url_schemes == ("notedesk",)


@pytest.mark.parametrize(("line", "message"), [
    ('file-types = "md"', "must be a list of tables"),
    ('file-types = [{mime-type = "markdown", extensions = ["md"]}]', "must be a MIME type"),
    ('file-types = [{mime-type = "text/markdown", extensions = [".md"]}]', "without the dot"),
    ('file-types = [{mime-type = "text/markdown", extensions = []}]', "non-empty list"),
    ('file-types = [{mime-type = "text/markdown", extensions = ["md"], icon = "x"}]', "must be a table of mime-type"),
    ('url-schemes = ["My App"]', "lower-case scheme names"),
    ('url-schemes = "myapp"', "lower-case scheme names"),
    ('url-schemes = ["https"]', "cannot claim https"),
    ('menu = "my_site.menu"', "module:ATTRIBUTE"),
])
def test_wrong_desktop_integration_keys_are_refused_saying_what_to_write(tmp_path, line, message):
    with pytest.raises(IdentityError, match=message):
        load(project_with(tmp_path, MINIMAL + line + "\n"))

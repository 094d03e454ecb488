"""Notedesk's menu bar (named in pyproject.toml's [tool.desktop-shell] menu). Each of its own
commands reaches the page as a `desktop:command` event, which ui/static/js/notes/main.js answers
with the same functions as the buttons and shortcuts; the shell runs the rest itself."""

from django_desktop_shell.menus import SEPARATOR, Item, standard_menus

MENUS = standard_menus(
    file=[
        Item("New note", "new-note", "Ctrl+N"),
        Item("Today's note", "todays-note", "Ctrl+Shift+D"),
        Item("Previous day's note", "previous-day-note", "Ctrl+Shift+["),
        Item("Next day's note", "next-day-note", "Ctrl+Shift+]"),
        SEPARATOR,
        Item("Import…", "import"),
        Item("Export JSON…", "export-json"),
        Item("Export Markdown…", "export-markdown"),
        Item("Export notes in list as Markdown…", "export-list-markdown"),
        SEPARATOR,
        Item("Print…", "print", "Ctrl+P"),
        Item("Export note as PDF…", "export-pdf"),
        Item("Print notes in list…", "print-list"),
        Item("Export notes in list as PDF…", "export-list-pdf"),
    ],
    edit=[
        Item("Copy link to note", "copy-link"),
        Item("Insert template…", "insert-template"),
        Item("Find", "find", "Ctrl+F"),
        Item("Find and replace in note", "replace", "Ctrl+H"),
        Item("Search all notes", "search-notes", "Ctrl+Shift+F"),
    ],
    view=[Item("Preview", "toggle-preview", "Ctrl+E"), Item("Only the note", "toggle-note-alone", "Ctrl+Shift+E"),
          Item("Go to note…", "go-to-note", "Ctrl+O"), Item("Go to heading…", "go-to-heading", "Ctrl+Shift+O")],
)

"""What Orca would read out of the window without being asked: the text each AT-SPI event of a
live region brings (an element added to it, a text inserted in it), and the name and description
of each control the focus comes to ("focus: Note text: Tab and…"), one line each, to HEARD_FILE.
It first walks the window's tree, as a screen reader does when it starts (WebKitGTK makes the
page's objects as they are asked for), then writes READY.
Usage: atspi_listener.py HEARD_FILE (on the window's session bus)
"""

import sys
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

heard = open(sys.argv[1], "a", buffering=1, encoding="utf-8")


def text_of(accessible) -> str:
    """The object's words with its children's (a button's name in its place), as Orca reads them."""
    text = accessible.get_text_iface()
    own = text.get_text(0, -1) if text else ""
    if "\ufffc" not in own:
        children = [accessible.get_child_at_index(index) for index in range(accessible.get_child_count())]
        return own or accessible.get_name() or " ".join(text_of(child) for child in children if child)
    # Each object-replacement character stands for the object its link names: a child whose text
    # is inline (a toast's message beside its button) has none.
    links = accessible.get_hypertext_iface()
    for index in range(links.get_n_links()):
        own = own.replace("\ufffc", text_of(links.get_link(index).get_object(0)), 1)
    return own


def live(accessible) -> bool:
    return (accessible.get_attributes() or {}).get("container-live", "off") != "off"


def claims_the_focus(accessible) -> bool:
    """Orca reads out a focus event only from an object that has the focused state: GTK's own focus
    tracking also claims the focus for the web view (a nameless "filler", which never has it) as a
    menu closes, an idle or two after the page's field did at times, and Orca says nothing of it. A
    menu of the menu bar is claimed focused while it is selected, which Orca reads out."""
    states = accessible.get_state_set()
    return states.contains(Atspi.StateType.FOCUSED) or states.contains(Atspi.StateType.SELECTED)


def on_event(event):
    try:
        if event.type.startswith("object:state-changed:focused"):
            if event.detail1:
                # The name WebKit gives now: libatspi's copy kept "Note text" once a script had named
                # the field after its note, as WebKitGTK sends no change of an aria-label.
                event.source.clear_cache()
                if not claims_the_focus(event.source):
                    return
                heard.write(f"focus: {event.source.get_name()}: {event.source.get_description()}\n")
            return
        if not live(event.source):
            return
        if event.type.startswith("object:children-changed:add") and event.any_data is not None:
            said = text_of(event.any_data)
        elif event.type.startswith("object:text-changed:insert"):
            said = event.any_data
        else:
            return
        if said.strip():
            heard.write(" ".join(said.split()) + "\n")
    except Exception:  # an object gone before it was read: nothing read out
        pass


def walk(accessible, depth=0) -> bool:
    """The tree walked down to the page; whether the page was there."""
    if accessible.get_role() == Atspi.Role.DOCUMENT_WEB:
        return accessible.get_child_count() > 0
    return depth < 20 and any(walk(accessible.get_child_at_index(index), depth + 1)
                              for index in range(accessible.get_child_count()))


listener = Atspi.EventListener.new(on_event)
listener.register("object:children-changed:add")
listener.register("object:text-changed:insert")
listener.register("object:state-changed:focused")
deadline = time.monotonic() + 60
while not any(walk(app) for app in (Atspi.get_desktop(0).get_child_at_index(index)
                                    for index in range(Atspi.get_desktop(0).get_child_count())) if app):
    if time.monotonic() > deadline:
        sys.exit("no window's page came up on the accessibility bus")
    time.sleep(0.2)
heard.write("READY\n")
Atspi.event_main()

"""A Standard Notes backup (its decrypted "Download backup" JSON) as notes for Import…: the
backup's items are its notes, its tags (which name the notes they are on) and the app's own
settings. Each note keeps its uuid (a second import updates it, as for a Notedesk export), title,
text, pinned state, tags (a nested tag as its own name) and dates; notes in Standard Notes' trash
are left out. A note longer than a note holds is split into parts, as in any import from
another app (foreign_import.parts_of). A Super note's text, which Standard Notes stores as the editor's JSON document, is
made Markdown: its headings, paragraphs, lists, to-dos, quotes and code blocks.
"""

import json

from embedded_site.notes.foreign_import import parts_of
from embedded_site.notes.forms import MAX_TAGS_PER_NOTE
from embedded_site.notes.importing import ImportFileError
from embedded_site.notes.models import TAG_MAX_LENGTH, TITLE_MAX_LENGTH

APP_DATA = "org.standardnotes.sn"


def standard_notes_backup(document: dict, changed: list):
    """The backup's notes as a Notedesk export's: each a dict of its fields; each note split into
    parts said in `changed`."""
    items = [item for item in document["items"] if isinstance(item, dict)]
    if any(isinstance(item.get("content"), str) and item["content"][:4].startswith("00") for item in items):
        raise ImportFileError(
            "This Standard Notes backup is encrypted: in Standard Notes, download a decrypted backup "
            "(Preferences › Backups, “Decrypted”), and import that."
        )
    notes = [item for item in items if item.get("content_type") == "Note" and isinstance(item.get("content"), dict)]
    if not notes and not any(item.get("content_type") == "Tag" for item in items):
        raise ImportFileError("This JSON file is neither a Notedesk export nor a Standard Notes backup.")
    tags: dict[str, list[str]] = {}
    for item in items:
        content = item.get("content")
        if item.get("content_type") != "Tag" or not isinstance(content, dict) or content.get("trashed"):
            continue
        name = str(content.get("title") or "").strip()[:TAG_MAX_LENGTH]
        references = content.get("references")
        for reference in references if isinstance(references, list) else []:
            if isinstance(reference, dict) and reference.get("content_type") == "Note" and name:
                tags.setdefault(str(reference.get("uuid")), []).append(name)
    for item in notes:
        content = item["content"]
        if content.get("trashed"):
            continue
        app_data = object_or_empty(object_or_empty(content.get("appData")).get(APP_DATA))
        text = str(content.get("text") or "")
        if content.get("noteType") == "super":
            text = super_markdown(text)
        created = item.get("created_at")
        updated = app_data.get("client_updated_at") or item.get("updated_at") or created
        title = " ".join(str(content.get("title") or "").split())[:TITLE_MAX_LENGTH]
        yield from parts_of(title or str(item.get("uuid")), {
            "uid": item.get("uuid"),
            "title": title,
            "body": text,
            "tags": list(dict.fromkeys(tags.get(str(item.get("uuid")), [])))[:MAX_TAGS_PER_NOTE],
            "pinned": bool(content.get("pinned") or app_data.get("pinned")),
            "created": created,
            "updated": max(str(updated), str(created)) if created and updated else updated,
        }, changed)


def object_or_empty(value: object) -> dict:
    """A JSON object of the backup, or {} where it has something else (crafted, or damaged)."""
    return value if isinstance(value, dict) else {}


def super_markdown(text: str) -> str:
    """A Super note's document (Lexical's JSON) as Markdown; the text as it is if it is not one, or
    not one this reads (crafted, or from an editor version it does not know): the note keeps its
    text, and the rest of the backup imports."""
    try:
        root = json.loads(text)["root"]
        return "\n\n".join(block for block in (markdown_block(node) for node in root.get("children", [])) if block) + "\n"
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return text


def inline_text(node: dict) -> str:
    if node.get("type") == "linebreak":
        return "\n"
    if "text" in node:
        text, format_ = str(node["text"]), int(node.get("format") or 0)
        if format_ & 16:
            return f"`{text}`"
        if format_ & 1:
            text = f"**{text}**"
        if format_ & 2:
            text = f"*{text}*"
        if format_ & 4:
            text = f"~~{text}~~"
        return text
    inner = "".join(inline_text(child) for child in node.get("children", []))
    if node.get("type") in ("link", "autolink") and node.get("url"):
        return f"[{inner}]({node['url']})"
    return inner


def markdown_block(node: dict, depth: int = 0) -> str:
    kind = node.get("type")
    if kind == "heading":
        level = str(node.get("tag") or "h1")[1:]
        return "#" * (int(level) if level.isdigit() else 1) + " " + inline_text(node)
    if kind == "quote":
        return "\n".join("> " + line for line in inline_text(node).split("\n"))
    if kind == "code":
        return f"```{node.get('language') or ''}\n{inline_text(node)}\n```"
    if kind == "horizontalrule":
        return "---"
    if kind == "list":
        lines = []
        for number, item in enumerate(node.get("children", []), start=int(node.get("start") or 1)):
            nested = [child for child in item.get("children", []) if child.get("type") == "list"]
            if nested and len(nested) == len(item.get("children", [])):
                lines += [markdown_block(child, depth + 1) for child in nested]
                continue
            marker = {"number": f"{number}.", "check": "- [x]" if item.get("checked") else "- [ ]"}.get(node.get("listType"), "-")
            lines.append("\t" * depth + f"{marker} {inline_text(item)}")
        return "\n".join(lines)
    return inline_text(node)

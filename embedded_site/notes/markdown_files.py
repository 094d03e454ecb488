"""A note as a Markdown file: front matter (one `key: value` line per field, the value written
as JSON, which YAML readers accept too), then the body exactly as it is."""

import json

from django.utils.text import slugify

FENCE = "---"
FRONT_MATTER_KEYS = ("title", "tags", "pinned", "uid", "created", "updated")
MAX_NAME_LENGTH = 60


def to_markdown(record: dict) -> str:
    header = "\n".join(f"{key}: {json.dumps(record[key], ensure_ascii=False)}" for key in FRONT_MATTER_KEYS)
    return f"{FENCE}\n{header}\n{FENCE}\n{record['body']}"


def from_markdown(text: str) -> dict:
    """The record of a file written by to_markdown; ValueError says what is wrong with it.

    A value that is not JSON is taken as plain text, as YAML would for `title: My note`.
    """
    if not text.startswith(FENCE + "\n"):
        raise ValueError(f"it does not start with front matter (a line {FENCE})")
    # Split on "\n" only: JSON strings may hold U+2028, which splitlines() would cut at.
    header, fence, body = text[len(FENCE) + 1 :].partition(f"\n{FENCE}\n")
    if not fence:
        raise ValueError(f"its front matter does not end with a line {FENCE}")
    record = {}
    for line in header.split("\n"):
        key, colon, value = line.partition(":")
        if not colon:
            raise ValueError(f"the front matter line {line!r} is not `key: value`")
        record[key.strip()] = json_or_text(value.strip())
    record["body"] = body
    return record


def json_or_text(value: str):
    try:
        return json.loads(value)
    except ValueError:
        return value


def file_name(record: dict, taken: set[str]) -> str:
    """A readable name from the title, unique within `taken` (which it joins)."""
    stem = slugify(record["title"], allow_unicode=True)[:MAX_NAME_LENGTH] or "note"
    name, number = f"{stem}.md", 2
    while name in taken:
        name, number = f"{stem}-{number}.md", number + 1
    taken.add(name)
    return name

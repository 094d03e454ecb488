"""The tutorial's client snippets, taken verbatim from its text (a copy of the seed kept here)."""

import re
from pathlib import Path

TUTORIAL = Path(__file__).with_name("ajax-in-django.md")
HEADING = re.compile(r"^#{3,4} \**(\d+)\. ", re.MULTILINE)
CODE_BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)
SCRIPT = re.compile(r"<script>\n(.*?)</script>", re.DOTALL)


def section_blocks(number: int, language: str) -> list[str]:
    text = TUTORIAL.read_text(encoding="utf-8")
    starts = [(int(match.group(1)), match.start()) for match in HEADING.finditer(text)]
    start = next(offset for section, offset in starts if section == number)
    end = next((offset for section, offset in starts if offset > start), len(text))
    return [code for lang, code in CODE_BLOCK.findall(text[start:end]) if lang == language]


def script_of(html: str) -> str:
    return SCRIPT.search(html).group(1)


def render_csrf_token(snippet: str, token: str) -> str:
    """What Django's template engine does to {{ csrf_token }} when the snippet sits in a template."""
    return snippet.replace("{{ csrf_token }}", token)


def load_data_snippet() -> str:  # section 1
    return script_of(section_blocks(1, "html")[0])


def submit_snippet_with_csrf_token() -> str:  # section 4, plus the CSRF header it lacks
    snippet = section_blocks(4, "javascript")[0]
    anchor = "xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');\n"
    assert anchor in snippet
    return snippet.replace(anchor, anchor + "    xhr.setRequestHeader('X-CSRFToken', '{{ csrf_token }}');\n")


def fetch_json_snippet() -> str:  # section 6
    return section_blocks(6, "javascript")[0]


def template_snippet() -> str:  # section 7
    return script_of(section_blocks(7, "html")[0])


def error_snippets() -> tuple[str, str]:  # section 9: xhr.onerror, then fetch with !response.ok
    xhr_onerror, fetch_check = section_blocks(9, "javascript")
    return xhr_onerror, fetch_check

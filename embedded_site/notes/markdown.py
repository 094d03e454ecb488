"""Markdown to safe HTML for the editor's preview.

markdown-it-py is a well-kept CommonMark implementation (the parser behind MyST and Jupyter
Book); with `html` off, raw HTML in a note is shown as text, and it refuses javascript:/data:
links. nh3 (Python bindings to Rust's ammonia sanitiser) then allows only the tags, attributes
and URL schemes listed here, as a second line behind the page's CSP.
"""

import functools

import nh3

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img",
    "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}


@functools.cache
def renderer():
    # Imported at the first preview, not at start-up: importing markdown-it takes ~30 ms.
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def render_markdown(text: str) -> str:
    return nh3.clean(
        renderer().render(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"a": {"target": "_blank"}},
    )

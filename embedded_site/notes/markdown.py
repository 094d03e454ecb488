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
ALLOWED_TAGS |= {"small"}  # links.py: the warning after a link to a title that notes share
# class and data-*: for links between notes (links.py), which only the renderer writes (raw
# HTML in a note is shown as text).
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class", "data-note", "data-title"},
    "img": {"src", "alt", "title"},
    "small": {"class", "title"},
}


@functools.cache
def renderer():
    # Imported at the first preview, not at start-up: importing markdown-it takes ~30 ms.
    from markdown_it import MarkdownIt

    from embedded_site.notes.links import wikilink_plugin

    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"]).use(wikilink_plugin)


def render_markdown(text: str, wikilinks: dict | None = None) -> str:
    """`wikilinks`: where each `[[Title]]` goes (links.preview_targets()); without, nowhere."""
    return nh3.clean(
        renderer().render(text, {"wikilinks": wikilinks or {}}),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"a": {"target": "_blank"}},
    )

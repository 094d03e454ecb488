"""Markdown to safe HTML for the editor's preview.

markdown-it-py is a well-kept CommonMark implementation (the parser behind MyST and Jupyter
Book); with `html` off, raw HTML in a note is shown as text, and it refuses javascript:/data:
links. Its plugins (mdit-py-plugins) add footnotes and task lists (`- [ ]`, `- [x]`), as Obsidian
and Joplin show them. nh3 (Python bindings to Rust's ammonia sanitiser) then allows only the tags,
attributes and URL schemes listed here, as a second line behind the page's CSP.
"""

import functools
import re
from html import escape, unescape
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import nh3
from django.urls import Resolver404, resolve

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img",
    "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_TAGS |= {"small"}  # links.py: the warning after a link to a title that notes share
ALLOWED_TAGS |= {"span"}  # links.py: a file of the note named by a [[link]]
ALLOWED_TAGS |= {"sup", "section", "input"}  # footnotes, and task lists' checkboxes
ALLOWED_TAGS |= {"mark"}  # Obsidian's ==highlight==
# Maths, `$…$` and `$$…$$`, as MathML (math_markup), which WebKit and Chromium lay out themselves.
MATHML_TAGS = {
    "math", "menclose", "mfrac", "mi", "mn", "mo", "mover", "mpadded", "mphantom", "mroot", "mrow",
    "mspace", "msqrt", "mstyle", "msub", "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder",
    "munderover",
}
MATHML_ATTRIBUTES = {
    "accent", "columnalign", "columnlines", "columnspacing", "depth", "display", "displaystyle", "fence",
    "form", "height", "largeop", "linethickness", "lspace", "mathbackground", "mathcolor", "mathsize",
    "mathvariant", "maxsize", "minsize", "movablelimits", "notation", "rowlines", "rowspacing", "rspace",
    "scriptlevel", "separator", "stretchy", "voffset", "width",
}
ALLOWED_TAGS |= MATHML_TAGS
# class and data-*: for links between notes (links.py), which only the renderer writes (raw
# HTML in a note is shown as text).
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class", "data-note", "data-title", "data-in-trash", "data-heading", "id"},
    "img": {"src", "alt", "title"},
    "small": {"class", "title"},
    "span": {"class", "title"},
    "sup": {"class"}, "section": {"class"}, "hr": {"class"}, "ol": {"class"}, "ul": {"class"}, "li": {"class", "id"},
    "input": {"data-line"},
    "pre": {"class"},  # the note's front matter (its properties), shown apart from its text
    "blockquote": {"class"}, "p": {"class"},  # Obsidian's callouts, `> [!note] Title`
    "code": {"class", "title"},  # maths the converter does not understand (math_markup)
} | {tag: MATHML_ATTRIBUTES for tag in MATHML_TAGS}
# A task list's checkbox, the only input the renderer writes: ticked in the preview, it ticks the
# line of the text its data-line names (editor.js), never a form field.
ALLOWED_VALUES = {"input": {"type": {"checkbox"}, "checked": {"checked"}, "class": {"task-list-item-checkbox"}}}
# A table column's alignment (`|---:|`), which markdown-it writes as a style= that the sanitiser
# and the CSP refuse: a class instead (app.css).
CELL_ALIGNMENTS = {"text-align:left": "align-left", "text-align:center": "align-center", "text-align:right": "align-right"}
ALLOWED_VALUES |= {cell: {"class": set(CELL_ALIGNMENTS.values())} for cell in ("th", "td")}
# A list, quote or table runs in the direction of its first letter (dir="auto"), so that a Hebrew
# list has its bullets on the right and a table its first column there; each paragraph, item and
# cell inside runs in its own (app.css, unicode-bidi: plaintext). Not on the items themselves: a
# dir="auto" list skips the text of children with a dir of their own, and would be left to right.
CONTAINERS = {"bullet_list_open", "ordered_list_open", "blockquote_open", "table_open"}
ALLOWED_VALUES |= {tag: {"dir": {"auto"}} for tag in ("ul", "ol", "blockquote", "table")}
TASK_CHECKBOX = '<input class="task-list-item-checkbox"'



@functools.cache
def renderer():
    # Imported at the first preview, not at start-up: importing markdown-it takes ~30 ms.
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin
    from mdit_py_plugins.tasklists import tasklists_plugin

    from embedded_site.notes.links import wikilink_plugin

    md = (MarkdownIt("commonmark", {"html": False, "highlight": highlighted_code}).enable(["table", "strikethrough"])
          .use(front_matter_plugin).use(wikilink_plugin).use(footnote_plugin).use(tasklists_plugin, enabled=True)
          # As Obsidian and Joplin read dollars: `$5 and $10` is no maths (no digit after the
          # closing `$`, no space inside it), and `$$…$$` within a line is shown on a line of its own.
          .use(dollarmath_plugin, allow_labels=False, allow_space=False, allow_digits=False,
               allow_blank_lines=False, double_inline=True))

    def task_lines(state):
        """Each task's checkbox names the line of the text its item starts on."""
        for token in state.tokens:
            first = token.children[0] if token.type == "inline" and token.children else None
            if first is not None and first.type == "html_inline" and first.content.startswith(TASK_CHECKBOX):
                first.content = f'{TASK_CHECKBOX} data-line="{token.map[0]}"{first.content[len(TASK_CHECKBOX):]}'

    def cell_alignments(state):
        for token in state.tokens:
            if token.type in ("th_open", "td_open") and (alignment := token.attrs.pop("style", None)):
                token.attrSet("class", CELL_ALIGNMENTS[alignment])

    md.core.ruler.after("github-tasklists", "task_lines", task_lines)
    def container_directions(state):
        for token in state.tokens:
            if token.type in CONTAINERS:
                token.attrSet("dir", "auto")

    md.core.ruler.push("cell_alignments", cell_alignments)
    md.core.ruler.push("container_directions", container_directions)
    md.inline.ruler.before("linkify", "bare_url", bare_url)
    md.inline.ruler.before("emphasis", "highlight", highlight)
    md.inline.ruler.before("emphasis", "comment", comment)
    md.block.ruler.before("paragraph", "comment_block", comment_block, {"alt": ["paragraph"]})
    md.core.ruler.after("inline", "callouts", callouts)
    show_image = md.renderer.rules["image"]

    def image(renderer, tokens, index, options, env):
        # `![alt](images/photo.png)`, as a note imported from a folder has it: the note's attachment of that name.
        token = tokens[index]
        attached = attachment_at(token.attrGet("src") or "", env)
        if attached and attached["image"]:
            token.attrSet("src", attached["url"])
        return show_image(tokens, index, options, env)

    def link_open(renderer, tokens, index, options, env):
        # `[Manual](../_resources/manual.pdf)` or `[Trip](../Notebook/Trip.md)`, as other apps
        # export them: the note's file of that name, or text. Followed, the address was a 404
        # page in place of the app.
        token, target = tokens[index], tokens[index].attrGet("href") or ""
        if (is_relative(target) and not target.startswith("#")) or is_local_file(target):
            if attached := attachment_at(target, env):
                token.attrSet("href", attached["url"])
            else:
                closing = next(later for later in tokens[index + 1:] if later.type == "link_close" and later.level == token.level)
                token.tag = closing.tag = "span"
                token.attrs = {"class": "unlinked", "title": f"Not a note or a file of this note: {unquote(target)}"}
        return renderer.renderToken(tokens, index, options, env)

    def front_matter(renderer, tokens, index, options, env):
        # Obsidian's properties (`---` lines around `aliases: …` at the top), which an import keeps
        # in the text: as they are written, apart, not as a rule and a heading of `aliases: …`.
        return f'<pre class="front-matter"><code>{escape(tokens[index].content)}</code></pre>'

    parses_as_link = md.validateLink
    # markdown-it leaves `[Report](file:///home/me/report.pdf)` as its brackets and address; it is
    # a link to a local file, which link_open turns into the note's file of that name or text.
    md.validateLink = lambda url: parses_as_link(url) or url.lower().startswith("file:")
    md.add_render_rule("front_matter", front_matter)
    for kind, display in (("math_inline", "inline"), ("math_inline_double", "block"), ("math_block", "block")):
        md.add_render_rule(kind, lambda renderer, tokens, index, options, env, display=display:
                           math_markup(tokens[index].content, display, tokens[index].markup))
    md.add_render_rule("image", image)
    md.add_render_rule("link_open", link_open)
    return md


# An address typed or pasted as it is (`https://example.org/a?b=1`), which Obsidian, Joplin and
# Standard Notes show as a link: up to a space, and without the punctuation after it in a sentence.
BARE_URL_SCHEME = re.compile(r"(?:^|[^A-Za-z0-9.+-])(https?)$", re.IGNORECASE)
BARE_URL_REST = re.compile(r"://[^\s<>\"'`]+")
BARE_URL_END = ".,:;!?*_~'\""


def bare_url(state, silent: bool) -> bool:
    """markdown-it inline rule, at the `:` of `https://`, as its own linkify is (which needs
    linkify-it-py): the scheme is the end of the text before it. Not inside a link's text."""
    if state.linkLevel > 0 or not state.src.startswith("://", state.pos):
        return False
    scheme = BARE_URL_SCHEME.search(state.pending)
    rest = BARE_URL_REST.match(state.src, state.pos, state.posMax)
    if scheme is None or rest is None:
        return False
    url = scheme.group(1) + rest.group()
    while url[-1] in BARE_URL_END or (url[-1] == ")" and url.count("(") < url.count(")")):
        url = url[:-1]
    if len(url) <= len(scheme.group(1)) + 3:
        return False
    address = state.md.normalizeLink(url)
    if not state.md.validateLink(address):
        return False
    if not silent:
        state.pending = state.pending[: -len(scheme.group(1))]
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": address}
        token.markup, token.info = "linkify", "auto"
        state.push("text", "", 0).content = state.md.normalizeLinkText(url)
        token = state.push("link_close", "a", -1)
        token.markup, token.info = "linkify", "auto"
    state.pos += len(url) - len(scheme.group(1))
    return True


def highlight(state, silent: bool) -> bool:
    """markdown-it inline rule: Obsidian's `==text==` as <mark>, on one line, the text not
    starting or ending with a space; its inside parsed as any text is."""
    start = state.pos
    if not state.src.startswith("==", start) or state.src.startswith("===", start):
        return False
    end = state.src.find("==", start + 2, state.posMax)
    inner = state.src[start + 2 : end] if end != -1 else ""
    if not inner or inner != inner.strip() or "\n" in inner or state.src.startswith("===", end):
        return False
    if not silent:
        state.push("mark_open", "mark", 1).markup = "=="
        old_max, state.pos, state.posMax = state.posMax, start + 2, end
        state.md.inline.tokenize(state)
        state.posMax = old_max
        state.push("mark_close", "mark", -1).markup = "=="
    state.pos = end + 2
    return True


def comment(state, silent: bool) -> bool:
    """markdown-it inline rule: Obsidian's comment, `%%…%%`, shown nowhere but in the text (as
    Obsidian shows it only in its editor). Not in code: the code span is read before it."""
    start = state.pos
    end = state.src.find("%%", start + 2, state.posMax) if state.src.startswith("%%", start) else -1
    if end == -1:
        return False
    state.pos = end + 2
    return True


def comment_block(state, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it block rule: an Obsidian comment from a line starting `%%` to the `%%` that ends a
    line, blank lines included, shown nowhere; one closed within a line of text is comment()'s."""
    start = state.bMarks[start_line] + state.tShift[start_line]
    if state.sCount[start_line] - state.blkIndent >= 4 or not state.src.startswith("%%", start):
        return False
    closing = state.src.find("%%", start + 2)
    line = start_line
    while closing != -1 and line < end_line:
        if closing + 2 <= state.eMarks[line]:
            if state.src[closing + 2 : state.eMarks[line]].strip():
                return False
            if not silent:
                state.line = line + 1
            return True
        line += 1
    return False


CALLOUT = re.compile(r"^\[!([A-Za-z][\w-]*)\][+-]?[ \t]*(.*)$")


def callouts(state) -> None:
    """markdown-it core rule: Obsidian's callout, a quote starting `[!note] Title`, as a quote of
    the class `callout callout-note` whose first paragraph is its title (the type's, if none)."""
    tokens = state.tokens
    for token in [token for token in tokens if token.type == "blockquote_open"]:
        index = next(position for position, candidate in enumerate(tokens) if candidate is token)
        if index + 2 >= len(tokens) or tokens[index + 1].type != "paragraph_open":
            continue
        inline = tokens[index + 2]
        first_line, _, rest = inline.content.partition("\n")
        match = CALLOUT.match(first_line)
        if match is None:
            continue
        kind = match.group(1).lower()
        token.attrSet("class", f"callout callout-{kind}")
        title = match.group(2) or kind.capitalize()
        if rest:  # the title a paragraph of its own, the rest of the lines after it
            title_tokens = state.md.parseInline(title, state.env)[0].children
            body_tokens = state.md.parseInline(rest, state.env)[0].children
            inline.content, inline.children = rest, body_tokens
            opening = tokens[index + 1]
            new = [opening.__class__("paragraph_open", "p", 1), opening.__class__("inline", "", 0), opening.__class__("paragraph_close", "p", -1)]
            new[0].attrSet("class", "callout-title")
            new[1].content, new[1].children = title, title_tokens
            tokens[index + 1 : index + 1] = new
        else:
            tokens[index + 1].attrSet("class", "callout-title")
            inline.content = title
            inline.children = state.md.parseInline(title, state.env)[0].children


def highlighted_code(code: str, language: str, attributes: str) -> str:
    """A fenced block's code, ```` ```python ````, coloured as Obsidian and Joplin colour it:
    Pygments' tokens as `<span class="k">` (app.css colours them); a language whose lexer the app
    does not ship, or none, is left to markdown-it, which shows the code as it is."""
    if language.lower() not in colourable_languages():
        return ""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name

    # Markdown's lexer colours the fences inside it by their language's lexer, which the build may
    # not ship: it shows them plain instead. A lexer that still asks for one the build left out
    # (PostgreSQL's for a function `LANGUAGE plperl`) fails to import it: the block is shown plain.
    try:
        return highlight(code, get_lexer_by_name(language, handlecodeblocks=False, stripnl=False), HtmlFormatter(nowrap=True))
    except ImportError:
        return ""


@functools.cache
def colourable_languages() -> frozenset[str]:
    """The names of the languages whose lexers the build ships (pyproject's leave-out): run from the
    source, where Pygments has every lexer, a note's code is coloured as in the built app."""
    from django.conf import settings
    from django_desktop_shell.identity import load
    from pygments.lexers._mapping import LEXERS  # each lexer's module and names, none imported

    identity = load(settings.BASE_DIR)
    return frozenset(name for module, _, names, _, _ in LEXERS.values() if identity.ships(module) for name in names)


def math_markup(latex: str, display: str, dollars: str) -> str:
    """LaTeX as MathML (latex2mathml, pure Python, and ElementTree, imported at the first formula);
    one it cannot read is shown as it was written, in code, with the converter's complaint as its tooltip."""
    from xml.etree.ElementTree import tostring

    from latex2mathml.converter import convert_to_element

    try:
        formula = convert_to_element(latex.strip(), display=display)
    # The converter raises a class of its own for each mistake (MissingEndError…), and
    # StopIteration for a command whose argument is missing: none may stop the preview.
    except Exception as error:
        mistake = re.sub(r"(?<!^)(?=[A-Z])", " ", type(error).__name__.removesuffix("Error")).lower()
        complaint = "a brace or an argument is missing" if mistake in ("no available tokens", "stop iteration") else mistake
        return f'<code class="math-error" title="Maths not understood: {escape(complaint)}">{escape(dollars + latex + dollars)}</code>'
    # Its own convert() unescapes the whole markup, to turn the character references it writes
    # into the elements' text (`&#x0003C;`) into characters: `\text{x<y}` came out as a tag.
    for element in formula.iter():
        element.text = element.text and unescape(element.text)
    return tostring(formula, encoding="unicode")


def is_relative(address: str) -> bool:
    return not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:|/", address)


def is_local_file(address: str) -> bool:
    """`file:///home/me/report.pdf`, or `/home/me/report.pdf`: a file on this computer, which the
    window cannot show (followed, the path replaced the app with a 404 page). The app's own
    addresses (`/api/…`) are not."""
    if address.lower().startswith("file:"):
        return True
    if not address.startswith("/") or address.startswith("//"):
        return False
    try:
        resolve(urlsplit(address).path)
    except Resolver404:
        return True
    return False


def attachment_at(address: str, env: dict) -> dict | None:
    """The note's file that a relative address, or a local file's, names by its file name, if any."""
    if not (is_relative(address) or is_local_file(address)):
        return None
    return env.get("attachments", {}).get(unquote(PurePosixPath(urlsplit(address).path).name).casefold())


def render_markdown(text: str, wikilinks: dict | None = None, attachments: dict | None = None) -> str:
    """`wikilinks`: where each `[[Title]]` goes (links.preview_targets()); without, nowhere.
    `attachments`: the note's files by name (attachments.attached_files()), which its text may
    show (`![alt](photo.png)`, `![[photo.png]]`) or name (`[[report.pdf]]`)."""
    return nh3.clean(
        renderer().render(text, {"wikilinks": wikilinks or {}, "attachments": attachments or {}}),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=ALLOWED_VALUES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"a": {"target": "_blank"}},
    )

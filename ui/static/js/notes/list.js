// The list pane: a row per note, made only for the notes in view plus a margin (10,000 rows made
// once stay in WebKit's memory after they are gone). Every row has the same height (app.css), so
// a note's place is its index times the row's stride, and the space of the rows not made is the
// list's ::before and ::after.

const MARGIN_ROWS = 10;  // made above and below the view, so a fast scroll never shows a gap
const FIRST_ROWS = 2;    // made to measure the stride; once it is known, the rows in view are made

// As a note's row shows when it was last changed (Go to note too).
export const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const list = {
  container: null,
  notes: [],
  total: 0,
  totalExact: true,
  selectedId: null,
  stride: 0,          // a row's height plus the gap to the next, in px; 0 until measured
  rows: new Map(),    // rowKey(note) → its row, for the notes in view
  onNearEnd: () => {},
};

// A count as the page writes it: 99,500 rather than 99500.
export const countText = (count) => count.toLocaleString('en');
export const notesCount = (count) => `${countText(count)} ${count === 1 ? 'note' : 'notes'}`;

// A row shows a note as it is at one version (its text, tags, pinning), with one search's snippet:
// the list loaded again keeps the rows of the notes that did not change.
const rowKey = (note) => `${note.id}:${note.version}:${note.snippet ?? ''}:${note.marked_title ?? ''}`;

// The first `count` characters as they are seen: an emoji's skin tone, a flag's second letter, an
// accent stay with theirs (slice() cut 👍🏿 into 👍 and half of the skin tone's code).
const characters = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
// The segments are read one by one up to `count`: a row of a note of megabytes segments 200 of them.
export function firstCharacters(text, count) {
  let end = 0;
  for (const { index, segment } of characters.segment(text)) {
    if (count-- === 0) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

// A note's text as its row shows it: the words without the Markdown around them (`# `, `**`,
// `[text](address)`, `[[Title|shown]]`, a table's pipes, a heading's `===` underline, front matter,
// fences, Obsidian's `%%comments%%`), as in the preview.
// Only the first lines are read: enough for a row of a note of megabytes.
const PLAIN_TEXT_CHARACTERS = 400;
const LONGEST_LINE = 2000;
const SKIPPED_LINE = /^\s*(?:(?:```|~~~).*|=+|-+|\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?|([-*_])(?:\s*\1){2,})\s*$/;
const LINE_START = /^\s*(?:>\s?)*(?:#{1,6}\s+|(?:[-*+]|\d+[.)])\s+)?(?:\[[ xX]\](?:\s+|$))?(?:\[![\w-]+\][+-]?\s*)?/;
const NOTE_LINK = /!?\[\[([^\]|#]*)(?:#([^\]|]*))?(?:\|([^\]]*))?\]\]/g;
// A line starting `%%` and not closing it opens a comment, which the line holding the next `%%` closes.
const COMMENT_OPENING = /^\s*%%(?!.*%%)/;
const LINK = /!?\[([^\]]*)\]\(([^)]*)\)/g;
const INLINE = [
  [/\s*%%.+?%%/g, ''],
  [/\[\^[^\]]+\]/g, ''],
  [/(\*\*|__|~~|==)(?=\S)(.+?)\1/g, '$2'],
  [/(^|[\s(])([*_])(?=\S)(.+?)\2(?=$|[\s).,;:!?])/g, '$1$3'],
  [/`([^`]+)`/g, '$1'],
  [/<\/?[a-zA-Z][^>]*>/g, ''],
  [/\\([\\`*_{}[\]()#+\-.!|>~=])/g, '$1'],
];

// What a search's snippet, cut where the note goes on (`…`), may hold of a construct cut in two,
// which plainLine() does not match: half of an emphasis or of a [[link]]; at the cut start the end
// of a tag or of a link's text, at the cut end the start of a tag or of a link.
const HALVES = /(?:\*\*|__|~~|==)(?=[^\s*_~=])|(?<=[^\s*_~=])(?:\*\*|__|~~|==)|!?\[\[|\]\]/g;
const CUT_START = /^(?:(?:[^<>]*["']|[\w-]*)\s*\/?>|([^[\]]*)\]\(([^)]*)\))/;
const CUT_END = /(?:<\/?[a-zA-Z][^>]*|!?\[([^\]]*)(?:\]\(([^)]*))?)$/;

// A link's address, or a `[[link|shown]]`'s title, which the row leaves out, is shown after its
// text where it holds a match (`marks`: the characters standing for a match's start and end).
const withHidden = (shown, hidden, marks) => ([...marks].some((mark) => hidden.includes(mark)) ? `${shown} (${hidden})` : shown);

function plainLine(line, marks = '') {
  let text = line.replace(LINE_START, '')
    .replace(NOTE_LINK, (_, title, heading, shown) => (shown ? withHidden(shown, title, marks) : title || heading || ''))
    .replace(LINK, (_, shown, address) => withHidden(shown, address, marks));
  if (text.includes('|')) text = text.replace(/^\s*\|/, '').replace(/\|\s*$/, '').split(/\s*(?<!\\)\|\s*/).join(' · ');
  for (const [pattern, replacement] of INLINE) text = text.replace(pattern, replacement);
  return text.trim();
}

// The note's first lines that hold words, each as plainLine() makes it, until `enough` characters.
function plainLines(markdown, enough, marks = '') {
  const lines = [];
  let length = 0;
  let start = 0;
  let inComment = false;
  if (/^---\r?\n/.test(markdown)) {
    const end = markdown.search(/\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/);
    if (end > 0) start = markdown.indexOf('\n', end + 1) + 1 || markdown.length;
  }
  while (start < markdown.length && length < enough) {
    const newline = markdown.indexOf('\n', start);
    const end = newline === -1 ? markdown.length : newline;
    let line = markdown.slice(start, Math.min(end, start + LONGEST_LINE));
    if (/[\uD800-\uDBFF]$/.test(line)) line = line.slice(0, -1);
    start = end + 1;
    if (inComment) {
      inComment = !line.includes('%%');
      continue;
    }
    inComment = COMMENT_OPENING.test(line);
    if (inComment || SKIPPED_LINE.test(line)) continue;
    const text = plainLine(line, marks);
    if (text) {
      lines.push(text);
      length += text.length + 1;
    }
  }
  return lines;
}

export function noteTitle(note) {
  return note.title.trim() || firstCharacters(plainLines(note.body, 1)[0] ?? '', 80) || 'Untitled';
}

// Whether a row's first line only repeats the note's title (`# Title`), which the row leaves out.
const repeatsTitle = (line, note) => line.toLowerCase() === noteTitle(note).toLowerCase();

// The row's text: the note's, less a first line that only repeats its title.
export function excerptText(note) {
  const lines = plainLines(note.body, PLAIN_TEXT_CHARACTERS);
  if (lines.length && repeatsTitle(lines[0], note)) lines.shift();
  return firstCharacters(lines.join(' '), 200);
}

// Two characters the text does not hold, to stand for a mark's start and end while its Markdown is taken out.
function charactersNotIn(text) {
  const unused = [];
  for (let code = 0xE000; unused.length < 2; code++) {
    if (!text.includes(String.fromCharCode(code))) unused.push(String.fromCharCode(code));
  }
  return unused;
}

// The text of the server's HTML of a note's text (escaped, with <mark> around the matches), and
// the two characters, which the text does not hold, that stand in it for each mark's start and end.
function withMarks(html) {
  const parsed = document.createElement('template');
  parsed.innerHTML = html;
  const marks = charactersNotIn(parsed.content.textContent);
  for (const mark of parsed.content.querySelectorAll('mark')) mark.replaceWith(marks[0] + mark.textContent + marks[1]);
  return [parsed.content.textContent, marks.join('')];
}

// Text nodes and <mark>s of a text holding withMarks()'s characters: the note's text only ever
// becomes text nodes; the marks are made here.
function markedNodes(text, [open, close]) {
  const nodes = [];
  let marked = false;
  for (const part of text.split(new RegExp(`([${open}${close}])`))) {
    if (part === open || part === close) marked = part === open;
    else if (part) nodes.push(marked ? Object.assign(document.createElement('mark'), { textContent: part }) : document.createTextNode(part));
  }
  return nodes;
}

// A snippet's text (an excerpt of a note, `…` where it was cut) as excerptText() makes a note's:
// its lines' Markdown taken out, and what the cut left of a construct. `marks`: see plainLine().
function snippetLines(snippet, marks = '') {
  const [, before, text, after] = snippet.match(/^(…?)([^]*?)(…?)$/);
  const uncut = (_, shown, hidden) => (shown === undefined ? '' : withHidden(shown, hidden ?? '', marks));
  const lines = plainLines(text, Infinity, marks).map((line, index, all) => {
    let plain = line.replace(HALVES, '');
    if (before && index === 0) plain = plain.replace(CUT_START, uncut);
    if (after && index === all.length - 1) plain = plain.replace(CUT_END, uncut);
    return plain.trim();
  }).filter(Boolean);
  return [before, lines, after];
}

// A snippet's text on one line, as a row shows it (the backlinks' snippets).
export function snippetText(snippet) {
  const [before, lines, after] = snippetLines(snippet);
  return lines.length ? before + lines.join(' ') + after : '';
}

// A search result's row text: its snippet (HTML the server escaped, with <mark> around the
// matches, and the excerpt's line breaks) as snippetLines() makes it, the matches still marked.
function snippetNodes(note) {
  const [text, marks] = withMarks(note.snippet);
  const [before, lines, after] = snippetLines(text, marks);
  // A first line that repeats the title is left out, its matches too: the title line marks them.
  // Without a match left (only the title matched, or only operators were searched: the snippet is
  // the body's start), the row shows the note's text as it does with no search.
  if (!before && lines.length && repeatsTitle(unmarked(lines[0], marks), note)) lines.shift();
  return lines.some((line) => line.includes(marks[0])) ? markedNodes(before + lines.join(' ') + after, marks) : [];
}

const unmarked = (text, marks) => text.replace(new RegExp(`[${marks}]`, 'g'), '');

// A search result's title line, its matches marked (marked_title: as the snippet, of the title).
function titleNodes(note) {
  const title = noteTitle(note);
  if (!note.marked_title?.includes('<mark>')) return [title];
  const [text, marks] = withMarks(note.marked_title);
  // (PostgreSQL's ts_headline leaves out what looks like a tag: then the title is shown unmarked.)
  return unmarked(text, marks).trim() === title ? markedNodes(text.trim(), marks) : [title];
}

function noteRow(note) {
  const row = document.createElement('li');
  row.className = 'note-item';
  row.id = `note-${note.id}`;
  row.dataset.id = note.id;
  row.setAttribute('role', 'option');

  const title = document.createElement('div');
  title.className = 'note-item-title';
  title.dir = 'auto';
  if (note.pinned) {
    const pin = Object.assign(document.createElement('span'), { className: 'pin', textContent: '●', title: 'Pinned' });
    pin.setAttribute('role', 'img');  // read as "Pinned", not "black circle"
    pin.setAttribute('aria-label', 'Pinned');
    title.append(pin);
  }
  title.append(...titleNodes(note));
  // The whole title, which the row's one line may cut (on the line, not the row: the row's name
  // says it already, and a tooltip of its own would be read out after it again).
  title.title = noteTitle(note);

  const snippetParts = note.snippet ? snippetNodes(note) : [];
  const text = snippetParts.length ? '' : excerptText(note);
  const excerpt = document.createElement('div');
  excerpt.className = 'note-item-excerpt';
  excerpt.dir = 'auto';
  if (snippetParts.length) excerpt.append(...snippetParts);
  else if (text) excerpt.textContent = text;
  else {
    // Rows are of one height: the room of the text says there is none rather than stay blank.
    excerpt.textContent = 'No additional text';
    excerpt.classList.add('empty');
  }

  const meta = document.createElement('div');
  meta.className = 'note-item-meta';
  // The row keeps one line of tags; the rest are counted (fitTags) and named on hover.
  const allTags = `Tags: ${note.tags.join(', ')}`;
  if (note.tags.length) meta.title = allTags;
  const updated = dateFormat.format(new Date(note.updated));
  meta.append(Object.assign(document.createElement('time'), { dateTime: note.updated, textContent: updated }));
  for (const tag of note.tags) meta.append(Object.assign(document.createElement('span'), { className: 'chip', textContent: tag }));
  if (note.tags.length) meta.append(Object.assign(document.createElement('span'), { className: 'chip more-tags', title: allTags, hidden: true }));

  row.append(title, excerpt, meta);
  // As a screen reader reads the row: its parts apart ("PinnedShopping list", "eggsDec 6" from
  // the text alone), and the tags said to be tags.
  const tags = note.tags.length ? `tags: ${note.tags.join(', ')}` : '';
  row.setAttribute('aria-label', [note.pinned ? 'Pinned' : '', noteTitle(note), excerpt.textContent, updated, tags].filter(Boolean).join(', '));
  return row;
}

// onNearEnd: called when the rows made reach the last note loaded, for the next page.
export function setUpList(container, { onNearEnd }) {
  list.container = container;
  list.onNearEnd = onNearEnd;
  container.addEventListener('scroll', render, { passive: true });
  let width = container.clientWidth;
  // A narrower list (the window's narrow layout) has other paddings: the stride is measured again.
  new ResizeObserver(() => {
    if (container.clientWidth !== width) list.stride = 0;
    width = container.clientWidth;
    render();
  }).observe(container);
}

// The notes loaded (the first `total` of the list, or at least that many when not `totalExact`).
// fromTop: a new list (another view or search), shown from its first note.
export function showNotes(notes, { total, totalExact, selectedId, fromTop = false }) {
  Object.assign(list, { notes, total, totalExact, selectedId });
  if (fromTop) list.container.scrollTop = 0;
  render();
}

export function markSelected(selectedId) {
  list.selectedId = selectedId;
  const index = list.notes.findIndex((note) => note.id === selectedId);
  if (index >= 0 && list.stride) scrollToRow(index);
  render();
}

// How many rows PageDown moves by: those in view, less one that stays in view.
export function rowsInView() {
  const { container, stride } = list;
  return stride ? Math.max(1, Math.floor(container.clientHeight / stride) - 1) : 1;
}

// The row at `index` scrolled into view, as scrollIntoView({ block: 'nearest' }) would, before it is made.
function scrollToRow(index) {
  const { container, stride } = list;
  const top = index * stride;
  if (top < container.scrollTop) container.scrollTop = top;
  else if (top + stride > container.scrollTop + container.clientHeight) container.scrollTop = top + stride - container.clientHeight;
}

function render() {
  const { container, notes } = list;
  if (!container) return;
  let first = 0;
  let last = Math.min(notes.length, FIRST_ROWS);
  if (list.stride) {
    first = Math.max(0, Math.floor(container.scrollTop / list.stride) - MARGIN_ROWS);
    last = Math.min(notes.length, Math.ceil((container.scrollTop + container.clientHeight) / list.stride) + MARGIN_ROWS);
  }
  const shown = notes.slice(first, last);
  const rows = new Map(shown.map((note) => [rowKey(note), list.rows.get(rowKey(note)) ?? noteRow(note)]));
  const setSize = list.totalExact ? String(list.total) : '-1';  // -1: not known yet
  shown.forEach((note, offset) => {
    const row = rows.get(rowKey(note));
    row.setAttribute('aria-setsize', setSize);
    row.setAttribute('aria-posinset', String(first + offset + 1));
    row.setAttribute('aria-selected', String(note.id === list.selectedId));
  });
  placeRows([...rows.values()]);
  list.rows = rows;
  for (const row of rows.values()) fitTags(row);

  if (!list.stride && rows.size) {
    list.stride = measureStride();  // 0 while the list is not laid out (then it is measured at its next render)
    if (list.stride) {
      render();
      return;
    }
  }
  container.style.setProperty('--rows-above', `${first * list.stride}px`);
  container.style.setProperty('--rows-below', `${(notes.length - last) * list.stride}px`);
  const selected = list.selectedId != null && document.getElementById(`note-${list.selectedId}`);
  if (selected) container.setAttribute('aria-activedescendant', selected.id);
  else container.removeAttribute('aria-activedescendant');
  if (last === notes.length && notes.length) list.onNearEnd();
}

// The list's children made `rows`, in order, without taking out a row that stays: a row taken out
// and put back between the press and the release of the mouse button loses the click.
function placeRows(rows) {
  const { container } = list;
  const staying = new Set(rows);
  for (const child of [...container.children]) if (!staying.has(child)) child.remove();
  let next = container.firstElementChild;
  for (const row of rows) {
    if (row === next) next = next.nextElementSibling;
    else container.insertBefore(row, next);
  }
}

// The tags a row has no room for on its line are hidden and counted ("+3"), the count itself on the
// line. Done again when the list's width changes; a row not laid out yet (the list hidden) waits.
function fitTags(row) {
  const width = list.container.clientWidth;
  const more = row.querySelector('.more-tags');
  if (!more || !width || row.tagsFitWidth === width) return;
  row.tagsFitWidth = width;
  const meta = more.parentElement;
  const chips = [...row.querySelectorAll('.chip:not(.more-tags)')];
  for (const chip of chips) chip.hidden = false;
  more.hidden = true;
  meta.classList.remove('crowded');
  const lineBottom = meta.getBoundingClientRect().bottom;
  const onTheLine = (element) => element.getBoundingClientRect().bottom <= lineBottom + 0.5;
  let shown = chips.filter(onTheLine).length;
  if (shown === chips.length) return;
  for (const chip of chips.slice(shown)) chip.hidden = true;
  more.hidden = false;
  more.textContent = `+${chips.length - shown}`;
  while (shown && !onTheLine(more)) {
    chips[--shown].hidden = true;
    more.textContent = `+${chips.length - shown}`;
  }
  // A narrow list whose date takes the whole line: the date is cut short rather than the count go.
  if (!onTheLine(more)) meta.classList.add('crowded');
}

function measureStride() {
  const [row, next] = list.container.children;
  const box = row.getBoundingClientRect();
  if (next) return next.getBoundingClientRect().top - box.top;
  return box.height + parseFloat(getComputedStyle(row).marginBottom);
}

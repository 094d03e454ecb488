// `[[` in the note's text: a list of note titles under the caret, from the API as you type.
// Arrow keys choose, Enter or Tab puts in `[[Title]]`, Escape closes it. After a `#`, as in
// Obsidian, the headings of that note (`[[Title#`), or of this one (`[[#`): `[[Title#Heading]]`.
import { completeTitles, getNote } from './api.js';
import { caretPoint } from './caret_point.js';
import { composing } from './composition.js';
import { notesCount } from './list.js';
import { outlineOf } from './outline.js';
import { matchKey as key, newOptionIds } from './picker.js';

const DELAY_MS = 60;
const LOOK_BACK = 300;  // characters before the caret searched for the `[[`

function emptyText(query) {
  if (!query) return 'No notes with a title yet';
  if (!query.includes('#')) return `No note is titled “${query}” yet`;
  const title = query.slice(0, query.indexOf('#')).trim();
  return title ? `No such heading in “${title}”, or no note of that title` : 'No such heading in this note';
}

export class TitleCompletion {
  constructor(textarea, list) {
    this.textarea = textarea;
    this.list = list;
    this.options = [];
    this.active = -1;
    this.context = null;  // {start, query}: where the `[[` is and what follows it
    this.timer = null;
    this.request = null;
    textarea.setAttribute('aria-controls', list.id);
    textarea.setAttribute('aria-autocomplete', 'list');
    textarea.addEventListener('input', () => this.update());
    textarea.addEventListener('click', () => this.update());
    textarea.addEventListener('keydown', (event) => this.onKey(event));
    // Later, so that a click on an option is taken first; not if the text has the focus back by
    // then (Go to heading, and Escape straight back to the text, say).
    textarea.addEventListener('blur', () => setTimeout(() => { if (document.activeElement !== textarea) this.close(); }, 150));
    list.addEventListener('mousedown', (event) => event.preventDefault());  // the textarea keeps the focus
    list.addEventListener('click', (event) => {
      const option = event.target.closest('[role="option"]');
      if (option) this.accept(Number(option.dataset.index));
    });
  }

  get open() { return !this.list.hidden; }

  // The `[[` the caret is in, if any: no `]`, `[`, `|` or line break between it and the caret.
  findContext() {
    const { value, selectionStart, selectionEnd } = this.textarea;
    if (selectionStart !== selectionEnd) return null;
    const before = value.slice(Math.max(0, selectionStart - LOOK_BACK), selectionStart);
    const opening = before.lastIndexOf('[[');
    if (opening < 0) return null;
    const query = before.slice(opening + 2);
    if (/[[\]|\n]/.test(query)) return null;
    return { start: selectionStart - query.length - 2, query };
  }

  update() {
    const context = this.findContext();
    if (!context) { this.close(); return; }
    const same = this.context && this.context.start === context.start && this.context.query === context.query;
    this.context = context;
    if (same && this.open) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fetch(context), DELAY_MS);
  }

  async fetch(context) {
    this.request?.abort();
    const request = this.request = new AbortController();
    let titles;
    try {
      titles = context.query.includes('#')
        ? await this.headings(context.query, request.signal)
        : (await completeTitles(context.query, request.signal)).titles;
    } catch { return; }
    if (request.signal.aborted || this.context !== context) return;
    this.show(titles);
  }

  // `Title#Head`: the headings of the note a link to that title opens that start with (or hold)
  // what follows the `#`; `#Head`, this note's own.
  async headings(query, signal) {
    const at = query.indexOf('#');
    const [title, wanted] = [query.slice(0, at).trim(), key(query.slice(at + 1))];
    let [text, linked] = [this.textarea.value, ''];
    if (title) {
      const found = (await completeTitles(title, signal)).titles.find((option) => key(option.title) === key(title));
      if (!found) return [];
      ({ body: text, title: linked } = await getNote(found.id, { signal, showErrors: false }));
    }
    const headings = [...new Set(outlineOf(text).map((heading) => heading.text))].filter((heading) => key(heading).includes(wanted) && !/[[\]|]/.test(heading))
      .sort((a, b) => Number(!key(a).startsWith(wanted)) - Number(!key(b).startsWith(wanted)));
    return headings.map((heading) => ({ title: `${linked}#${heading}`, label: heading, count: 1 }));
  }

  show(titles) {
    this.options = titles;
    this.active = titles.length ? 0 : -1;
    const query = this.context.query.trim();
    const optionId = newOptionIds('titleOption');
    this.list.replaceChildren(...titles.map((title, index) => {
      const option = document.createElement('li');
      option.id = optionId(index);
      option.dataset.index = index;
      option.setAttribute('role', 'option');
      option.append(Object.assign(document.createElement('span'), { className: 'completion-title', dir: 'auto', textContent: title.label ?? title.title }));
      if (title.count > 1) option.append(Object.assign(document.createElement('span'), { className: 'completion-count', textContent: notesCount(title.count) }));
      return option;
    }));
    if (!titles.length) {
      this.list.append(Object.assign(document.createElement('li'), {
        className: 'completion-empty', textContent: emptyText(query),
      }));
    }
    this.list.hidden = false;
    this.textarea.setAttribute('aria-expanded', 'true');
    this.markActive();
    this.place();
  }

  // Under the caret's line, inside the editor pane.
  place() {
    const pane = this.list.offsetParent ?? document.body;
    const paneBox = pane.getBoundingClientRect();
    const box = this.textarea.getBoundingClientRect();
    const caret = caretPoint(this.textarea, this.context.start);
    const left = Math.min(box.left - paneBox.left + caret.left, paneBox.width - this.list.offsetWidth - 8);
    let top = box.top - paneBox.top + caret.top + caret.height + 4;
    if (top + this.list.offsetHeight > paneBox.height) top = box.top - paneBox.top + caret.top - this.list.offsetHeight - 4;
    this.list.style.left = `${Math.max(8, left)}px`;
    this.list.style.top = `${Math.max(8, top)}px`;
  }

  markActive() {
    for (const option of this.list.querySelectorAll('[role="option"]')) {
      option.setAttribute('aria-selected', String(Number(option.dataset.index) === this.active));
    }
    const active = this.list.querySelector('[aria-selected="true"]');
    if (active) {
      this.textarea.setAttribute('aria-activedescendant', active.id);
      active.scrollIntoView({ block: 'nearest' });
    } else {
      this.textarea.removeAttribute('aria-activedescendant');
    }
  }

  onKey(event) {
    if (!this.open || composing(event)) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (!this.options.length) return;
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      this.active = (this.active + step + this.options.length) % this.options.length;
      this.markActive();
    } else if ((event.key === 'Enter' || event.key === 'Tab') && this.active >= 0) {
      event.preventDefault();
      this.accept(this.active);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();  // not the app's Escape, which leaves the editor
      this.close();
    }
  }

  // `[[query` (and a `]]` right after it, if typed already) becomes `[[Title]]`.
  accept(index) {
    const title = this.options[index]?.title;
    if (title === undefined || !this.context) return;
    const { value, selectionStart } = this.textarea;
    const end = value.startsWith(']]', selectionStart) ? selectionStart + 2 : selectionStart;
    this.textarea.setRangeText(`[[${title}]]`, this.context.start, end, 'end');
    this.close();
    this.textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }

  close() {
    clearTimeout(this.timer);
    this.request?.abort();
    this.context = null;
    this.options = [];
    this.list.hidden = true;
    this.textarea.setAttribute('aria-expanded', 'false');
    this.textarea.removeAttribute('aria-activedescendant');
  }
}

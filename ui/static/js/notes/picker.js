// A list filtered as you type, under its field (a combobox and its listbox): Go to heading
// (outline.js), Go to note (note_picker.js) and Insert template (templates.js). ↑ ↓ PageUp PageDown choose, Enter (or a click)
// takes the one chosen, Tab and Shift+Tab go round its field and Close, Esc closes it and gives the
// focus back where it was.
import { composing } from './composition.js';
import { handFocusOn } from './layout.js';

const $ = (id) => document.getElementById(id);

// What a filter and a title or heading are compared on, as links match titles (models.title_key):
// case not minding, runs of spaces as one.
export const matchKey = (text) => text.split(/\s+/).filter(Boolean).join(' ').toLowerCase();

// The title's characters without accents, lower-cased, and where each comes from in it.
function folded(title) {
  let text = '';
  const places = [];
  let at = 0;
  for (const character of title) {
    const piece = character.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    text += piece;
    for (let i = 0; i < piece.length; i++) places.push([at, at + character.length]);
    at += character.length;
  }
  return { text, places };
}

// Where `word` starts a word of the folded title, from `from` on; -1 if nowhere.
function wordStart(text, word, from = 0) {
  let at = text.indexOf(word, from);
  while (at > 0 && /[\p{L}\p{N}]/u.test(text[at - 1])) at = text.indexOf(word, at + 1);
  return at;
}

// The title with each word typed marked (<mark>) where it starts a word of the title; the whole
// typed text, if the title starts with it.
export function markedTitle(title, typed) {
  const span = Object.assign(document.createElement('span'), { className: 'completion-title', dir: 'auto' });
  const wanted = folded(matchKey(typed)).text;
  const { text, places } = folded(title.replace(/\s/g, ' '));
  const ranges = [];
  for (const word of text.startsWith(wanted) ? [wanted] : wanted.split(' ')) {
    let at = wordStart(text, word);
    while (at >= 0 && ranges.some(([start, end]) => at < end && at + word.length > start)) at = wordStart(text, word, at + 1);
    if (word && at >= 0) ranges.push([at, at + word.length]);
  }
  let done = 0;
  for (const [start, end] of ranges.sort((a, b) => a[0] - b[0])) {
    const [from, to] = [places[start][0], places[end - 1][1]];
    span.append(title.slice(done, from), Object.assign(document.createElement('mark'), { textContent: title.slice(from, to) }));
    done = to;
  }
  span.append(title.slice(done));
  return span;
}

// Whether each word typed starts a word of the title, in any order, accents and case not minding
// (as /api/titles/ matches them for Go to note).
export function titleMatches(title, typed) {
  const { text } = folded(title.replace(/\s/g, ' '));
  return folded(matchKey(typed)).text.split(' ').every((word) => wordStart(text, word) >= 0);
}

// The ids of a list of options made anew: ids no list made before had. A screen reader reads the
// active option when aria-activedescendant names another id; WebKitGTK said nothing of an option
// made anew under the id of the one it replaced (Go to note's first match went unread as a title
// was typed).
let listsMade = 0;
export function newOptionIds(prefix) {
  listsMade += 1;
  const list = listsMade;
  return (index) => `${prefix}${list}-${index}`;
}

export class Picker {
  // ids: {bar, filter, list, close, option} (option: the prefix of each option's id).
  constructor(ids) {
    this.ids = ids;
    this.shown = [];
    this.active = -1;
    this.focusBefore = null;
    this.chooseWhenListed = false;  // Enter pressed before the list of what is typed came
    $(ids.filter).addEventListener('input', () => this.filter());
    $(ids.bar).addEventListener('keydown', (event) => this.onKey(event));
    $(ids.list).addEventListener('mousedown', (event) => event.preventDefault());  // the filter keeps the focus
    $(ids.list).addEventListener('click', (event) => {
      const option = event.target.closest('[role="option"]');
      if (option) this.choose(Number(option.dataset.index));
    });
    $(ids.close).addEventListener('click', () => this.close());
  }

  get open() { return !$(this.ids.bar).hidden; }

  // The bar shown with its filter empty and focused; filter() fills the list.
  showEmpty() {
    if (!this.open) this.focusBefore = document.activeElement;
    this.chooseWhenListed = false;
    $(this.ids.filter).value = '';
    $(this.ids.bar).hidden = false;
    $(this.ids.filter).focus();
  }

  // The options (li elements made by makeOption(item, option)) of `items`, or `emptyText` if none.
  render(items, makeOption, emptyText, active) {
    this.shown = items;
    this.active = items.length ? active : -1;
    const optionId = newOptionIds(this.ids.option);
    $(this.ids.list).replaceChildren(...items.map((item, index) => {
      const option = document.createElement('li');
      option.id = optionId(index);
      option.dataset.index = index;
      option.setAttribute('role', 'option');
      makeOption(item, option);
      return option;
    }));
    if (!items.length) {
      $(this.ids.list).append(Object.assign(document.createElement('li'), { className: 'completion-empty', textContent: emptyText }));
    }
    this.markActive();
  }

  markActive() {
    $(this.ids.list).querySelector('[aria-selected="true"]')?.setAttribute('aria-selected', 'false');
    const active = this.activeOption();
    if (!active) {
      $(this.ids.filter).removeAttribute('aria-activedescendant');
      return;
    }
    active.setAttribute('aria-selected', 'true');
    $(this.ids.filter).setAttribute('aria-activedescendant', active.id);
    active.scrollIntoView({ block: 'nearest' });
  }

  activeOption() {
    return this.active >= 0 ? $(this.ids.list).children[this.active] : null;
  }

  rowsInView() {
    const row = this.activeOption()?.offsetHeight;
    return row ? Math.max(1, Math.floor($(this.ids.list).clientHeight / row) - 1) : 1;
  }

  move(to) {
    if (!this.shown.length) return;
    this.active = Math.min(this.shown.length - 1, Math.max(0, to));
    this.markActive();
  }

  onKey(event) {
    if (composing(event)) return;
    if (['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp'].includes(event.key)) {
      event.preventDefault();
      const by = event.key.startsWith('Page') ? this.rowsInView() : 1;
      this.move(this.active + (event.key.endsWith('Down') ? by : -by));
    } else if (event.key === 'Enter' && event.target === $(this.ids.filter)) {
      event.preventDefault();
      if (this.listPending) this.chooseWhenListed = true;
      else this.choose(this.active);
    } else if (event.key === 'Tab') {
      // The dialog keeps the focus, as the WAI-ARIA dialog pattern has it: Tab and Shift+Tab go
      // round its field and Close, never to the page behind it (where the focus was lost from view).
      event.preventDefault();
      const stops = [$(this.ids.filter), $(this.ids.close)];
      const at = stops.indexOf(document.activeElement);
      stops[(at + (event.shiftKey ? stops.length - 1 : 1)) % stops.length].focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();  // not the app's Escape, which leaves the editor
      this.close();
    }
  }

  // Enter typed before the list of what is typed has come (on a slow server: the list of fewer
  // letters, or none, still shown) takes the first of that list once it comes. A picker whose list
  // comes from the server says when it has not come yet, and calls chooseIfAsked() when it has.
  get listPending() { return false; }

  chooseIfAsked() {
    if (!this.chooseWhenListed) return;
    this.chooseWhenListed = false;
    this.choose(this.active);
  }

  // The option at `index` taken (Enter, a click): the bar closes, then the picker's chosen(item) acts.
  choose(index) {
    const item = this.shown[index];
    if (!item) return;
    this.hide();
    this.chosen(item);
  }

  // Escape, Close: the focus back where it was when the list opened.
  close() {
    const back = this.focusBefore;
    this.hide();
    if (back?.isConnected && back.getClientRects().length) back.focus();
  }

  // focusTo: where the focus goes if it is in the bar.
  hide(focusTo) {
    if (!this.open) return false;
    handFocusOn($(this.ids.bar), focusTo);
    $(this.ids.bar).hidden = true;
    $(this.ids.list).replaceChildren();
    this.shown = [];
    return true;
  }
}

// Go to note (Ctrl+O, View › Go to note…), as Obsidian's quick switcher and Joplin's Goto Anything:
// the notes whose title starts with what is typed, or has a word starting with each word typed,
// in any order (/api/titles/?each=1: each note, not each title as the `[[` completion lists them),
// the notes opened last first while nothing is typed. Enter opens the one chosen; a title no note
// has is offered last, to create that note.
import { completeTitles, noteTitles } from './api.js';
import { dateFormat, noteTitle } from './list.js';
import { Picker, markedTitle, matchKey as key } from './picker.js';

const $ = (id) => document.getElementById(id);
const DELAY_MS = 60;
const LIMIT = 20;
const RECENT_KEY = 'notedesk.recent-notes';
const RECENT_KEPT = 8;

function recentIds() {
  try {
    return JSON.parse(localStorage.getItem(RECENT_KEY)) ?? [];
  } catch { return []; }
}

// Each note opened (main.js), first of the notes shown while nothing is typed.
export function rememberRecentNote(id) {
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify([id, ...recentIds().filter((other) => other !== id)].slice(0, RECENT_KEPT)));
  } catch { /* without the window's storage, the notes updated last come first */ }
}

export class NotePicker extends Picker {
  // onOpen(id): the note chosen; onCreate(title): a note of that title wanted.
  constructor({ onOpen, onCreate }) {
    super({ bar: 'noteSwitcher', filter: 'noteSwitcherFilter', list: 'noteSwitcherList', close: 'closeNoteSwitcher', option: 'noteSwitcherOption' });
    this.onOpen = onOpen;
    this.onCreate = onCreate;
    this.timer = null;
    this.request = null;
    this.listed = null;  // the typing the list shown was found for
    // A click elsewhere, or the focus taken out of it (by a shortcut: Tab stays in it), closes it,
    // as Obsidian's switcher: it floats over what the person goes back to.
    const outside = (target) => target && !$('noteSwitcher').contains(target);
    document.addEventListener('pointerdown', (event) => { if (this.open && outside(event.target)) this.hide(); });
    $('noteSwitcher').addEventListener('focusout', (event) => { if (outside(event.relatedTarget)) this.hide(); });
  }

  show() {
    this.listed = null;
    this.showEmpty();
    this.filter();
  }

  filter() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fetch($('noteSwitcherFilter').value), DELAY_MS);
  }

  async fetch(typed) {
    this.request?.abort();
    const request = this.request = new AbortController();
    let notes;
    try {
      notes = key(typed) ? (await completeTitles(typed, request.signal, { limit: LIMIT, each: 1 })).titles : await this.recentNotes(request.signal);
    } catch { return; }
    if (request.signal.aborted || !this.open) return;
    // A note without a title by its first line, as the list of notes names it.
    notes = notes.map((note) => ({ ...note, name: noteTitle({ title: note.title, body: note.start ?? '' }) }));
    const wanted = typed.trim();
    if (wanted && !notes.some((note) => key(note.title) === key(wanted))) notes = [...notes, { create: wanted }];
    // Notes of one title are told apart as the list of notes tells them: by when each was last changed.
    const titleKeys = notes.map((note) => key(note.name ?? ''));
    const shared = new Set(titleKeys.filter((title, index) => titleKeys.indexOf(title) !== index));
    this.render(notes, (note, option) => {
      option.className = 'switcher-option';
      if (note.create) {
        option.classList.add('switcher-create');
        option.append(Object.assign(document.createElement('span'), { className: 'completion-title', dir: 'auto', textContent: `Create note “${note.create}”` }));
      } else {
        option.append(markedTitle(note.name, typed));
        if (shared.has(key(note.name))) {
          option.append(Object.assign(document.createElement('time'), { className: 'completion-count', dateTime: note.updated, textContent: dateFormat.format(new Date(note.updated)) }));
        }
      }
    }, 'No notes yet: type a title to create one', 0);
    this.listed = typed;
    this.chooseIfAsked();
  }

  // The notes opened last, or the list of fewer letters, shown while what is typed is asked for.
  get listPending() { return this.listed !== $('noteSwitcherFilter').value; }

  // The notes opened last (those since trashed or deleted left out), then those updated last.
  async recentNotes(signal) {
    const ids = recentIds().filter((id) => Number.isSafeInteger(id) && id > 0);
    const recent = ids.length ? (await noteTitles(ids, signal)).titles : [];
    const others = (await completeTitles('', signal, { limit: LIMIT, each: 1 })).titles.filter((note) => !recent.some((seen) => seen.id === note.id));
    return [...recent, ...others].slice(0, LIMIT);
  }

  chosen(note) {
    if (note.create) this.onCreate(note.create);
    else this.onOpen(note.id);
  }

  hide() {
    clearTimeout(this.timer);
    this.request?.abort();
    return super.hide(this.focusBefore?.isConnected ? this.focusBefore : $('noteList'));
  }
}

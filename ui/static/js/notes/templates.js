// Edit › Insert template…, as Obsidian's Templates and Joplin's templates: a template is a note
// tagged `template`; the one chosen (by title, filtered as you type) is put in at the caret of the
// open note, as one edit Undo takes back, with {{date}}, {{time}} and {{title}} filled in. Any
// other {{placeholder}} stays as it was typed, and the notice after names it. (The server fills in
// the template titled "Daily note" the same way as it makes Today's note: notes/templates.py.)
import { listNotes } from './api.js';
import { Picker, markedTitle, titleMatches } from './picker.js';

const $ = (id) => document.getElementById(id);
export const TEMPLATE_TAG = 'template';
const MOST_TEMPLATES = 200;  // the API's most notes a request
const byTitle = new Intl.Collator(undefined, { numeric: true }).compare;
const PLACEHOLDER = /\{\{([^{}\n]*)\}\}/g;
const twoDigits = (number) => String(number).padStart(2, '0');

// The template's text with its placeholders filled in, and those it does not know, as typed.
// The date is the computer's day, ISO (2026-12-06), as Today's note is titled; the time HH:mm.
export function fillTemplate(text, { title, now = new Date() }) {
  const values = {
    date: `${now.getFullYear()}-${twoDigits(now.getMonth() + 1)}-${twoDigits(now.getDate())}`,
    time: `${twoDigits(now.getHours())}:${twoDigits(now.getMinutes())}`,
    title,
  };
  const unknown = new Set();
  const filled = text.replace(PLACEHOLDER, (typed, name) => {
    if (Object.hasOwn(values, name.trim())) return values[name.trim()];
    unknown.add(typed);
    return typed;
  });
  return { text: filled, unknown: [...unknown] };
}

export class TemplatePicker extends Picker {
  // onChoose(note): the template chosen, with its body.
  constructor({ onChoose }) {
    super({ bar: 'templatePicker', filter: 'templateFilter', list: 'templateList', close: 'closeTemplatePicker', option: 'templateOption' });
    this.onChoose = onChoose;
    this.templates = null;  // while they load
    this.chooseWhenLoaded = false;  // Enter pressed while they load
    this.request = null;
    const outside = (target) => target && !$('templatePicker').contains(target);
    document.addEventListener('pointerdown', (event) => { if (this.open && outside(event.target)) this.hide(); });
    $('templatePicker').addEventListener('focusout', (event) => { if (outside(event.relatedTarget)) this.hide(); });
  }

  // The templates read afresh each time: one made or retitled a moment ago is there.
  async show() {
    this.showEmpty();
    this.request?.abort();
    const request = this.request = new AbortController();
    this.templates = null;
    this.chooseWhenLoaded = false;
    $('templateList').replaceChildren(Object.assign(document.createElement('li'), { className: 'completion-empty', textContent: 'Loading templates…' }));
    try {
      this.templates = (await listNotes({ tag: TEMPLATE_TAG, limit: MOST_TEMPLATES }, request.signal)).notes
        .map((note) => ({ ...note, title: note.title || 'Untitled note' }))
        .sort((a, b) => byTitle(a.title, b.title));
    } catch {
      if (!request.signal.aborted) this.hide();  // the ajax helper has shown why
      return;
    }
    if (request.signal.aborted || !this.open) return;
    this.filter();
    if (this.chooseWhenLoaded) this.choose(this.active);
  }

  filter() {
    if (!this.templates) return;  // filtered once they come
    const typed = $('templateFilter').value;
    const empty = this.templates.length
      ? 'No template has that title'
      : `No templates yet: tag a note “${TEMPLATE_TAG}” to make it one`;
    this.render(this.templates.filter((note) => titleMatches(note.title, typed)), (note, option) => {
      option.className = 'switcher-option';
      option.append(markedTitle(note.title, typed));
    }, empty, 0);
  }

  // Enter as soon as the title is typed, on a slow server before the list has come, takes the
  // first template the typing matches once it comes.
  choose(index) {
    if (!this.templates) {
      this.chooseWhenLoaded = true;
      return;
    }
    const note = this.shown[index];
    if (!note) return;
    this.hide();
    this.onChoose(note);
  }

  hide() {
    this.request?.abort();
    return super.hide(this.focusBefore?.isConnected ? this.focusBefore : $('noteBody'));
  }
}

// Edit › Insert template…, as Obsidian's Templates and Joplin's templates: a template is a note
// tagged `template`; the one chosen (by title, filtered as you type) is put in at the caret of the
// open note, as one edit Undo takes back, with {{date}}, {{time}} and {{title}} filled in. Any
// other {{placeholder}} stays as it was typed, and the notice after names it. The server fills
// them in (notes/templates.py), as it fills the "Daily note" one in Today's note: they come filled
// in for the open note's title when the picker opens, so Enter puts one in at once.
import { filledTemplates } from './api.js';
import { Picker, markedTitle, titleMatches } from './picker.js';

const $ = (id) => document.getElementById(id);
export const TEMPLATE_TAG = 'template';
const byTitle = new Intl.Collator(undefined, { numeric: true }).compare;

export class TemplatePicker extends Picker {
  // onChoose(template): the template chosen, its text filled in and the placeholders left as typed (unknown).
  constructor({ onChoose }) {
    super({ bar: 'templatePicker', filter: 'templateFilter', list: 'templateList', close: 'closeTemplatePicker', option: 'templateOption' });
    this.onChoose = onChoose;
    this.templates = null;  // while they load
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
    $('templateList').replaceChildren(Object.assign(document.createElement('li'), { className: 'completion-empty', textContent: 'Loading templates…' }));
    try {
      this.templates = (await filledTemplates($('noteTitle').value.trim(), request.signal)).templates
        .map((template) => ({ ...template, title: template.title || 'Untitled note' }))
        .sort((a, b) => byTitle(a.title, b.title));
    } catch {
      if (!request.signal.aborted) this.hide();  // the ajax helper has shown why
      return;
    }
    if (request.signal.aborted || !this.open) return;
    this.filter();
    this.chooseIfAsked();
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

  get listPending() { return !this.templates; }

  chosen(note) {
    this.onChoose(note);
  }

  hide() {
    this.request?.abort();
    return super.hide(this.focusBefore?.isConnected ? this.focusBefore : $('noteBody'));
  }
}

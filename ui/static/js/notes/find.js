// Find and replace in the open note's text (Ctrl+F in the text, Ctrl+H), as a writer's editor
// has it: the matches counted, Enter and Shift+Enter (F3, Shift+F3) to the next and the one
// before, each selected in the text; Replace and Replace all are edits that Undo takes back.
// Case does not matter, nor what the search of the notes folds (search_folding.py, whose table
// the page has, and the word index's tokenizer, which takes the accents off Latin letters):
// `كتب` finds "كَتَبَ", `שלום` "שָׁלוֹם", `کتاب` "كتاب", `cafe` "Café", as the list found the note.
import { setLiveText } from '../feedback.js';
import { composing } from './composition.js';
import { handFocusOn } from './layout.js';

const $ = (id) => document.getElementById(id);
const FOLDS = JSON.parse($('searchFolds').textContent);
// Latin letters with accents and the accents typed apart, which unicode61 folds (remove_diacritics 2).
const LATIN_ACCENTED = '\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f';
const FOLDABLE = new RegExp(`[${Object.keys(FOLDS).join('').replace(/[\\\]^-]/g, '\\$&')}${LATIN_ACCENTED}]`, 'u');
const LATIN = new RegExp(`[${LATIN_ACCENTED}]`);

const FOLDED = new Map();  // each character met, folded once: a draft has a few hundred kinds

// One character as the search folds it, lower-cased: '' for a mark it drops.
function foldedCharacter(character) {
  let piece = FOLDED.get(character);
  if (piece === undefined) {
    const bare = LATIN.test(character) ? character.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : character;
    piece = (FOLDS[character] ?? bare).toLowerCase();
    FOLDED.set(character, piece);
  }
  return piece;
}

// The text folded and lower-cased, and where each of its characters comes from in `text` (null:
// from the same place). A text with nothing to fold, as most notes in a Latin script, is only
// lower-cased: folded a character at a time, a writer's 950,000-character draft took 0.2 s at
// each key typed in the find bar.
function folded(text) {
  const lower = text.toLowerCase();
  if (lower.length === text.length && !FOLDABLE.test(text)) return { text: lower, places: null };
  let out = '';
  const places = [];
  for (let at = 0; at < text.length; at++) {
    const piece = foldedCharacter(text[at]);
    out += piece;
    for (let i = 0; i < piece.length; i++) places.push(at);
  }
  return { text: out, places };
}

export class FindBar {
  constructor(field) {
    this.field = field;
    this.matches = [];
    this.current = -1;
    this.foldedNote = null;  // the note's text folded, and the text it was folded from
    $('findText').addEventListener('input', () => this.find());
    $('findBar').addEventListener('keydown', (event) => this.onKey(event));
    $('findNext').addEventListener('click', () => this.step(1));
    $('findPrevious').addEventListener('click', () => this.step(-1));
    $('replaceOne').addEventListener('click', () => this.replaceOne());
    $('replaceAll').addEventListener('click', () => this.replaceAll());
    $('closeFind').addEventListener('click', () => this.close());
  }

  get open() { return !$('findBar').hidden; }

  // With text selected on one line, that is what is looked for.
  show({ replace = false } = {}) {
    const { selectionStart, selectionEnd, value } = this.field;
    const selected = value.slice(selectionStart, selectionEnd);
    if (selected && !selected.includes('\n') && selected.length <= 200) $('findText').value = selected;
    $('findBar').hidden = false;
    $('replaceRow').hidden = !replace && $('replaceRow').hidden;
    $('findText').focus();
    $('findText').select();
    this.find();
  }

  close() {
    this.hide();
    this.field.focus();  // the last match found stays selected (from a button of the bar, too)
  }

  hide() {
    handFocusOn($('findBar'), this.field);
    $('findBar').hidden = true;
  }

  // The matches in the text now, the first at or after the caret made current.
  find() {
    const wanted = folded($('findText').value).text;
    const original = this.field.value;
    if (this.foldedNote?.of !== original) this.foldedNote = { of: original, ...folded(original) };
    const { text, places } = this.foldedNote;  // once for each text, not at each key typed in the bar
    this.matches = [];
    const place = (at) => (places ? places[at] : at);
    for (let at = wanted ? text.indexOf(wanted) : -1; at >= 0; at = text.indexOf(wanted, at + wanted.length)) {
      let end = place(at + wanted.length - 1) + 1;
      while (end < original.length && foldedCharacter(original[end]) === '') end++;  // the marks on its last letter
      this.matches.push({ start: place(at), end });
    }
    const caret = this.field.selectionStart;
    const next = this.matches.findIndex((match) => match.start >= caret);
    this.current = this.matches.length ? Math.max(0, next) : -1;
    this.showCurrent();
  }

  step(by) {
    if (!this.matches.length) return;
    this.current = (this.current + by + this.matches.length) % this.matches.length;
    this.showCurrent();
  }

  // The current match selected and scrolled to in the text (the web view scrolls a focused
  // field to its selection), the focus back in the bar.
  showCurrent() {
    const count = this.matches.length;
    setLiveText($('findCount'), !$('findText').value ? '' : count ? `${this.current + 1} of ${count}` : 'Not found');
    $('findText').toggleAttribute('aria-invalid', Boolean($('findText').value) && !count);
    if (!count) return;
    const { start, end } = this.matches[this.current];
    const back = document.activeElement;
    this.field.focus();
    this.field.setSelectionRange(start, end);
    if (back !== this.field && $('findBar').contains(back)) back.focus();
  }

  // The current match becomes the replacement; then on to the next.
  replaceOne() {
    const match = this.matches[this.current];
    if (match === undefined) return;
    this.edit(match.start, match.end, $('replaceText').value);
    this.find();
  }

  replaceAll() {
    if (!this.matches.length) return;
    const replacement = $('replaceText').value;
    const text = this.field.value;
    const pieces = [];
    let done = 0;
    for (const { start, end } of this.matches) {
      pieces.push(text.slice(done, start), replacement);
      done = end;
    }
    const count = this.matches.length;
    const first = this.matches[0].start;  // the text before it stays as it is
    this.edit(first, text.length, (pieces.join('') + text.slice(done)).slice(first));
    this.find();
    setLiveText($('findCount'), count === 1 ? 'Replaced 1' : `Replaced ${count}`);
  }

  // As typing would: one edit that Undo takes back, which the editor hears as an input.
  edit(start, end, text) {
    const back = document.activeElement;
    this.field.focus();
    this.field.setSelectionRange(start, end);
    if (!document.execCommand('insertText', false, text)) {
      this.field.setRangeText(text, start, end, 'end');
      this.field.dispatchEvent(new Event('input', { bubbles: true }));
    }
    if ($('findBar').contains(back)) back.focus();
  }

  onKey(event) {
    if (composing(event)) return;  // the input method's key: it chooses or cancels a word (composition.js)
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.close();
    } else if (event.key === 'F3' || (event.key === 'Enter' && event.target === $('findText'))) {
      event.preventDefault();
      this.step(event.shiftKey ? -1 : 1);
    } else if (event.key === 'Enter' && event.target === $('replaceText')) {
      event.preventDefault();
      this.replaceOne();
    }
  }
}

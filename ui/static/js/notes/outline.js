// Go to heading (Ctrl+Shift+O, View › Go to heading…), as Obsidian's outline and iA Writer's: the
// open note's Markdown headings, indented by level, filtered as you type; Enter (or a click)
// takes the text, or the preview, to the one chosen. The note is read once per opening, so a
// whole draft of a million characters filters at each key as fast as a short note.
import { composing } from './composition.js';
import { handFocusOn } from './layout.js';

const $ = (id) => document.getElementById(id);
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^[ \t]*(`{3,}|~{3,})/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
// Lines that start a list item or a quote, a thematic break (each ends a paragraph), and those of
// indented code: under none of them is `---` a heading.
const LIST_OR_QUOTE = /^ {0,3}(?:[-+*](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|>)/;
const THEMATIC_BREAK = /^ {0,3}(?:[-*_][ \t]*){3,}$/;
const INDENTED_CODE = /^(?: {4}|\t)/;
const headingKey = (text) => text.split(/\s+/).filter(Boolean).join(' ').toLowerCase();

// The headings of a note's text, ATX (`## Part one`) and setext (a paragraph underlined with `===`
// or `---`), outside its fenced code blocks (a fence closes at a fence of its own character, at
// least as long): {level, text, start}, start where its first line starts.
export function outlineOf(text) {
  const headings = [];
  let fence = null;
  let paragraph = null;  // {start, lines} of the paragraph a setext underline would make a heading; null in any other block
  let inOtherBlock = false;
  let start = 0;
  for (const line of text.split('\n')) {
    const marker = FENCE.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
    } else if (marker) {
      fence = marker;
      paragraph = null;
    } else if (!line.trim()) {
      paragraph = null;
      inOtherBlock = false;
    } else if (paragraph && SETEXT_UNDERLINE.test(line)) {
      headings.push({ level: line.trim()[0] === '=' ? 1 : 2, text: paragraph.lines.join(' '), start: paragraph.start });
      paragraph = null;
    } else {
      const heading = HEADING.exec(line);
      if (heading || THEMATIC_BREAK.test(line)) {
        if (heading) headings.push({ level: heading[1].length, text: heading[2].trim(), start });
        paragraph = null;
        inOtherBlock = false;
      } else if (LIST_OR_QUOTE.test(line)) {
        paragraph = null;
        inOtherBlock = true;
      } else if (paragraph) {
        paragraph.lines.push(line.trim());
      } else if (!inOtherBlock && !INDENTED_CODE.test(line)) {
        paragraph = { start, lines: [line.trim()] };
      }
    }
    start += line.length + 1;
  }
  return headings;
}

export class HeadingPicker {
  // onChosen(heading, headings): the heading chosen, and all of the note's it was one of.
  constructor(field, { onChosen }) {
    this.field = field;
    this.onChosen = onChosen;
    this.headings = [];
    this.shown = [];
    this.active = -1;
    this.focusBefore = null;
    $('headingFilter').addEventListener('input', () => this.filter());
    $('headingBar').addEventListener('keydown', (event) => this.onKey(event));
    $('headingList').addEventListener('mousedown', (event) => event.preventDefault());  // the filter keeps the focus
    $('headingList').addEventListener('click', (event) => {
      const option = event.target.closest('[role="option"]');
      if (option) this.choose(Number(option.dataset.index));
    });
    $('closeHeadings').addEventListener('click', () => this.close());
    field.addEventListener('input', () => this.hide());  // the headings read at the opening may have moved
  }

  get open() { return !$('headingBar').hidden; }

  // The heading the caret is under is the one marked first, as an outline marks where you are.
  show() {
    if (!this.open) this.focusBefore = document.activeElement;
    this.headings = outlineOf(this.field.value);
    $('headingFilter').value = '';
    $('headingBar').hidden = false;
    $('headingFilter').focus();
    this.filter();
  }

  filter() {
    const wanted = headingKey($('headingFilter').value);
    this.shown = wanted ? this.headings.filter((heading) => headingKey(heading.text).includes(wanted)) : this.headings;
    const caret = this.field.selectionStart;
    const under = this.shown.findLastIndex((heading) => heading.start <= caret);
    this.active = !this.shown.length ? -1 : wanted ? 0 : Math.max(0, under);
    $('headingList').replaceChildren(...this.shown.map((heading, index) => {
      const option = document.createElement('li');
      option.id = `headingOption${index}`;
      option.dataset.index = index;
      option.dataset.level = heading.level;
      option.className = 'heading-option';
      option.setAttribute('role', 'option');
      option.setAttribute('aria-label', `${heading.text}, level ${heading.level}`);
      option.style.setProperty('--level', heading.level - 1);
      option.append(
        Object.assign(document.createElement('span'), { className: 'heading-level', textContent: `H${heading.level}` }),
        Object.assign(document.createElement('span'), { className: 'completion-title', dir: 'auto', textContent: heading.text }),
      );
      return option;
    }));
    if (!this.shown.length) {
      $('headingList').append(Object.assign(document.createElement('li'), {
        className: 'completion-empty',
        textContent: this.headings.length ? `No heading holds “${$('headingFilter').value.trim()}”` : 'This note has no headings (lines that start with #, or underlined with === or ---)',
      }));
    }
    $('headingFilter').toggleAttribute('aria-invalid', Boolean(wanted) && !this.shown.length);
    this.markActive();
  }

  markActive() {
    $('headingList').querySelector('[aria-selected="true"]')?.setAttribute('aria-selected', 'false');
    const active = $(`headingOption${this.active}`);
    if (!active) {
      $('headingFilter').removeAttribute('aria-activedescendant');
      return;
    }
    active.setAttribute('aria-selected', 'true');
    $('headingFilter').setAttribute('aria-activedescendant', active.id);
    active.scrollIntoView({ block: 'nearest' });
  }

  rowsInView() {
    const row = $(`headingOption${this.active}`)?.offsetHeight;
    return row ? Math.max(1, Math.floor($('headingList').clientHeight / row) - 1) : 1;
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
    } else if (event.key === 'Enter' && event.target === $('headingFilter')) {
      event.preventDefault();
      this.choose(this.active);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();  // not the app's Escape, which leaves the editor
      this.close();
    }
  }

  choose(index) {
    const heading = this.shown[index];
    if (!heading) return;
    this.hide();
    this.onChosen(heading, this.headings);
  }

  // Escape, Close: the focus back where it was when the list opened.
  close() {
    const back = this.focusBefore;
    this.hide();
    if (back?.isConnected && back.getClientRects().length) back.focus();
  }

  hide() {
    if (!this.open) return;
    handFocusOn($('headingBar'), this.field.hidden ? $('togglePreview') : this.field);
    $('headingBar').hidden = true;
    $('headingList').replaceChildren();
    this.shown = [];
  }
}

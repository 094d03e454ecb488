// Go to heading (Ctrl+Shift+O, View › Go to heading…), as Obsidian's outline and iA Writer's: the
// open note's Markdown headings, indented by level, filtered as you type; Enter (or a click)
// takes the text, or the preview, to the one chosen. The note is read once per opening, so a
// whole draft of a million characters filters at each key as fast as a short note.
import { Picker, matchKey as headingKey } from './picker.js';

const $ = (id) => document.getElementById(id);
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^[ \t]*(`{3,}|~{3,})/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
// Lines that start a list item or a quote, a thematic break (each ends a paragraph), and those of
// indented code: under none of them is `---` a heading.
const LIST_OR_QUOTE = /^ {0,3}(?:[-+*](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|>)/;
const THEMATIC_BREAK = /^ {0,3}(?:[-*_][ \t]*){3,}$/;
const INDENTED_CODE = /^(?: {4}|\t)/;

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

export class HeadingPicker extends Picker {
  // onChosen(heading, headings): the heading chosen, and all of the note's it was one of.
  constructor(field, { onChosen }) {
    super({ bar: 'headingBar', filter: 'headingFilter', list: 'headingList', close: 'closeHeadings', option: 'headingOption' });
    this.field = field;
    this.onChosen = onChosen;
    this.headings = [];
    field.addEventListener('input', () => this.hide());  // the headings read at the opening may have moved
  }

  // The heading the caret is under is the one marked first, as an outline marks where you are.
  show() {
    this.headings = outlineOf(this.field.value);
    this.showEmpty();
    this.filter();
  }

  filter() {
    const wanted = headingKey($('headingFilter').value);
    const shown = wanted ? this.headings.filter((heading) => headingKey(heading.text).includes(wanted)) : this.headings;
    const caret = this.field.selectionStart;
    const under = shown.findLastIndex((heading) => heading.start <= caret);
    const empty = this.headings.length ? `No heading holds “${$('headingFilter').value.trim()}”` : 'This note has no headings (lines that start with #, or underlined with === or ---)';
    this.render(shown, (heading, option) => {
      option.dataset.level = heading.level;
      option.className = 'heading-option';
      option.setAttribute('aria-label', `${heading.text}, level ${heading.level}`);
      option.style.setProperty('--level', heading.level - 1);
      option.append(
        Object.assign(document.createElement('span'), { className: 'heading-level', textContent: `H${heading.level}` }),
        Object.assign(document.createElement('span'), { className: 'completion-title', dir: 'auto', textContent: heading.text }),
      );
    }, empty, wanted ? 0 : Math.max(0, under));
    $('headingFilter').toggleAttribute('aria-invalid', Boolean(wanted) && !shown.length);
  }

  chosen(heading) {
    this.onChosen(heading, this.headings);
  }

  hide() {
    return super.hide(this.field.hidden ? $('togglePreview') : this.field);
  }
}

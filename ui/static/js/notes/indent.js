// Tab and Enter in the note's text, as in Obsidian and Joplin. Tab indents the lines of the
// selection, or the line of the caret if it is a list item (a sub-item then), and elsewhere types
// a tab; Shift+Tab outdents. Enter in a list item starts the next item (the next number, an open
// to-do), and in an empty one ends the list; in a fenced code block, where `- ` may be YAML, it
// starts the next line at the indent of its own, as a code editor does (a lecture's Python);
// Shift+Enter is a plain line break. Each is one edit that Undo takes back. Escape leaves the
// field (for the list of notes; Tab moves on from there), as everywhere in the app; in a note in
// the trash, which cannot be edited, Tab moves on as usual.
import { composing } from './composition.js';
import { shortcutLetter } from '../keys.js';

const LIST_ITEM = /^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
// A list item's start: its indent, its bullet or number and the number's delimiter, the space
// after it, a to-do's box.
const ITEM_START = /^([ \t]*)(?:([-*+])|(\d{1,9})([.)]))([ \t]+)(\[[ xX]\][ \t]+)?/;
const CODE_FENCE = /^[ \t]*(?:```|~~~)/gm;
const INDENT = '\t';
const OUTDENT = /^(?:\t| {1,4})/;  // a tab, or up to four spaces typed or pasted for one

export function indentWithTab(textarea) {
  textarea.addEventListener('keydown', (event) => {
    // Not a key the title completion took (Tab there accepts a title), nor Ctrl+Tab and the like.
    if (event.key !== 'Tab' || event.defaultPrevented || composing(event) || textarea.readOnly) return;
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    event.preventDefault();
    const { value, selectionStart: start, selectionEnd: end } = textarea;
    const lines = linesOf(value, start, end);
    const text = value.slice(lines.start, lines.end);
    const wholeLines = event.shiftKey || text.includes('\n') || LIST_ITEM.test(text);
    if (!wholeLines) {
      replace(textarea, start, end, INDENT);
      return;
    }
    const changed = text.split('\n').map((line) => (event.shiftKey ? line.replace(OUTDENT, '') : INDENT + line));
    const firstLineShift = changed[0].length - text.split('\n', 1)[0].length;
    const shift = changed.join('\n').length - text.length;
    if (!shift) return;
    replace(textarea, lines.start, lines.end, changed.join('\n'));
    const caret = Math.max(lines.start, start + firstLineShift);
    textarea.setSelectionRange(caret, start === end ? caret : Math.max(caret, end + shift));
  });
}

export function continueListsOnEnter(textarea) {
  textarea.addEventListener('keydown', (event) => {
    // Not Enter the title completion took (it puts a title in), nor Shift+Enter and the like.
    if (event.key !== 'Enter' || event.defaultPrevented || composing(event) || textarea.readOnly) return;
    if (event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return;
    const { value, selectionStart: caret, selectionEnd } = textarea;
    if (caret !== selectionEnd) return;
    const lineStart = value.lastIndexOf('\n', caret - 1) + 1;
    const item = ITEM_START.exec(value.slice(lineStart, caret));
    const inCode = (value.slice(0, lineStart).match(CODE_FENCE) ?? []).length % 2 === 1;
    if (inCode) {
      const [indent] = /^[ \t]*/.exec(value.slice(lineStart, caret));
      if (!indent) return;
      event.preventDefault();
      replace(textarea, caret, caret, `\n${indent}`);
      return;
    }
    if (!item) return;
    event.preventDefault();
    const nextLine = value.indexOf('\n', caret);
    const lineEnd = nextLine === -1 ? value.length : nextLine;
    const [start, indent, bullet, number, delimiter, space, box] = item;
    if (!value.slice(lineStart + start.length, lineEnd).trim()) {
      replace(textarea, lineStart, lineEnd, '');  // an empty item: the list ends here
      return;
    }
    const marker = bullet ?? `${Number(number) + 1}${delimiter}`;
    replace(textarea, caret, caret, `\n${indent}${marker}${space}${box ? '[ ] ' : ''}`);
  });
}

// Ctrl+B and Ctrl+I (⌘ on macOS) put `**` or `*` around the selection, or take them off if it has
// them (inside or just outside it), as Obsidian, Joplin and Standard Notes do; with nothing
// selected, a pair with the caret between. Ctrl+K makes a link (insertLink). One edit that Undo
// takes back.
export function emphasisOnKeys(textarea) {
  textarea.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || composing(event) || textarea.readOnly) return;
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    const letter = shortcutLetter(event);
    if (letter === 'k') {
      event.preventDefault();
      insertLink(textarea);
      return;
    }
    const marker = { b: '**', i: '*' }[letter];
    if (!marker) return;
    event.preventDefault();
    const { value, selectionStart: start, selectionEnd: end } = textarea;
    const selected = value.slice(start, end);
    const size = marker.length;
    const marked = (text) => text.length >= 2 * size && text.startsWith(marker) && text.endsWith(marker)
      && (size === 2 || !text.startsWith('**') || text.startsWith('***'));  // `*` alone, not a bold's `**`
    if (marked(selected)) {
      replace(textarea, start, end, selected.slice(size, -size));
      textarea.setSelectionRange(start, end - 2 * size);
    } else if (start >= size && marked(value.slice(start - size, end + size))) {
      replace(textarea, start - size, end + size, selected);
      textarea.setSelectionRange(start - size, end - size);
    } else {
      replace(textarea, start, end, marker + selected + marker);
      textarea.setSelectionRange(start + size, end + size);
    }
  });
}

// Ctrl+K, as Obsidian's and Joplin's: the selection as a link's text, `[text]()`, the caret
// where the address goes; a selected address as the address, `[](https://…)`, the caret where
// the text goes.
function insertLink(textarea) {
  const { value, selectionStart: start, selectionEnd: end } = textarea;
  const selected = value.slice(start, end);
  if (/^(?:https?:\/\/|mailto:)\S+$/i.test(selected)) {
    replace(textarea, start, end, `[](${selected})`);
    textarea.setSelectionRange(start + 1, start + 1);
  } else {
    replace(textarea, start, end, `[${selected}]()`);
    const caret = start + selected.length + 3;
    textarea.setSelectionRange(caret, caret);
  }
}

// From the start of the selection's first line to the end of its last; a selection that ends
// just after a line break leaves the next line alone.
function linesOf(value, start, end) {
  const last = end > start && value[end - 1] === '\n' ? end - 1 : end;
  const lineEnd = value.indexOf('\n', last);
  return { start: start && value.lastIndexOf('\n', start - 1) + 1, end: lineEnd === -1 ? value.length : lineEnd };
}

// As typing would: the edit joins the field's undo history and its input event reaches the saver.
export function replace(textarea, start, end, text) {
  textarea.setSelectionRange(start, end);
  // (insertText with no text took the line break before the selection too, in Chromium.)
  if (document.execCommand(text ? 'insertText' : 'delete', false, text)) return;
  textarea.setRangeText(text, start, end, 'end');
  textarea.dispatchEvent(new Event('input', { bubbles: true }));
}

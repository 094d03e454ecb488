// The editor pane: shows one note's saver, turns typing into saver.change(), and shows the save
// state, the Markdown preview, attachments (files attached, pasted or dropped are named in the text
// at the caret) and a conflict when there is one.
import { inWindow } from '../ajax.js';
import { setLiveText, toast } from '../feedback.js';
import {
  attachDroppedFiles, attachFile, attachmentContent, clipboardImage, deleteAttachment, linksToTitle, relinkNote, renderPreview,
} from './api.js';
import { Backlinks } from './backlinks.js';
import { composing } from './composition.js';
import { caretPoint } from './caret_point.js';
import { showConflictVersions } from './conflict_view.js';
import { FindBar } from './find.js';
import { HistoryPanel, formatSize } from './history.js';
import { continueListsOnEnter, emphasisOnKeys, indentWithTab } from './indent.js';
import { handFocusOn } from './layout.js';
import { HeadingPicker } from './outline.js';
import { matchKey as titleKey } from './picker.js';
import { insideCodeBlock, markdownFromHtml } from './paste_html.js';
import { reference, shifted, withPastedNames } from './references.js';
import { STATE_LABELS, conflictWording } from './saver.js';
import { TitleCompletion } from './title_completion.js';

const COUNT_DELAY_MS = 400;
const SAVE_PROBLEMS = new Set(['tagsRefused', 'offline', 'retrying', 'conflict', 'trashed', 'error']);
const WORD = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]|[^\s\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]+/gu;
// Thai, Lao, Khmer and Burmese are written without spaces between words either, but a character
// is not a word there: the words of such a stretch are the ones the language's dictionary finds.
const UNSPACED = /[\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]+/u;
const dictionaryWords = new Intl.Segmenter(undefined, { granularity: 'word' });
const wordsIn = (stretch) => (UNSPACED.test(stretch)
  ? [...dictionaryWords.segment(stretch)].filter((segment) => segment.isWordLike).length
  : 1);

const $ = (id) => document.getElementById(id);
const APP_NAME = document.title;  // the page's own (base.html), its title with no note open

// The open note's title, read whole: the field grows a line at a time for a long title, the page
// is named after it, and a screen reader says which note's text the focus comes to ("Trip to
// Rome, note text").
function showTitle() {
  const field = $('noteTitle');
  const title = field.value.trim();
  $('noteBody').setAttribute('aria-label', title ? `${title}, note text` : 'Note text');
  document.title = title ? `${title} · ${APP_NAME}` : APP_NAME;  // as the shell's pages are named
  // Measured at its one row with its room kept below it: the editor, shorter meanwhile, lost its
  // scroll bar, and the title was measured wrapped at the wider width (a line short in WebKitGTK).
  field.style.marginBottom = `${field.offsetHeight}px`;
  field.style.height = 'auto';
  const height = field.scrollHeight;
  field.style.marginBottom = '';
  field.style.height = `${height}px`;
}

const countOf = (text) => (text.match(WORD) ?? []).reduce((sum, stretch) => sum + wordsIn(stretch), 0);

// Tags are separated by commas, and by the Arabic comma (،) an Arabic or Persian keyboard types
// (tagging.py, TAG_SEPARATORS).
export function parseTags(text) {
  return [...new Set(text.split(/[,،]/).map((tag) => tag.trim()).filter(Boolean))];
}

// A to-do's box at the start of a list item: `- [ ]`, `1. [x]`, indented or not.
const TASK_BOX = /^([ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)\[[ xX]\]/;

// A to-do's text, which names its checkbox for a screen reader (else "checkbox, not checked" and
// no more): its item's, without the items nested in it.
function taskText(checkbox) {
  const nodes = [...checkbox.parentElement.childNodes].filter((node) => !(node.nodeName === 'UL' || node.nodeName === 'OL'));
  return nodes.map((node) => node.textContent).join('').trim();
}

export class Editor extends EventTarget {
  constructor() {
    super();
    this.saver = null;
    this.readOnly = false;
    this.attachments = [];
    this.marks = new Set();  // where references to files on their way will go (markCaret)
    this.places = new Map();  // saver key → where its text was left: the selection and the scroll
    this.onSaverState = () => this.showState();
    this.onSaverSaved = (event) => {
      this.showTags();
      // Links name a title; a new note, shown with none, has them once its first save gives it an id.
      const { id, title } = event.detail;
      if (id !== this.backlinksFor.noteId || title !== this.backlinksFor.title) this.showBacklinks();
      if (this.history.open) this.history.load({ keepSelection: true });  // a save may have kept a version
      this.dispatchEvent(new CustomEvent('saved', { detail: event.detail }));
    };

    $('noteTitle').addEventListener('input', () => {
      const field = $('noteTitle');
      if (field.value.includes('\n')) {  // pasted lines, or Shift+Enter: a title is one line
        const caret = field.selectionEnd;
        field.value = field.value.replaceAll('\n', ' ');
        field.setSelectionRange(caret, caret);
      }
      this.saver?.change({ title: field.value });
      showTitle();
    });
    let titleWidth = 0;
    new ResizeObserver(() => {
      if ($('noteTitle').clientWidth === titleWidth) return;
      titleWidth = $('noteTitle').clientWidth;
      if (titleWidth) showTitle();
    }).observe($('noteTitle'));
    // Enter in the title goes on to the text, at its start, as in Obsidian, Joplin and Standard Notes.
    $('noteTitle').addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || composing(event) || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return;
      event.preventDefault();
      $('noteBody').focus();
      $('noteBody').setSelectionRange(0, 0);
      $('noteBody').scrollTop = 0;
    });
    $('noteBody').addEventListener('input', () => {
      this.changeBody(this.saver, $('noteBody').value, $('noteBody').selectionEnd);
      clearTimeout(this.countTimer);
      this.countTimer = setTimeout(() => this.countWords(), COUNT_DELAY_MS);
    });
    document.addEventListener('selectionchange', () => {
      if (document.activeElement === $('noteBody') && this.saver) this.showWordCount();
    });
    $('noteBody').addEventListener('paste', (event) => {
      const { files, types } = event.clipboardData;
      if (types.includes('text/html') && !this.readOnly) {  // rich text: as Markdown (paste_html.js)
        const field = $('noteBody');
        const markdown = insideCodeBlock(field.value, field.selectionStart) ? null : markdownFromHtml(event.clipboardData.getData('text/html'));
        if (markdown !== null && markdown !== event.clipboardData.getData('text/plain').trim()) {
          event.preventDefault();
          // As typing would: one edit that Undo takes back, which the saver hears.
          if (!document.execCommand('insertText', false, markdown)) {
            field.setRangeText(markdown, field.selectionStart, field.selectionEnd, 'end');
            field.dispatchEvent(new Event('input', { bubbles: true }));
          }
          return;
        }
      }
      if (!types.length && inWindow() && !this.readOnly) {
        event.preventDefault();
        this.attachClipboardImage();
        return;
      }
      // Text first: a spreadsheet's cells, copied, come with a picture of them too.
      if (!files.length || types.includes('text/plain')) return;
      event.preventDefault();
      this.attach(withPastedNames([...files], this.attachments.map(({ name }) => name)));
    });
    // Tags, like the title and body, go to the draft (and, debounced, to the server) as they are
    // typed; Enter or leaving the field saves at once. The field shows the server's normalised
    // tags only while it is not being typed in.
    $('noteTags').addEventListener('input', () => this.changeTags());
    $('noteTags').addEventListener('change', () => this.changeTags({ now: true }));
    $('noteTags').addEventListener('blur', () => this.showTags());
    for (const id of ['noteTitle', 'noteBody', 'noteTags']) {
      $(id).addEventListener('compositionstart', () => this.saver?.setComposing(true));
      $(id).addEventListener('compositionend', () => this.saver?.setComposing(false));
      // An input method that goes away mid-word may never end it: a key typed without one ends it.
      $(id).addEventListener('input', (event) => {
        if (!event.isComposing && event.inputType !== 'insertCompositionText' && this.saver?.composing) this.saver.setComposing(false);
      });
    }
    $('togglePin').addEventListener('click', () => {
      const pinned = !this.saver.draft.fields.pinned;
      this.saver.change({ pinned }, { now: true });
      this.showFields();
    });
    $('togglePreview').addEventListener('click', () => this.togglePreview());
    this.history = new HistoryPanel(this);
    this.findBar = new FindBar($('noteBody'));
    this.headingPicker = new HeadingPicker($('noteBody'), { onChosen: (heading, headings) => this.goToHeading(heading, headings) });
    this.completion = new TitleCompletion($('noteBody'), $('titleCompletions'));
    indentWithTab($('noteBody'));  // after the completion, whose Tab and Enter come first
    continueListsOnEnter($('noteBody'));
    emphasisOnKeys($('noteBody'));
    this.backlinks = new Backlinks(this);
    $('preview').addEventListener('click', (event) => {
      const task = event.target.closest('input.task-list-item-checkbox');
      if (task) {
        this.tickTask(task, event);
        return;
      }
      const footnote = event.target.closest('a[href^="#fn"]');
      if (footnote) {  // to the footnote and back, within the preview
        event.preventDefault();
        document.getElementById(footnote.getAttribute('href').slice(1))?.scrollIntoView({ block: 'nearest' });
        return;
      }
      const toHeading = event.target.closest('a.heading-link');
      if (toHeading) {  // `[[#Heading]]`: a heading of this note
        event.preventDefault();
        this.scrollToHeading(toHeading.dataset.heading);
        return;
      }
      const link = event.target.closest('a.wikilink');
      if (!link) return;
      event.preventDefault();
      const noteId = link.dataset.note ? Number(link.dataset.note) : null;
      const trashedId = link.dataset.inTrash ? Number(link.dataset.inTrash) : null;
      const heading = link.dataset.heading || null;
      this.dispatchEvent(new CustomEvent('follow-link', { detail: { noteId, trashedId, title: link.dataset.title, heading } }));
    });
    // A renamed note: the links to its former title can follow it (asked once the field is left).
    $('noteTitle').addEventListener('focus', () => { this.titleAtFocus = { saver: this.saver, title: this.saver?.draft.fields.title }; });
    $('noteTitle').addEventListener('change', () => this.offerRelink());
    $('toggleHistory').addEventListener('click', () => this.setHistory($('history').hidden));
    $('keepMine').addEventListener('click', () => this.saver.keepMine());
    $('keepTheirs').addEventListener('click', () => this.useTheirs());
    $('keepBoth').addEventListener('click', () => this.dispatchEvent(new CustomEvent('keep-both')));
    $('attachFile').addEventListener('click', () => $('attachmentInput').click());
    $('attachmentInput').addEventListener('change', () => {
      this.attach([...$('attachmentInput').files]);
      $('attachmentInput').value = '';
    });
    this.listenForDrops();
  }

  // The saved version, in a conflict: my edit is discarded, and an Undo brings it back and saves it.
  useTheirs() {
    const { saver } = this;
    const trashed = Boolean(saver.conflict?.trashed_at);
    const mine = saver.useTheirs();
    this.showFields({ tags: true });
    if (trashed) return;  // "Discard my edit": the trashed note stays as it was
    toast('Your edit was discarded for the saved version', {
      action: {
        label: 'Undo',
        run: () => {
          saver.change(mine, { now: true });
          if (this.saver === saver) this.showFields({ tags: true });
        },
      },
    });
  }

  // What the Tags field holds, for the open note's saver; nothing if it holds that already.
  changeTags({ now = false } = {}) {
    const { saver } = this;
    if (!saver || this.readOnly) return;
    const tags = parseTags($('noteTags').value);
    const saved = saver.draft.fields.tags;
    if (tags.length !== saved.length || tags.some((tag, i) => tag !== saved[i])) saver.change({ tags }, { now });
    else if (now && saver.dirty) saver.save();
  }

  // Every change to a note's text: the places waiting for references to files follow it.
  changeBody(saver, body, caret) {
    const before = saver.draft.fields.body;
    for (const mark of this.marks) {
      if (mark.saver !== saver) continue;
      mark.at = shifted(shifted(mark.at, mark.body, before), before, body, caret);  // also past a sync round's change
      mark.body = body;
    }
    saver.change({ body });
  }

  // The caret in the open note's text now, where references to files given now will go.
  markCaret() {
    const mark = { saver: this.saver, at: $('noteBody').selectionEnd, body: this.saver.draft.fields.body };
    this.marks.add(mark);
    return mark;
  }

  // References to the attachments at the mark, even if the note has been left meanwhile. The
  // caret and the selection stay by the text they were by; a caret at the mark goes past them.
  insertReferences(mark, attachments) {
    this.marks.delete(mark);
    if (!attachments.length) return;
    const { saver } = mark;
    const text = attachments.map(reference).join('\n');
    const body = saver.draft.fields.body;
    const at = shifted(mark.at, mark.body, body);
    this.changeBody(saver, body.slice(0, at) + text + body.slice(at), at + text.length);
    if (this.saver !== saver) return;
    const field = $('noteBody');
    const [start, end] = [field.selectionStart, field.selectionEnd].map((position) => (position < at ? position : position + text.length));
    field.setRangeText(text, at, at);
    field.setSelectionRange(start, end);
    if (!$('preview').hidden) this.showPreview();
  }

  // Leaving a note: what was typed in it is saved now, to it, not to the next one.
  leave(next = null) {
    const left = this.saver;
    if (!left || left === next) return;
    const body = $('noteBody');
    this.places.set(left.key, { selection: [body.selectionStart, body.selectionEnd], scrollTop: body.scrollTop });
    left.removeEventListener('state', this.onSaverState);
    left.removeEventListener('saved', this.onSaverSaved);
    if (document.activeElement === $('noteTags')) this.changeTags();
    left.setComposing(false);
    if (left.dirty && left.state === 'dirty') left.save();  // not again after an error: that waits for an edit
  }

  // match: what a search found in the note (its first marked word), shown in its text.
  open(saver, { readOnly = false, attachments = [], match = null } = {}) {
    const switching = saver !== this.saver;
    this.leave(saver);
    this.saver = saver;
    this.readOnly = readOnly;
    this.attachments = attachments;
    saver.addEventListener('state', this.onSaverState);
    saver.addEventListener('saved', this.onSaverSaved);
    $('emptyState').hidden = true;
    $('editor').hidden = false;
    $('editor').classList.toggle('read-only', readOnly);
    for (const id of ['noteTitle', 'noteBody', 'noteTags']) $(id).readOnly = readOnly;
    for (const id of ['togglePin', 'attachFile', 'copyLink', 'trashNote']) $(id).hidden = readOnly;
    for (const id of ['restoreNote', 'purgeNote']) $(id).hidden = !readOnly;
    this.setPreview(false);
    this.setHistory(false);
    if (switching) this.findBar.hide();
    if (switching) this.headingPicker.hide();
    this.completion.close();
    this.titleAtFocus = document.activeElement === $('noteTitle') ? { saver, title: saver.draft.fields.title } : null;
    this.showBacklinks();
    this.showFields({ tags: switching });
    this.showState();
    this.showAttachments();
    if (switching && match) this.showMatch(match);
    else if (switching) this.showPlace(saver);
  }

  // A note opened again shows its text where it was left, the caret there, as in a writer's
  // editor (a chapter's end, 20,000 words down, was shown from its top).
  showPlace(saver) {
    const place = this.places.get(saver.key);
    if (!place) return;
    $('noteBody').setSelectionRange(...place.selection);
    $('noteBody').scrollTop = place.scrollTop;
  }

  // The first place the text has what the search matched: selected, and scrolled to a third of the
  // way down the field (a long note opened from a search showed its top, the match screens below).
  showMatch(match) {
    const body = $('noteBody');
    const text = body.value;
    const folded = text.toLowerCase();
    const at = folded.length === text.length ? folded.indexOf(match.toLowerCase()) : text.indexOf(match);
    if (at < 0) return;
    this.reveal(at, at + match.length);
  }

  // Selected in the text and scrolled to, a third of the way down (or as far down as asked).
  reveal(start, end, down = 1 / 3) {
    const body = $('noteBody');
    body.setSelectionRange(start, end);
    body.scrollTop = Math.max(0, body.scrollTop + caretPoint(body, start).top - body.clientHeight * down);
  }

  // Go to heading (outline.js): the caret at the start of its line, near the top of the text, its
  // section below it; in the preview, the preview scrolled to it as well (the nth heading of that
  // text: the preview's headings have no ids, which could clash with the page's own).
  goToHeading(heading, headings) {
    this.setHistory(false);  // opened while the list was
    if ($('preview').hidden) {
      $('noteBody').focus();
      this.reveal(heading.start, heading.start, 0.1);
      return;
    }
    $('noteBody').setSelectionRange(heading.start, heading.start);
    const sameName = headings.filter((other) => titleKey(other.text) === titleKey(heading.text));
    if (this.scrollToHeading(heading.text, sameName.indexOf(heading))) return;
    // Written with emphasis or a link (`## The *barn*`), it reads otherwise in the preview: the
    // preview's heading at its place in the outline, then.
    $('preview').querySelectorAll('h1, h2, h3, h4, h5, h6')[headings.indexOf(heading)]?.scrollIntoView({ block: 'start' });
  }

  showBacklinks() {
    const draft = this.saver?.draft;
    this.backlinksFor = { noteId: draft?.noteId, title: draft?.fields.title };
    this.backlinks.show(draft?.noteId);
  }

  // After the title changed from what it was when the field got the focus: if notes link to the
  // former title, a toast offers to point their links at the new one.
  async offerRelink() {
    const { saver } = this;
    const before = this.titleAtFocus;
    if (!saver || this.readOnly || before?.saver !== saver || !saver.draft.noteId) return;
    const former = before.title;
    const now = saver.draft.fields.title;
    this.titleAtFocus = { saver, title: now };
    if (!titleKey(former) || !titleKey(now) || titleKey(former) === titleKey(now)) return;
    await saver.save();
    if (saver.dirty) return;
    const { total } = await linksToTitle(former);
    if (!total) return;
    const notes = total === 1 ? '1 note links' : `${total} notes link`;
    toast(`${notes} to “${former}”. Point ${total === 1 ? 'that link' : 'those links'} to “${now}”?`, {
      duration: 20000,
      action: { label: 'Update links', run: () => this.relink(saver, former) },
    });
  }

  async relink(saver, former) {
    let updated;
    try {
      ({ updated } = await relinkNote(saver.draft.noteId, former));
    } catch { return; /* the ajax helper has shown why */ }
    toast(`Updated the links in ${updated} ${updated === 1 ? 'note' : 'notes'}`);
    if (this.saver === saver) this.showBacklinks();
    this.dispatchEvent(new CustomEvent('links-changed'));
  }

  // focusWasIn: the focus was on something the closing hid (the Trash button, say).
  close() {
    this.leave();
    this.saver = null;
    const focusWasIn = $('editor').contains(document.activeElement);
    $('editor').hidden = true;
    $('emptyState').hidden = false;
    document.title = APP_NAME;
    this.dispatchEvent(new CustomEvent('closed', { detail: { focusWasIn } }));
  }

  focus() {
    (this.saver?.draft.fields.title ? $('noteBody') : $('noteTitle')).focus();
  }

  // The open note's newer version, adopted by its saver (a sync round brought it): its fields,
  // attachments and preview, with the caret left where it was in the text.
  showNewerVersion(note) {
    const body = $('noteBody');
    const caret = document.activeElement === body ? [body.selectionStart, body.selectionEnd] : null;
    this.showFields({ tags: true });
    if (caret) body.setSelectionRange(...caret);
    this.attachments = note.attachments ?? [];
    this.showAttachments();
    if (!$('preview').hidden) this.showPreview();
  }

  // tags: true refills the Tags field even while it has focus (another note was opened).
  // A to-do ticked in the preview ticks its line of the text, as in Obsidian and Joplin; in a note
  // in the trash, or a line no longer a to-do (the text changed meanwhile), it stays as it was.
  tickTask(checkbox, event) {
    const lines = this.saver?.draft.fields.body.split('\n') ?? [];
    const line = Number(checkbox.dataset.line);
    const ticked = lines[line]?.replace(TASK_BOX, (_, start) => `${start}[${checkbox.checked ? 'x' : ' '}]`);
    if (this.readOnly || ticked === undefined || ticked === lines[line]) {
      event.preventDefault();
      return;
    }
    lines[line] = ticked;
    this.saver.change({ body: lines.join('\n') });
    this.showFields();
  }

  showFields({ tags = false } = {}) {
    const { title, body, pinned } = this.saver.draft.fields;
    if ($('noteTitle').value !== title) $('noteTitle').value = title;
    if ($('noteBody').value !== body) $('noteBody').value = body;
    showTitle();
    this.countWords();
    this.showTags({ evenIfFocused: tags });
    $('togglePin').setAttribute('aria-pressed', String(pinned));
    $('togglePin').textContent = pinned ? 'Pinned' : 'Pin';
  }

  // How long the text is, in words as Obsidian counts them (each Chinese or Japanese character
  // one; Thai and the like as their dictionary cuts them), once typing pauses; with text
  // selected, how many of them are selected.
  countWords() {
    clearTimeout(this.countTimer);
    this.words = countOf($('noteBody').value);
    this.showWordCount();
  }

  // At each change of the selection the selection alone is counted: the whole text was, at the
  // last pause in the typing (a writer's draft is a million characters).
  showWordCount() {
    const field = $('noteBody');
    const total = this.words === 1 ? '1 word' : `${this.words.toLocaleString()} words`;
    const text = field.selectionStart === field.selectionEnd ? total
      : `${countOf(field.value.slice(field.selectionStart, field.selectionEnd)).toLocaleString()} of ${total} selected`;
    // Its text node's data changes, as the save state's does (below).
    const shown = $('wordCount').firstChild;
    if (shown) shown.data = text;
    else $('wordCount').textContent = text;
  }

  // Find (and replace) in the text, shown in place of the preview or the history; a note in the
  // trash is only searched.
  findInNote({ replace = false } = {}) {
    this.setPreview(false);
    this.setHistory(false);
    this.findBar.show({ replace: replace && !this.readOnly });
    if (this.readOnly) $('replaceRow').hidden = true;
  }

  // Not while it is typed in: the text would be rewritten under the caret.
  showTags({ evenIfFocused = false } = {}) {
    if (!this.saver || (!evenIfFocused && document.activeElement === $('noteTags'))) return;
    const text = this.saver.draft.fields.tags.join(', ');
    if ($('noteTags').value !== text) $('noteTags').value = text;
  }

  showState() {
    const { state, message, conflict } = this.saver;
    const label = this.readOnly ? 'In the trash' : STATE_LABELS[state];
    const text = message ? `${label}: ${message}` : label;
    $('saveState').dataset.state = this.readOnly ? 'trash' : state;
    // A screen reader hears a save that went wrong, not "Editing…, Saving…, Saved" at each pause in typing.
    const readOut = !this.readOnly && SAVE_PROBLEMS.has(state);
    $('saveState').setAttribute('aria-live', readOut ? 'polite' : 'off');
    // Shown at each key typed: its text node's data changes, for a node replaced (textContent)
    // ended the typing that one undo takes back, and Chromium undid it a letter at a time.
    const shown = $('saveState').firstChild;
    if (readOut) setLiveText($('saveState'), text);
    else if (shown?.nodeType === Node.TEXT_NODE) shown.data = text;
    else $('saveState').textContent = text;
    $('noteTags').toggleAttribute('aria-invalid', state === 'tagsRefused');
    if (state !== 'conflict') handFocusOn($('conflict'), $('noteBody'));  // resolved: back to the writing
    $('conflict').hidden = state !== 'conflict';
    if (state === 'conflict') {
      for (const [selector, text] of Object.entries(conflictWording(conflict))) document.querySelector(selector).textContent = text;
      showConflictVersions(this.saver.draft.fields, conflict);
    }
    if (this.history.open) this.history.compare();
  }

  async togglePreview() {
    this.setPreview($('preview').hidden);
    if (!$('preview').hidden) await this.showPreview();
  }

  async showPreview() {
    const { html } = await renderPreview(this.saver.draft.fields.body, this.saver.draft.noteId);
    if (html.trim()) $('preview').innerHTML = html;  // sanitised by the server
    else $('preview').replaceChildren(Object.assign(document.createElement('p'), { className: 'muted', textContent: 'Nothing to preview yet.' }));
    for (const task of $('preview').querySelectorAll('input.task-list-item-checkbox')) task.setAttribute('aria-label', taskText(task));
  }

  // A link's `#Heading` (or Obsidian's `#^block`): the open note's preview, scrolled to it.
  async showHeading(heading) {
    if ($('preview').hidden) {
      this.setPreview(true);
      await this.showPreview();
    }
    this.scrollToHeading(heading);
  }

  scrollToHeading(heading, occurrence = 0) {
    const wanted = titleKey(heading);
    const blocks = wanted.startsWith('^')
      ? [...$('preview').querySelectorAll('p, li')].filter((block) => titleKey(block.textContent).endsWith(wanted))
      : [...$('preview').querySelectorAll('h1, h2, h3, h4, h5, h6')].filter((block) => titleKey(block.textContent) === wanted);
    const block = blocks[occurrence] ?? blocks[0];
    block?.scrollIntoView({ block: 'start' });
    return Boolean(block);
  }

  // The focus in what hides (the text, at the menu's Preview; a link followed in the preview) goes on.
  setPreview(on) {
    if (on) this.setHistory(false);
    if (on) handFocusOn($('noteBody'), $('togglePreview'));
    $('noteBody').hidden = on;
    if (!on) handFocusOn($('preview'), $('noteBody'));
    $('preview').hidden = !on;
    $('togglePreview').setAttribute('aria-pressed', String(on));
  }

  // The History panel in the place of the text (history.js).
  setHistory(on) {
    if (on) this.setPreview(false);
    if (!on) handFocusOn($('history'), $('toggleHistory'));
    $('history').hidden = !on;
    $('noteBody').hidden = on || !$('preview').hidden;
    $('toggleHistory').setAttribute('aria-pressed', String(on));
    if (on) this.history.load();
  }

  showAttachments() {
    const list = $('attachmentList');
    list.replaceChildren(...this.attachments.map((attachment) => {
      const item = document.createElement('li');
      const link = Object.assign(document.createElement('a'), { href: attachment.url, textContent: attachment.name });
      link.append(Object.assign(document.createElement('span'), { className: 'attachment-size', textContent: formatSize(attachment.size) }));
      item.append(link);
      if (!this.readOnly) {
        const remove = Object.assign(document.createElement('button'), {
          type: 'button', className: 'attachment-remove', textContent: '×', title: `Remove ${attachment.name}`,
        });
        remove.setAttribute('aria-label', `Remove ${attachment.name}`);
        remove.addEventListener('click', () => this.removeAttachment(attachment));
        item.append(remove);
      }
      return item;
    }));
  }

  // After a change to a note's attachments: shown if that note is still open; the list reloads.
  attachmentsChanged(noteId, change) {
    if (this.saver?.draft.noteId === noteId) {
      this.attachments = change(this.attachments);
      this.showAttachments();
    }
    this.dispatchEvent(new CustomEvent('attachments-changed'));
  }

  // Removed at once, as trash is; Undo attaches the same file again, from the copy read first.
  async removeAttachment(attachment) {
    const noteId = this.saver.draft.noteId;
    const content = await attachmentContent(attachment);
    try {
      await deleteAttachment(noteId, attachment.id);
    } catch { return; /* the ajax helper has shown why */ }
    this.attachmentsChanged(noteId, (attachments) => attachments.filter((kept) => kept.id !== attachment.id));
    const undo = { label: 'Undo', run: () => this.restoreAttachment(noteId, attachment, content) };
    toast(`“${attachment.name}” removed`, { action: content && undo });
  }

  async restoreAttachment(noteId, attachment, content) {
    try {
      const restored = await attachFile(noteId, new File([content], attachment.name));
      this.attachmentsChanged(noteId, (attachments) => [...attachments, restored]);
    } catch { /* the ajax helper has shown why */ }
  }

  // The open note's id, saved first (a new note is titled after the first file).
  async savedNoteFor(files) {
    const { saver } = this;  // the note the files were given to, even if another is opened meanwhile
    await saver.save();
    if (!saver.draft.noteId) {
      saver.change({ title: files[0].name }, { now: true });
      if (this.saver === saver) this.showFields();
    }
    await saver.save();
    return saver.draft.noteId;
  }

  async attach(files) {
    if (!files.length || this.readOnly) return;
    const mark = this.markCaret();
    const noteId = await this.savedNoteFor(files);
    this.insertReferences(mark, await this.upload(noteId, files));
  }

  // The window's web view (WebKitGTK) gives a paste of an image no data at all: the shell reads
  // the clipboard, and the image is attached as a pasted one is in a browser.
  async attachClipboardImage() {
    let image;
    try {
      image = await clipboardImage();
    } catch { return; /* the ajax helper has shown why */ }
    if (!image.size) return;  // nothing, or nothing but text the page was not given either
    const file = new File([image], '', { type: 'image/png' });
    this.attach(withPastedNames([file], this.attachments.map(({ name }) => name)));
  }

  // Dropped in the window: the server reads the files from the paths the OS gave the window,
  // under their real names; a file with no path (dragged from a web page) is uploaded.
  async attachDropped(files) {
    if (!files.length || this.readOnly) return;
    const mark = this.markCaret();
    const noteId = await this.savedNoteFor(files);
    let answer;
    try {
      answer = await attachDroppedFiles(noteId, files.map((file) => file.name));
    } catch {  // the ajax helper has shown why
      this.marks.delete(mark);
      return;
    }
    if (answer.attachments.length) this.attachmentsChanged(noteId, (attachments) => [...attachments, ...answer.attachments]);
    for (const message of answer.messages) toast(message, { kind: 'error', duration: 10000 });
    const unmatched = [...answer.unmatched];
    const rest = files.filter((file) => { const at = unmatched.indexOf(file.name); if (at < 0) return false; unmatched.splice(at, 1); return true; });
    this.insertReferences(mark, [...answer.attachments, ...await this.upload(noteId, rest)]);
  }

  // The attachments made of the files; a file refused is left out.
  async upload(noteId, files) {
    const uploaded = [];
    for (const file of files) {
      $('uploadStatus').hidden = false;
      $('uploadLabel').textContent = `Uploading ${file.name}…`;
      $('uploadProgress').value = 0;
      try {
        const attachment = await attachFile(noteId, file, {
          onProgress: (fraction) => { $('uploadProgress').value = Math.round(fraction * 100); },
        });
        this.attachmentsChanged(noteId, (attachments) => [...attachments, attachment]);
        uploaded.push(attachment);
      } catch { /* the ajax helper has shown why */ }
    }
    $('uploadStatus').hidden = true;
    return uploaded;
  }

  listenForDrops() {
    const pane = document.querySelector('.editor-pane');
    let depth = 0;
    const hasFiles = (event) => event.dataTransfer?.types.includes('Files') && this.saver && !this.readOnly;
    pane.addEventListener('dragenter', (event) => { if (hasFiles(event)) { depth += 1; $('dropHint').hidden = false; } });
    pane.addEventListener('dragleave', () => { depth = Math.max(0, depth - 1); if (!depth) $('dropHint').hidden = true; });
    pane.addEventListener('dragover', (event) => { if (hasFiles(event)) event.preventDefault(); });
    pane.addEventListener('drop', (event) => {
      depth = 0;
      $('dropHint').hidden = true;
      if (!hasFiles(event)) return;
      event.preventDefault();
      const files = [...event.dataTransfer.files];
      if (inWindow()) this.attachDropped(files);
      else this.attach(files);
    });
  }
}

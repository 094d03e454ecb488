// The notes app: sidebar views and tags, the searchable list, the editor, and the keyboard.
import { DIALOG_TIMEOUT_MS, ajax, inWindow } from '../ajax.js';
import { setLiveText, toast } from '../feedback.js';
import {
  emptyTrash, getNote, listNotes, listTags, openDroppedFiles, neighbouringDayNote, purgeNote, renderPreview, restoreNote, todaysNote, trashNote,
} from './api.js';
import { flushDrafts, pendingDrafts, removeDraft } from './drafts.js';
import { Editor } from './editor.js';
import { replace } from './indent.js';
import { closeSidebar, handFocusOn, setUpLayout, showPane, toggleNoteAlone } from './layout.js';
import { countText, firstCharacters, markSelected, notesCount, noteTitle, rowsInView, setUpList, showNotes } from './list.js';
import { NotePicker, rememberRecentNote } from './note_picker.js';
import { NoteSaver, draftOf, newDraft } from './saver.js';
import { composing } from './composition.js';
import { shortcutLetter } from '../keys.js';
import { setUpSearchHelp } from './search_help.js';
import { setUpSyncPanel } from './sync_panel.js';
import { TemplatePicker } from './templates.js';
import { editTag, setUpTagEditor } from './tag_editor.js';
import { exportNotes, followImport, setUpTransfers } from './transfer.js';

const PAGE_SIZE = 50;
const MOST_ROWS_PER_REQUEST = 200;  // the API's limit
const SEARCH_DELAY_MS = 200;
const $ = (id) => document.getElementById(id);

// The tags in the order of the person's language, numbers by value (the API's order is by code
// point, which put "äpfel" and "école" after "zucker", and "tag 10" before "tag 9").
const byName = new Intl.Collator(undefined, { numeric: true }).compare;

const state = { view: 'all', tag: null, query: '', listedQuery: '', notes: [], total: 0, totalExact: true, trashTotal: 0, selectedId: null };
const savers = new Map();  // note id (or draft uid, before the first save) → NoteSaver
const editor = new Editor();
const notePicker = new NotePicker({ onOpen: goToNote, onCreate: createLinkedNote });
const templatePicker = new TemplatePicker({ onChoose: insertTemplate });
let listRequest = null;
let nextPage = null;  // the next page's loading, while it is on its way

function saverFor(note) {
  const known = savers.get(note.id);
  // A saver with nothing pending is only a cache: a newer version from the server replaces it.
  if (known && (known.dirty || known.inFlight || note.version <= known.draft.version)) return known;
  const saver = track(new NoteSaver(draftOf(note)));
  savers.set(note.id, saver);
  return saver;
}

function track(saver) {
  saver.addEventListener('saved', (event) => {
    savers.delete(saver.key);
    savers.set(event.detail.id, saver);
    if (editor.saver === saver) {
      state.selectedId = event.detail.id;
      rememberOpenNote(event.detail.id);
      showDayLinks(event.detail.day ?? null);  // titled with a day, or no longer
    }
    refreshSoon();
  });
  return saver;
}

let refreshTimer = null;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => { loadList({ refresh: true }); loadTags(); }, 300);
}

// How many notes the whole trash holds, whatever the search.
const trashCount = async (signal) => (await listNotes({ trashed: 1, limit: 1 }, signal)).total;

// What the list shows: the view, the tag and the search.
function listFilters() {
  return {
    q: state.query,
    tag: state.tag,
    pinned: state.view === 'pinned' ? 1 : '',
    trashed: state.view === 'trash' ? 1 : '',
  };
}

// The next page (append), the list again with as many rows as it shows (refresh), or its first page.
// False if a newer load cut it short (a refresh after a save, a search typed on).
async function loadList({ append = false, refresh = false } = {}) {
  listRequest?.abort();
  listRequest = new AbortController();
  const filters = listFilters();
  const offset = append ? state.notes.length : 0;
  const wanted = refresh ? Math.max(PAGE_SIZE, state.notes.length) : PAGE_SIZE;
  try {
    const rows = [];
    let page;
    do {
      page = await listNotes({ ...filters, limit: Math.min(MOST_ROWS_PER_REQUEST, wanted - rows.length), offset: offset + rows.length }, listRequest.signal);
      rows.push(...page.notes);
    } while (page.notes.length && rows.length < wanted && offset + rows.length < page.total);
    state.listedQuery = filters.q;
    takePage({ ...page, notes: rows }, append);
    // A search shows only some of the trash; the Empty trash button is for all of it.
    if (state.view === 'trash') state.trashTotal = state.query ? await trashCount(listRequest.signal) : state.total;
  } catch (error) {
    if (error.name === 'AbortError') return false;
    listRequest = null;
    $('listLoading').hidden = true;
    setLiveText($('listStatus'), `Could not load notes: ${error.message}`);
    return true;
  }
  listRequest = null;
  showList({ fromTop: !append && !refresh });
  return true;
}

// The list scrolled (or the selection moved) to its last loaded note: the next page, or the one on
// its way already. After an error, the next scroll tries again.
function loadNextPage() {
  if (!nextPage && !listRequest && state.notes.length < state.total) {
    $('listLoading').hidden = false;
    nextPage = loadList({ append: true }).finally(() => { nextPage = null; });
  }
  return nextPage;
}

function takePage(page, append = false) {
  state.notes = append ? [...state.notes, ...page.notes] : page.notes;
  state.total = page.total;
  state.totalExact = page.total_exact ?? true;
}

// The list as state has it; fromTop: a new list, shown from its first note.
function showList({ fromTop = false } = {}) {
  $('listLoading').hidden = true;
  showNotes(state.notes, { total: state.total, totalExact: state.totalExact, selectedId: state.selectedId, fromTop });
  const emptyTrashShown = state.view === 'trash' && state.trashTotal > 0;
  if (!emptyTrashShown) handFocusOn($('emptyTrash'), $('noteList'));
  $('emptyTrash').hidden = !emptyTrashShown;
  setLiveText($('listStatus'), listStatus());
  $('emptyState').classList.toggle('no-notes', state.view === 'all' && !state.tag && !state.query && !state.total);
}

// A query that is a quoted phrase is shown as typed, not in quotes again.
const shownQuery = (query) => (/^".*"$/s.test(query) ? query : `“${query}”`);

function listStatus() {
  // A search counts only so far past the page: then the total is a lower bound, shown as "250+".
  const count = state.totalExact ? notesCount(state.total) : `${countText(state.total)}+ notes`;
  // What the list is limited to, said with the count: a search looks only there.
  const scope = state.tag ? ` tagged “${state.tag}”` : { pinned: ' pinned', trash: ' in the trash' }[state.view] ?? '';
  if (state.query) return `${state.total ? count : 'Nothing'}${scope} found for ${shownQuery(state.query)}`;
  if (state.view === 'trash') return state.total ? `${count} in the trash` : 'The trash is empty';
  if (state.total) return `${count}${scope}`;
  if (state.tag) return `No notes tagged “${state.tag}”`;
  return state.view === 'pinned' ? 'No pinned notes' : 'No notes yet';
}

async function loadTags() {
  const { tags } = await listTags();
  showTags(tags);
}

function showTags(tags) {
  if (state.tag && !tags.some(({ name }) => name === state.tag)) {
    // The shown tag is on no note any more (its last one lost it): show all notes, and keep the editor open.
    state.tag = null;
    markCurrentView();
    loadList();
  }
  $('tagsHeading').hidden = !tags.length;
  const focused = $('tagList').contains(document.activeElement) ? document.activeElement : null;
  const focusedTag = focused?.closest('.tag-item').querySelector('.tag-button').firstChild.textContent;
  $('tagList').replaceChildren(...[...tags].sort((a, b) => byName(a.name, b.name)).map(({ name, count }) => {
    const button = Object.assign(document.createElement('button'), { type: 'button', className: 'tag-button' });
    button.append(
      Object.assign(document.createElement('span'), { className: 'tag-name', textContent: name, title: name }),
      Object.assign(document.createElement('span'), { className: 'tag-count', textContent: countText(count) }),
    );
    button.setAttribute('aria-label', `${name}, ${notesCount(count)}`);  // its text reads "work2"
    button.setAttribute('aria-current', String(state.tag === name));
    button.addEventListener('click', () => showView('all', state.tag === name ? null : name));
    const edit = Object.assign(document.createElement('button'), {
      type: 'button', className: 'tag-edit', textContent: '⋯', title: 'Rename or delete this tag (F2)',
    });
    edit.setAttribute('aria-label', `Rename or delete the tag “${name}”`);
    edit.setAttribute('aria-haspopup', 'dialog');
    edit.addEventListener('click', () => editTag({ name, count }, tags, { beforeChange: saveOpenNote, onChanged: tagsChanged }));
    const item = Object.assign(document.createElement('li'), { className: 'tag-item' });
    button.tabIndex = edit.tabIndex = -1;
    item.append(button, edit);
    return item;
  }));
  const buttons = [...$('tagList').querySelectorAll('.tag-button')];
  const stop = buttons.find((button) => button.firstChild.textContent === focusedTag)
    ?? buttons.find((button) => button.getAttribute('aria-current') === 'true') ?? buttons[0];
  if (!stop) {  // the last tag deleted from its dialog: on to the view the list shows
    if (focused) document.querySelector(`.view[data-view="${state.view}"]`).focus();
    return;
  }
  const focusAgain = focused?.classList.contains('tag-edit') ? stop.nextElementSibling : stop;
  focusAgain.tabIndex = 0;
  if (focused) focusAgain.focus();
}

// The tags are one Tab stop, as a list is: ↑ ↓ Home End move between them, → goes to a tag's
// Rename or delete button and ← back, F2 opens that; the button last focused keeps the stop.
function moveThroughTags(event) {
  const item = event.target.closest('.tag-item');
  if (!item || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const tags = [...$('tagList').querySelectorAll('.tag-button')];
  const tag = item.querySelector('.tag-button');
  const index = tags.indexOf(tag);
  const edit = item.querySelector('.tag-edit');
  if (event.key === 'F2') { event.preventDefault(); edit.click(); return; }
  const next = { ArrowDown: tags[index + 1], ArrowUp: tags[index - 1], Home: tags[0], End: tags.at(-1),
                 ArrowRight: edit, ArrowLeft: tag }[event.key];
  if (!next) return;
  event.preventDefault();
  next.focus();
}

function holdTagTabStop(event) {
  for (const button of $('tagList').querySelectorAll('button')) button.tabIndex = button === event.target ? 0 : -1;
}

// What was typed in the open note, saved before a tag changes: the change then comes after it.
const saveOpenNote = () => editor.saver?.save();

// After a tag was renamed or deleted, or that undone: the list and tags as they are now (the list
// of a renamed tag follows it), and the open note if the change made it a new version.
async function tagsChanged({ notes, renamed = null }) {
  if (renamed && state.tag === renamed.from) state.tag = renamed.to;
  await Promise.all([loadList({ refresh: true }), loadTags(), showOpenNoteRetagged(notes)]);
}

// The open note, changed by a tag change: adopted, or, if what is typed in it waits to be saved,
// rebased on it, so that that is saved on top of the new version. If it was saving meanwhile or
// changed elsewhere too, it is left as it is: its next save meets the change as a conflict, and
// the person chooses (nothing typed is lost either way).
async function showOpenNoteRetagged(notes) {
  const saver = editor.saver;
  const changed = notes.find((note) => note.id === saver?.draft.noteId);
  const inStep = () => editor.saver === saver && !saver.inFlight && saver.state !== 'conflict'
    && saver.draft.version === changed.version - 1;
  if (!changed || !inStep()) return;
  let now;
  try {
    now = await getNote(changed.id);
  } catch { return; /* the ajax helper has shown why */ }
  if (!inStep() || now.version !== changed.version) return;
  if (saver.dirty) {
    saver.rebase(now);
    editor.showTags();
  } else {
    saver.adopt(now);
    editor.showNewerVersion(now);
  }
}

function markCurrentView() {
  for (const button of document.querySelectorAll('.view')) {
    button.setAttribute('aria-current', String(button.dataset.view === state.view && !state.tag));
  }
  for (const button of document.querySelectorAll('.tag-button')) {
    button.setAttribute('aria-current', String(button.firstChild.textContent === state.tag));
  }
}

// The open note stays open, as in Joplin and Obsidian: a view or a tag only filters the list (the
// note stays selected in it if it is listed there). Where the window shows the list or the editor
// in turn, the list is shown.
function showView(view, tag = null) {
  state.view = view;
  state.tag = tag;
  markCurrentView();
  showPane('list');
  loadList();
}

// The search emptied (a note made or opened from elsewhere would not be among its results).
function clearSearch() {
  clearTimeout(searchTimer);
  $('search').value = '';
  state.query = '';
}

// A tag's notes, the search cleared (an import's notes, shown from its message).
function showTagAlone(tag) {
  clearSearch();
  showView('all', tag);
}

// reveal: the editor shown, where the window has room for the list or the editor only.
function openNote(note, { reveal = true } = {}) {
  state.selectedId = note.id;
  showDayLinks(note.day ?? null);
  if (!note.trashed_at) {
    rememberOpenNote(note.id);
    rememberRecentNote(note.id);
  }
  markSelected(note.id);
  editor.open(saverFor(note), { readOnly: Boolean(note.trashed_at), attachments: note.attachments ?? [], match: firstMatch(note) });
  if (reveal) showPane('editor');
}

// The first word a search result's snippet marks (the server escapes the snippet and marks the matches).
function firstMatch({ snippet }) {
  if (!snippet) return null;
  const parsed = document.createElement('template');
  parsed.innerHTML = snippet;
  return parsed.content.querySelector('mark')?.textContent || null;
}

// After a sync round or an import, the open note as it is now, if that changed it and nothing typed
// here waits to be saved (else the next save meets the change as a conflict, and the person chooses):
// its newer text, or read-only in the trash (the note of Google Keep's waiting pictures, emptied by
// the import of their notes), or closed if it was deleted for good.
async function showOpenNoteAsChanged() {
  const saver = editor.saver;
  const id = saver?.draft.noteId;
  const untouched = () => editor.saver === saver && !saver.dirty && !saver.inFlight && saver.state === 'saved';
  if (!id || !untouched()) return;
  let now;
  try {
    now = await getNote(id, { showErrors: false });
  } catch (error) {
    if (error.status === 404 && untouched()) {
      savers.delete(id);
      state.selectedId = null;
      editor.close();
    }
    return;
  }
  if (!untouched() || now.version <= saver.draft.version) return;
  if (Boolean(now.trashed_at) !== editor.readOnly) {
    openNote(now, { reveal: false });
  } else {
    saver.adopt(now);
    editor.showNewerVersion(now);
  }
}

// A new note; with a title (a link to a missing note followed), saved at once, the text focused.
// A search in the field is emptied, as Joplin and Bear empty theirs: the new note would not be among
// its results, and is listed with its neighbours instead.
function newNote({ title = '' } = {}) {
  if (state.query || $('search').value) {
    clearSearch();
    showView(state.view === 'trash' ? 'all' : state.view, state.tag);
  } else if (state.view === 'trash') showView('all');
  const fields = { title, tags: state.tag ? [state.tag] : [], pinned: state.view === 'pinned' };
  const saver = track(new NoteSaver(newDraft(fields), { dirty: Boolean(title) }));
  savers.set(saver.key, saver);
  state.selectedId = null;
  markSelected(null);
  showDayLinks(null);
  editor.open(saver);
  showPane('editor');
  if (title) { saver.save(); $('noteBody').focus(); } else $('noteTitle').focus();
}

// Today's note, as Obsidian's daily note: one a day, the server's to find or make, so that a
// second press, or the other window's, opens the same note. The note open before saves what was
// typed in it as it is left (editor.leave); a press while one is on its way waits for that one.
let todaysNoteOpening = null;

function openTodaysNote() {
  todaysNoteOpening ??= (async () => {
    try {
      const note = await todaysNote();
      if (state.view === 'trash') showView('all');
      openNote(note);
      editor.focus();
      refreshSoon();
    } catch { /* the ajax helper has shown why */ } finally {
      todaysNoteOpening = null;
    }
  })();
  return todaysNoteOpening;
}

// The day before or after the open day note that has a note, as Obsidian's "Open previous/next
// daily note"; from any other note, the day before or after today.
function showDayLinks(day) {
  state.openDay = day;
  $('dayLinks').hidden = !day;
}

function localToday() {
  const now = new Date();
  return [now.getFullYear(), now.getMonth() + 1, now.getDate()].map((part) => String(part).padStart(2, '0')).join('-');
}

async function openNeighbouringDay(direction) {
  try {
    const note = await neighbouringDayNote((editor.saver && state.openDay) || localToday(), direction);
    if (state.view === 'trash') showView('all');
    openNote(note);
    editor.focus();
  } catch (error) {
    if (!error.offline) toast(error.message, { kind: error.status === 404 ? 'info' : 'error' });  // "No day before … has a note."
  }
}

// A link followed, from the preview or the Backlinks section. A link to a note in the trash
// offers it back rather than a second note of its title.
async function followLink({ noteId, trashedId, title, heading }) {
  if (noteId) {
    try {
      openNote(await getNote(noteId));
    } catch { return; /* the ajax helper has shown why */ }
    if (heading) await editor.showHeading(heading);
    return;
  }
  if (trashedId) {
    toast(`“${title}” is in the trash.`, { action: { label: 'Restore it', run: () => restoreAndOpen(trashedId) } });
    return;
  }
  toast(`No note is titled “${title}” yet.`, { action: { label: 'Create it', run: () => createLinkedNote(title) } });
}

// A link may name a longer title than a note can have: the note takes as much of it as fits
// (whole characters, as the server counts them), and the link, naming the whole title, does not
// lead to that note.
function createLinkedNote(title) {
  const characters = Array.from(title);
  const maxLength = $('noteTitle').maxLength;
  if (characters.length <= maxLength) {
    newNote({ title });
    return;
  }
  newNote({ title: characters.slice(0, maxLength).join('') });
  toast(`The title is cut to its first ${maxLength} characters, the most a title holds: the link, naming the whole title, does not lead to this note.`);
}

async function restoreAndOpen(noteId) {
  try {
    await restoreNote(noteId);
    openNote(await getNote(noteId));
  } catch { /* the ajax helper has shown why */ }
  refreshSoon();
}

async function moveToTrash() {
  const saver = editor.saver;
  await saver.save();
  if (!saver.draft.noteId) {
    editor.close();
    return;
  }
  const note = await trashNote(saver.draft.noteId);
  savers.delete(note.id);
  if (closeIfStillOpen(note.id)) state.selectedId = null;
  refreshSoon();
  toast(`“${noteTitle(note)}” moved to the trash`, {
    action: { label: 'Undo', run: async () => { await restoreNote(note.id); refreshSoon(); } },
  });
}

// Once the server has answered about a note, its editor is closed, unless the person has gone
// to another view or note meanwhile (a slow answer, through a proxy say): until this, the editor
// was then gone, the answer's handling stopped on it, and "Note restored" was never said.
function closeIfStillOpen(noteId) {
  if (editor.saver?.draft.noteId !== noteId) return false;
  editor.close();
  return true;
}

async function restoreSelected() {
  const { noteId } = editor.saver.draft;
  await restoreNote(noteId);
  savers.delete(noteId);
  closeIfStillOpen(noteId);
  refreshSoon();
  toast('Note restored');
}

async function purgeSelected() {
  if (!window.confirm('Delete this note and its attachments for good? This cannot be undone.')) return;
  const { noteId } = editor.saver.draft;
  await purgeNote(noteId);
  savers.delete(noteId);
  closeIfStillOpen(noteId);
  refreshSoon();
}

async function emptyTheTrash() {
  const shown = new Set(state.notes.map((note) => note.id));  // the trash view's notes
  const count = await trashCount();  // now: another window may have trashed or purged notes since
  if (!count) { loadList(); return; }
  const [notes, their] = count === 1 ? ['1 note', 'its'] : [`${count} notes`, 'their'];
  if (!window.confirm(`Delete ${notes} in the trash, and ${their} attachments, for good? This cannot be undone.`)) return;
  const { deleted } = await emptyTrash();
  for (const id of shown) savers.delete(id);
  if (shown.has(editor.saver?.draft.noteId)) {
    editor.close();
    state.selectedId = null;
  }
  await loadList();
  toast(`${deleted} ${deleted === 1 ? 'note' : 'notes'} deleted for good`);
}

// The saved version stays open, unless it is in the trash: then the person goes on in their copy.
function keepBoth() {
  const mine = editor.saver;
  const trashed = Boolean(mine.conflict.trashed_at);
  const copy = track(new NoteSaver(newDraft({ ...structuredClone(mine.draft.fields), title: `${mine.draft.fields.title} (my version)` }), { dirty: true }));
  savers.set(copy.key, copy);
  copy.save();
  mine.useTheirs();
  if (trashed) {
    state.selectedId = null;
    showDayLinks(null);
    editor.open(copy);
  } else {
    editor.showFields();
  }
}

// Keys pressed while the next page loads each move on from where the one before left the selection.
async function moveSelection(step) {
  if (!state.notes.length) return;
  const atTheLastLoaded = () => step > 0 && state.notes.at(-1).id === state.selectedId;
  // A page already on its way when the key was pressed (a scroll's) may fail; the key then asks
  // for it once more itself.
  if (atTheLastLoaded()) await loadNextPage();
  if (atTheLastLoaded()) await loadNextPage();
  const index = state.notes.findIndex((note) => note.id === state.selectedId);
  const next = state.notes[Math.min(state.notes.length - 1, Math.max(0, index + step))];
  if (next) openNote(next, { reveal: false });  // the list keeps the keyboard
}

function onKey(event) {
  if (composing(event)) return;  // the input method's key, not the app's (composition.js)
  const ctrl = event.ctrlKey || event.metaKey;
  const letter = shortcutLetter(event);
  if (ctrl && letter === 'n') { event.preventDefault(); newNote(); }
  else if (ctrl && event.shiftKey && letter === 'd') { event.preventDefault(); openTodaysNote(); }
  else if (ctrl && event.shiftKey && event.code === 'BracketLeft') { event.preventDefault(); openNeighbouringDay('previous'); }
  else if (ctrl && event.shiftKey && event.code === 'BracketRight') { event.preventDefault(); openNeighbouringDay('next'); }
  else if (ctrl && event.shiftKey && letter === 'f') { event.preventDefault(); focusSearch(); }
  else if (ctrl && letter === 'f') { event.preventDefault(); find(); }
  else if (ctrl && event.shiftKey && letter === 'o') { event.preventDefault(); goToHeading(); }
  else if (ctrl && letter === 'o') { event.preventDefault(); notePicker.show(); }
  else if (ctrl && letter === 'h') { event.preventDefault(); findAndReplace(); }
  else if (ctrl && letter === 's') { event.preventDefault(); editor.saver?.save(); }
  else if (ctrl && letter === 'p') { event.preventDefault(); printNote(); }
  else if (ctrl && event.shiftKey && letter === 'e') { event.preventDefault(); showNoteAlone(); }
  else if (ctrl && letter === 'e') { event.preventDefault(); togglePreview(); }
  else if (event.key === 'Escape') {
    if (closeSidebar()) return;
    if (document.activeElement === $('search') && $('search').value) { $('search').value = ''; search(); }
    else if (!$('conflict').hidden && document.activeElement.matches('#noteTitle, #noteTags, #noteBody')) $('keepMine').focus();
    else focusList();
  } else if (document.activeElement === $('search') && (event.key === 'ArrowDown' || event.key === 'Enter')) {
    event.preventDefault();
    fromSearchToResults(event.key);
  } else if (document.activeElement === $('noteList')) {
    // As any listbox: End goes to the last note loaded (pressed again, to the next page's last).
    const step = { ArrowDown: 1, ArrowUp: -1, PageDown: rowsInView(), PageUp: -rowsInView(), Home: -Infinity, End: Infinity }[event.key];
    if (step) { event.preventDefault(); moveSelection(step); }
    else if (event.key === 'Enter' && editor.saver) { event.preventDefault(); showPane('editor'); editor.focus(); }
  }
}

// ↓ in the search field goes to the results, the first one open; Enter opens the first to edit.
// A search still being typed, or on its way, is run first, so that the first result is the text's.
async function fromSearchToResults(key) {
  const typed = $('search').value.trim();
  if (state.query !== typed || state.listedQuery !== typed) {
    clearTimeout(searchTimer);
    state.query = typed;
    // A refresh after a save cut the search short, and the list's first note was then the whole list's.
    while (!(await loadList()) && state.query === typed);
  }
  if (!state.notes.length) return;
  openNote(state.notes[0], { reveal: false });
  if (key === 'Enter') {
    showPane('editor');
    editor.focus();
  } else {
    focusList();
  }
}

function focusList() {
  showPane('list');
  $('noteList').focus();
}

// Ctrl+F in the note's text (or its find bar) finds in the note, as in Obsidian; elsewhere it
// searches the notes, as Ctrl+Shift+F does from anywhere.
function find() {
  if (editor.saver && document.activeElement.matches('#noteBody, #findBar *')) editor.findInNote();
  else focusSearch();
}

function findAndReplace() {
  if (editor.saver) editor.findInNote({ replace: true });
  else toast('Open a note to find and replace in it.');
}

function goToHeading() {
  if (!editor.saver) {
    toast('Open a note to go to one of its headings.');
    return;
  }
  showPane('editor');  // in the narrowest window, from the list
  editor.setHistory(false);  // in the text's place, the list would show under it
  editor.headingPicker.show();
}

// Edit › Insert template… (templates.js): only into a note that can take it, else why not.
function chooseTemplate() {
  if (!editor.saver) toast('Open a note to insert a template into it.');
  else if (editor.readOnly) toast('This note is in the trash: restore it to insert a template into it.');
  else if (editor.history.open) toast('Close History to insert a template: the note’s text is behind it.');
  else {
    showPane('editor');  // in the narrowest window, from the list
    templatePicker.show();
  }
}

// At the caret of the note's text (in place of its selection), as typing would put it: the
// typing not yet saved stays, and one Undo takes the template back out.
function insertTemplate(template) {
  if (!editor.saver || editor.readOnly || editor.history.open) return;
  const { text, unknown } = template;
  editor.setPreview(false);
  const body = $('noteBody');
  body.focus();
  replace(body, body.selectionStart, body.selectionEnd, text);
  if (unknown.length) toast(`Left as typed in “${template.title}”, which Notedesk does not fill in: ${unknown.join(', ')}`, { duration: 10000 });
}

// Go to note's choice, opened to write in (its list reads it again: it may have changed since).
async function goToNote(id) {
  try {
    openNote(await getNote(id));
  } catch { return; /* the ajax helper has shown why */ }
  editor.focus();
}

function focusSearch() {
  showPane('list');
  $('search').focus();
  $('search').select();
}

// Print… and Export note as PDF…: the open note, rendered, alone on the page (print.css).
async function preparePrint() {
  if (!editor.saver) {
    toast('Open a note to print it.');
    return null;
  }
  const { title, body } = editor.saver.draft.fields;
  $('printView').replaceChildren(...await printedNote(title, body, editor.saver.draft.noteId));
  $('printView').dataset.note = String(editor.saver.key);
  return title || 'Untitled note';
}

async function printedNote(title, body, noteId) {
  const { html } = await renderPreview(body, noteId);
  const heading = Object.assign(document.createElement('h1'), { className: 'print-title', textContent: title || 'Untitled note' });
  const content = document.createElement('div');
  content.innerHTML = html;  // sanitised by the server
  return [heading, content];
}

// Every note the list shows, not only its loaded rows, in its order; null if it has more than
// `most`, which a search's count may not have said ("250+ notes").
async function allListedNotes(most) {
  const filters = listFilters();
  const notes = [];
  let page;
  do {
    page = await listNotes({ ...filters, limit: MOST_ROWS_PER_REQUEST, offset: notes.length });
    notes.push(...page.notes);
  } while (page.notes.length && notes.length < page.total && notes.length <= most);
  return notes.length > most ? null : notes;
}

// File › Export notes in list as Markdown…: a course's tag (or a search) as a folder of Markdown
// files, its notes alone; All notes, as Export Markdown… does.
const MOST_NOTES_EXPORTED = 10_000;

async function exportListedNotes() {
  if (state.view === 'trash') {
    toast('Notes in the trash are not exported: restore the ones to keep first.');
    return;
  }
  if (!state.total) {
    toast('The list has no notes to export.');
    return;
  }
  if (state.view === 'all' && !state.tag && !state.query) {
    exportNotes('markdown');
    return;
  }
  const tooMany = (count) => toast(`The list has ${count} notes: choose a tag, or search, for at most ${countText(MOST_NOTES_EXPORTED)} to export together, or use Export Markdown… for all of them.`);
  if (state.total > MOST_NOTES_EXPORTED) {
    tooMany(countText(state.total));
    return;
  }
  let notes;
  try {
    notes = await allListedNotes(MOST_NOTES_EXPORTED);
  } catch {
    return;  // the ajax helper has shown why
  }
  if (!notes) tooMany(`more than ${countText(MOST_NOTES_EXPORTED)}`);
  else exportNotes('markdown', notes.map((note) => note.id));
}

// Print notes in list… and Export notes in list as PDF…: every note the list shows (a course's
// tag, a search), not only its loaded rows, each from a page of its own: the term's notes to
// revise from, on paper or in one PDF.
const MOST_NOTES_PRINTED = 500;

async function prepareListPrint() {
  if (!state.total) {
    toast('The list has no notes to print.');
    return null;
  }
  const tooMany = (count) => toast(`The list has ${count} notes: choose a tag, or search, for at most ${MOST_NOTES_PRINTED} to print together.`);
  if (state.total > MOST_NOTES_PRINTED) {
    tooMany(countText(state.total));
    return null;
  }
  const name = state.tag ?? (state.query || (state.view === 'all' ? 'Notes' : state.view[0].toUpperCase() + state.view.slice(1)));
  try {
    const notes = await allListedNotes(MOST_NOTES_PRINTED);
    if (!notes) {
      tooMany(`more than ${MOST_NOTES_PRINTED}`);
      return null;
    }
    // A course's lectures in the order they were written; a search's notes best match first.
    if (!state.query) notes.sort((a, b) => Date.parse(a.created) - Date.parse(b.created));
    if (notes.length > 1) toast(`Preparing ${countText(notes.length)} notes to print…`);
    const sections = [];
    for (const note of notes) {
      const section = Object.assign(document.createElement('section'), { className: 'printed-note' });
      section.append(...await printedNote(note.title, note.body, note.id));
      sections.push(section);
    }
    $('printView').replaceChildren(...sections);
    $('printView').dataset.note = 'list';
  } catch {
    return null;  // the ajax helper has shown why
  }
  return name;
}

// A print the browser starts itself (its menu, or Ctrl+P where it keeps the key) still prints
// the open note: as plain text, if it has not been rendered for printing yet. The list's notes,
// prepared for this print (window.print() says 'beforeprint' too), stay until it ends.
function printOpenNoteIfNotPrepared() {
  const key = editor.saver?.key;
  if (!key || [String(key), 'list'].includes($('printView').dataset.note)) return;
  const { title, body } = editor.saver.draft.fields;
  const heading = Object.assign(document.createElement('h1'), { className: 'print-title', textContent: title || 'Untitled note' });
  $('printView').replaceChildren(heading, Object.assign(document.createElement('pre'), { textContent: body }));
}

// Ctrl+E, as in Obsidian: the note's text or its preview, from anywhere in the window.
function togglePreview() {
  if (editor.saver) $('togglePreview').click();
  else toast('Open a note to preview it.');
}

function showNoteAlone() {
  if (!editor.saver) {
    toast('Open a note to show it alone.');
    return;
  }
  toggleNoteAlone();
  if (!$('editor').contains(document.activeElement)) editor.focus();  // not on the list it hid
}

async function printNote(prepare = preparePrint) {
  if (await prepare()) window.print();
}

// In the window, straight to the file chosen in the save dialog; in a browser, its print dialog
// (which offers Save as PDF).
async function exportPdf(prepare = preparePrint) {
  const title = await prepare();
  if (!title) return;
  if (!inWindow()) { window.print(); return; }
  const name = `${firstCharacters(title.replace(/[\\/:*?"<>|\x00-\x1f]+/g, ' ').trim(), 100) || 'Note'}.pdf`;
  try {
    const { path } = await ajax('/_desktop/print-to-pdf', { method: 'POST', json: { suggested_name: name }, timeout: DIALOG_TIMEOUT_MS });
    if (path) toast(`Exported ${prepare === preparePrint ? 'the note' : 'the notes'} to ${path}`);
  } catch { /* the ajax helper has shown why */ }
}

// A notedesk://note/<uid> link: opening it (double-click, a browser, another app) shows this note.
async function copyLinkToNote() {
  const { saver } = editor;
  if (!saver) { toast('Open a note to copy a link to it.'); return; }
  await saver.save();
  if (!saver.draft.noteId) { toast('Write something first: an empty note has no link.'); return; }
  const link = `notedesk://note/${saver.draft.uid}`;
  try {
    await navigator.clipboard.writeText(link);
  } catch {
    const field = Object.assign(document.createElement('textarea'), { value: link });
    document.body.append(field);
    field.select();
    document.execCommand('copy');
    field.remove();
  }
  toast(`Copied ${link}`);
}

// The window's menu (embedded_site/desktop_menu.py): each command runs what its button or shortcut runs.
const menuCommands = {
  'new-note': newNote,
  'todays-note': openTodaysNote,
  'previous-day-note': () => openNeighbouringDay('previous'),
  'next-day-note': () => openNeighbouringDay('next'),
  'import': () => $('importNotes').click(),
  'export-json': () => $('exportJson').click(),
  'export-markdown': () => $('exportMarkdown').click(),
  'find': find,
  'search-notes': focusSearch,
  'replace': findAndReplace,
  'toggle-preview': togglePreview,
  'toggle-note-alone': showNoteAlone,
  'go-to-heading': goToHeading,
  'go-to-note': () => notePicker.show(),
  'insert-template': chooseTemplate,
  'print': printNote,
  'print-list': () => printNote(prepareListPrint),
  'export-list-pdf': () => exportPdf(prepareListPrint),
  'export-list-markdown': exportListedNotes,
  'copy-link': copyLinkToNote,
  'export-pdf': exportPdf,
};

function showOpened({ notes = [], messages = [], imports = [] }) {
  for (const { kind, text } of messages) toast(text, { kind: kind === 'info' ? 'info' : 'error', duration: 10000 });
  for (const job of imports) followImport(job);
  if (!notes.length) return;
  if (state.view === 'trash' || state.tag || state.query) {
    clearSearch();
    showView('all');
  }
  refreshSoon();
  openNote(notes[notes.length - 1]);
  if (notes.length > 1) toast(`${notes.length} files opened as notes`);
}

// Files dropped anywhere but onto an open note's text (which attaches them) open as notes, as
// `notedesk FILE…` opens them; left to the web view, a dropped file did nothing in the window and
// replaced the app in a browser.
const draggingFiles = (event) => event.dataTransfer?.types.includes('Files');

async function openDropped(event) {
  if (event.defaultPrevented || !draggingFiles(event)) return;
  event.preventDefault();
  if (!inWindow()) {
    toast('Drop files onto an open note to attach them, or import notes with Import and export.');
    return;
  }
  let answer;
  try {
    answer = await openDroppedFiles([...event.dataTransfer.files].map((file) => file.name));
  } catch { return; /* the ajax helper has shown why */ }
  const unmatched = answer.unmatched.map((name) => ({
    kind: 'error', text: `“${name}” did not come from a folder: drop it onto an open note to attach it.`,
  }));
  showOpened({ ...answer, messages: [...answer.messages, ...unmatched] });
}

let searchTimer = null;
function search() {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    state.query = $('search').value.trim();
    loadList();
  }, SEARCH_DELAY_MS);
}

// The note open when Notedesk last closed (or the window reloaded) opens again, as Obsidian and
// Joplin reopen it; from the page's first list before its first paint when it is there. Without
// the window's storage (full, or refused), the launch opens none, as before.
const LAST_NOTE_KEY = 'notedesk.last-note';

function rememberOpenNote(id) {
  try {
    localStorage.setItem(LAST_NOTE_KEY, String(id));
  } catch { /* the note is not reopened at the next launch */ }
}

async function reopenLastNote() {
  let id;
  try {
    id = Number(localStorage.getItem(LAST_NOTE_KEY));
  } catch { return; }
  if (!id || editor.saver) return;
  const listed = state.notes.find((note) => note.id === id);
  if (listed) {
    openNote(listed, { reveal: false });
    return;
  }
  let note;
  try {
    note = await getNote(id, { showErrors: false });
  } catch {
    return;  // deleted for good since, or the server unreachable: the list alone, as before
  }
  if (!note.trashed_at && !editor.saver) openNote(note, { reveal: false });
}

async function logOutOnceSaved(event) {
  event.preventDefault();
  await Promise.all([...savers.values()].map((saver) => saver.save()));
  const unsaved = [...savers.values()].filter((saver) => saver.dirty).map((saver) => `“${noteTitle(saver.draft.fields)}”`);
  if (unsaved.length && !window.confirm(`Your latest changes to ${unsaved.join(', ')} could not be saved yet. `
    + 'Log out anyway, and lose them?')) return;
  flushDrafts();  // those only in memory too, which the page's going would write
  for (const draft of pendingDrafts()) removeDraft(draft.uid);
  event.target.submit();  // no submit event: this handler does not run again
}

// What an earlier page left unsaved (the window closed, the app stopped) is saved now, and said.
function resumeUnsavedDrafts() {
  const drafts = pendingDrafts();
  for (const draft of drafts) {
    const saver = track(new NoteSaver(draft, { dirty: true }));
    savers.set(draft.noteId ?? draft.uid, saver);
    saver.save();
  }
  if (!drafts.length) return;
  const titles = drafts.slice(0, 3).map((draft) => `“${draft.fields.title.trim() || 'Untitled'}”`);
  if (drafts.length > 3) titles.push(`${drafts.length - 3} more`);
  toast(`Recovered what was not saved when Notedesk last closed, in ${titles.join(', ')}: saving it now.`, { duration: 10000 });
}

$('newNote').addEventListener('click', () => newNote());
$('todaysNote').addEventListener('click', openTodaysNote);
$('previousDay').addEventListener('click', () => openNeighbouringDay('previous'));
$('nextDay').addEventListener('click', () => openNeighbouringDay('next'));
$('search').addEventListener('input', search);
$('trashNote').addEventListener('click', moveToTrash);
$('restoreNote').addEventListener('click', restoreSelected);
$('purgeNote').addEventListener('click', purgeSelected);
$('emptyTrash').addEventListener('click', emptyTheTrash);
$('copyLink').addEventListener('click', copyLinkToNote);
for (const button of document.querySelectorAll('.view')) button.addEventListener('click', () => showView(button.dataset.view));
$('tagList').addEventListener('keydown', moveThroughTags);
$('tagList').addEventListener('focusin', holdTagTabStop);
// A tag's chip in a row shows that tag's notes, as the tag in the sidebar does; the rest of the row opens its note.
$('noteList').addEventListener('click', (event) => {
  const chip = event.target.closest('.chip:not(.more-tags)');
  if (chip) {
    showView('all', chip.textContent);
    return;
  }
  const row = event.target.closest('.note-item');
  if (row) openNote(state.notes.find((note) => note.id === Number(row.dataset.id)));
});
editor.addEventListener('keep-both', keepBoth);
// A note closed from its own buttons (Trash, Restore, Delete forever): the keyboard goes on in the list.
editor.addEventListener('closed', (event) => (event.detail.focusWasIn ? focusList() : showPane('list')));
editor.addEventListener('attachments-changed', refreshSoon);
editor.addEventListener('follow-link', (event) => followLink(event.detail));
editor.addEventListener('links-changed', refreshSoon);
document.addEventListener('keydown', onKey);
document.addEventListener('dragover', (event) => { if (draggingFiles(event)) event.preventDefault(); });
document.addEventListener('drop', openDropped);
window.addEventListener('beforeprint', printOpenNoteIfNotPrepared);
window.addEventListener('afterprint', () => { if ($('printView').dataset.note === 'list') delete $('printView').dataset.note; });
document.addEventListener('desktop:command', (event) => menuCommands[event.detail?.command]?.());
// Files (and notedesk:// links) opened from outside: the server has made them notes already.
document.addEventListener('desktop:open', (event) => showOpened(event.detail ?? {}));
document.addEventListener('desktop:setting', (event) => {
  if ('spell_check' in (event.detail ?? {})) toast(`Spell check ${event.detail.spell_check ? 'on' : 'off'}`);
});
// The window is closing: what waits for a pause in the typing is sent now, and the window waits for it.
document.addEventListener('desktop:closing', () => { for (const saver of savers.values()) saver.save(); });
// Log out (a server's page): what waits for a pause in the typing is saved first, as at a quit; and
// nothing typed is left in this browser's storage, where the next person to log in here would
// resume it as their own note.
$('logOut')?.addEventListener('submit', logOutOnceSaved);
// What was typed reaches storage before the page may go away, and when a field or the window is left.
for (const type of ['pagehide', 'beforeunload', 'blur']) window.addEventListener(type, flushDrafts);
for (const type of ['visibilitychange', 'focusout']) document.addEventListener(type, flushDrafts);
window.addEventListener('ajax:online', () => { for (const saver of savers.values()) saver.retryIfOffline(); });

setUpList($('noteList'), { onNearEnd: loadNextPage });
setUpTransfers({ onImported: () => { loadList(); loadTags(); showOpenNoteAsChanged(); }, showTag: showTagAlone });
// The list as it was (its rows loaded, where it was scrolled), with what the round brought.
setUpSyncPanel({ onSynced: () => { refreshSoon(); showOpenNoteAsChanged(); } });
setUpSearchHelp();
setUpLayout({ onBack: focusList });
setUpTagEditor();

resumeUnsavedDrafts();
// The page carries its first list and tags (as the API answers them), and app.html holds its
// first paint until this module has run (blocking="render"), so that first paint shows them.
const firstPage = JSON.parse($('firstPage').textContent);
takePage(firstPage.notes);
showList();
showTags(firstPage.tags);
reopenLastNote();
// A keyboard and a screen reader start in the list (on the note opened again, if one is), not on
// the page's <body>, where nothing is read out but the window's name.
if (document.activeElement === document.body) $('noteList').focus();
performance.mark('notes:first-list-shown');

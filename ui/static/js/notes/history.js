// The History panel: the open note's revisions (time, size, why kept, what changed), one of them
// beside the current text with the lines that differ marked, and restoring it, which the server
// makes a new version of its own (so a toast offers to undo it).
import { setLiveText, toast } from '../feedback.js';
import { getRevision, listRevisions, restoreRevision } from './api.js';
import { showVersionPair } from './conflict_view.js';

const $ = (id) => document.getElementById(id);
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

// Made at the first size shown, not as the page starts (each Intl object costs it a little).
let sizeUnits = null;

// A size as the window's language writes one: "29 bytes", "1.2 kB", "3.4 MB" ("1,2 kB" in German, "1,2 ko" in French).
export function formatSize(bytes) {
  sizeUnits ??= [['megabyte', 1e6, 'short'], ['kilobyte', 1e3, 'short'], ['byte', 1, 'long']].map(([unit, size, unitDisplay]) => [
    size, new Intl.NumberFormat(undefined, { style: 'unit', unit, unitDisplay, maximumFractionDigits: 1 }),
  ]);
  const [unitSize, format] = sizeUnits.find(([size]) => bytes >= size) ?? sizeUnits.at(-1);
  return format.format(bytes / unitSize);
}

const span = (className, textContent) => Object.assign(document.createElement('span'), { className, textContent });

export class HistoryPanel {
  // editor: the Editor (its saver is the open note's; showFields() shows a restored note).
  constructor(editor) {
    this.editor = editor;
    this.revisions = [];
    this.selected = null;  // the revision shown, whole
    this.choice = null;    // the last select(): only its answer is shown
    this.request = null;
    $('closeHistory').addEventListener('click', () => this.editor.setHistory(false));
    $('restoreRevision').addEventListener('click', () => this.restore());
    $('revisionList').addEventListener('click', (event) => {
      const row = event.target.closest('.revision');
      if (row) this.select(Number(row.dataset.id));
    });
    $('revisionList').addEventListener('keydown', (event) => this.onKey(event));
    // Escape closes it, the focus back on History, as a picker's does.
    $('history').addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();  // not the app's Escape, which goes to the list
      this.editor.setHistory(false);
    });
  }

  get open() { return !$('history').hidden; }

  get noteId() { return this.editor.saver?.draft.noteId; }

  async load({ keepSelection = false } = {}) {
    const noteId = this.noteId;
    $('revisionCompare').hidden = true;
    if (!noteId) { this.showList([], 'This note has no earlier versions yet.'); return; }
    this.request?.abort();
    const request = this.request = new AbortController();
    let answer;
    try {
      answer = await listRevisions(noteId, request.signal);
    } catch { return; /* the ajax helper has shown why */ }
    if (request.signal.aborted || noteId !== this.noteId) return;
    const days = answer.kept_days;
    const selectedId = keepSelection ? this.selected?.id : null;
    this.showList(answer.revisions, answer.total
      ? `${answer.total} earlier ${answer.total === 1 ? 'version' : 'versions'}, kept for ${days} days`
      : `No earlier versions yet. A version is kept as you write (every 10 minutes at most), and before each restore, move to the trash or import. Versions are kept for ${days} days.`);
    const again = this.revisions.find((revision) => revision.id === selectedId);
    if (again) this.select(again.id);
    else if (this.revisions.length) this.select(this.revisions[0].id);
  }

  showList(revisions, status) {
    this.revisions = revisions;
    this.selected = null;
    setLiveText($('historyStatus'), status);
    $('revisionList').replaceChildren(...revisions.map((revision) => {
      const row = Object.assign(document.createElement('button'), { type: 'button', className: 'revision' });
      row.dataset.id = revision.id;
      row.setAttribute('aria-current', 'false');
      row.tabIndex = -1;
      const time = Object.assign(document.createElement('time'), {
        className: 'revision-time', dateTime: revision.saved_at, textContent: dateFormat.format(new Date(revision.saved_at)),
      });
      const head = span('revision-head', '');
      head.append(time, span('revision-reason', revision.reason_text), span('revision-size', formatSize(revision.size)));
      row.append(head, span('revision-summary', revision.summary));
      const item = document.createElement('li');
      item.append(row);
      return item;
    }));
  }

  async select(revisionId) {
    const noteId = this.noteId;
    // The list is one Tab stop, the version shown (↑ ↓ move), as the sidebar's tags are.
    for (const row of $('revisionList').querySelectorAll('.revision')) {
      row.setAttribute('aria-current', String(Number(row.dataset.id) === revisionId));
      row.tabIndex = Number(row.dataset.id) === revisionId ? 0 : -1;
    }
    // Versions chosen quickly one after the other (↑ ↓): whichever answer comes last, the last
    // one chosen is shown (an earlier one's answer had replaced it, beside the row marked).
    const choice = this.choice = {};
    let revision;
    try {
      revision = await getRevision(noteId, revisionId);
    } catch { return; }
    if (noteId !== this.noteId || choice !== this.choice) return;
    this.selected = revision;
    $('revisionHeading').textContent = `Version of ${dateFormat.format(new Date(revision.saved_at))}`;
    this.compare();
  }

  // The selected revision beside the note as it is now (as typed, saved or not).
  compare() {
    if (!this.selected || !this.editor.saver) return;
    $('revisionCompare').hidden = false;
    const [removed, added] = showVersionPair(
      [$('revisionText'), this.selected, 'removed'],
      [$('currentText'), this.editor.saver.draft.fields, 'added'],
    );
    const same = !(removed + added);
    // Read out as ↑ ↓ choose a version, after its time and size.
    setLiveText($('revisionDifference'), same
      ? 'This version is the same as the current text.'
      : `${removed} ${removed === 1 ? 'line' : 'lines'} only in this version, ${added} only in the current text`);
    // The same text twice, side by side with nothing marked, is no comparison (as right after a restore).
    $('currentVersion').hidden = same;
    $('restoreRevision').disabled = this.editor.readOnly || same;
  }

  async restore() {
    const { saver } = this.editor;
    const revision = this.selected;
    if (!saver || !revision || this.editor.readOnly || !(await this.savedFirst(saver))) return;
    const when = dateFormat.format(new Date(revision.saved_at));
    if (await this.restoreInto(saver, revision.id)) {
      toast(`Restored the version of ${when}`, {
        action: {
          label: 'Undo',
          // What was typed since the restore is saved first too, and kept as a version by the undo.
          run: async () => { if (await this.savedFirst(saver)) await this.restoreInto(saver, this.undoRevision); },
        },
      });
    }
  }

  // What was typed is saved first, so that a restore keeps it as a version; false, saying so, if it could not be.
  async savedFirst(saver) {
    await saver.save();
    if (!saver.dirty && saver.state !== 'conflict') return true;
    toast('Your latest edit is not saved yet, so nothing was restored. Try again once it is saved.', { kind: 'error' });
    return false;
  }

  // Restores a revision into the saver's note; true if it was.
  async restoreInto(saver, revisionId) {
    let note;
    const former = saver.draft.fields.title;
    try {
      note = await restoreRevision(saver.draft.noteId, revisionId, saver.draft.version);
    } catch { return false; /* the ajax helper has shown why */ }
    this.undoRevision = note.undo_revision;
    saver.adopt(note);
    if (this.editor.saver === saver) {
      this.editor.showFields({ tags: true });
      if (this.open) await this.load({ keepSelection: true });
      // A version of another title renames the note back: the links to the title it had can follow, as after a rename.
      this.editor.titleAtFocus = { saver, title: former };
      this.editor.offerRelink();
    }
    return true;
  }

  onKey(event) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const rows = [...$('revisionList').querySelectorAll('.revision')];
    const index = rows.findIndex((row) => row === document.activeElement);
    const next = rows[Math.max(0, Math.min(rows.length - 1, index + (event.key === 'ArrowDown' ? 1 : -1)))];
    if (!next) return;
    event.preventDefault();
    next.focus();
    this.select(Number(next.dataset.id));
  }
}

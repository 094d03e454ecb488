// Autosave for one note: debounced saves, one request at a time, a retry queue while the server
// is away, and conflicts kept for the person to resolve. Nothing typed is dropped: an edit stays
// "dirty" (and in drafts.js) until a save that contained it is acknowledged.
import { createNote, updateNote } from './api.js';
import { putDraft, removeDraft } from './drafts.js';

const SAVE_DELAY_MS = 600;
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 15000];

export const STATE_LABELS = {
  new: 'New note',
  dirty: 'Editing…',
  saving: 'Saving…',
  saved: 'Saved',
  offline: 'Offline — will save when the server is back',
  conflict: 'Conflict — choose a version',
  error: 'Not saved',
};

export function newDraft(fields = {}) {
  return {
    uid: crypto.randomUUID(),
    noteId: null,
    version: null,
    fields: { title: '', body: '', tags: [], pinned: false, ...fields },
  };
}

export function draftOf(note) {
  const { title, body, tags, pinned } = note;
  return { uid: note.uid ?? crypto.randomUUID(), noteId: note.id, version: note.version, fields: { title, body, tags, pinned } };
}

const isBlank = (fields) => !fields.title.trim() && !fields.body.trim();

export class NoteSaver extends EventTarget {
  constructor(draft, { dirty = false } = {}) {
    super();
    this.draft = draft;
    this.dirty = dirty;
    this.state = dirty ? 'dirty' : (draft.noteId ? 'saved' : 'new');
    this.message = '';
    this.conflict = null;
    this.inFlight = null;
    this.saveAgain = false;
    this.timer = null;
    this.retries = 0;
  }

  get key() { return this.draft.uid; }

  change(fields, { now = false } = {}) {
    Object.assign(this.draft.fields, fields);
    this.dirty = true;
    putDraft(this.draft);
    if (this.state !== 'conflict') this.setState('dirty');
    this.schedule(now ? 0 : SAVE_DELAY_MS);
  }

  schedule(delay) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), delay);
  }

  // Saves now; resolves once what was typed so far is saved (or cannot be, for now).
  async save() {
    clearTimeout(this.timer);
    if (this.inFlight) {
      this.saveAgain = true;
      return this.inFlight;
    }
    if (!this.dirty || this.state === 'conflict') return;
    if (!this.draft.noteId && isBlank(this.draft.fields)) {
      this.setState('new');
      return;
    }
    this.inFlight = this.send();
    await this.inFlight;
  }

  async send() {
    const sent = structuredClone(this.draft.fields);
    this.dirty = false;
    this.setState('saving');
    try {
      const note = this.draft.noteId
        ? await updateNote(this.draft.noteId, { ...sent, version: this.draft.version })
        : await createNote({ ...sent, uid: this.draft.uid });
      this.draft.noteId = note.id;
      this.draft.version = note.version;
      // A retried create answers with the note as first created: send what it lacks.
      if (note.title !== sent.title || note.body !== sent.body || note.pinned !== sent.pinned) this.dirty = true;
      this.retries = 0;
      if (this.dirty) putDraft(this.draft); else removeDraft(this.draft.uid);
      this.setState(this.dirty ? 'dirty' : 'saved');
      this.dispatchEvent(new CustomEvent('saved', { detail: note }));
    } catch (error) {
      this.dirty = true;
      if (error.offline) {
        this.setState('offline');
        this.schedule(RETRY_DELAYS_MS[Math.min(this.retries++, RETRY_DELAYS_MS.length - 1)]);
      } else if (error.status === 409) {
        this.conflict = error.data.current;
        this.setState('conflict');
      } else {
        this.setState('error', error.message);
      }
    } finally {
      this.inFlight = null;
      if (this.saveAgain) {
        this.saveAgain = false;
        if (this.dirty && this.state !== 'conflict' && this.state !== 'error') await this.save();
      }
    }
  }

  retryIfOffline() {
    if (this.state === 'offline') this.save();
  }

  keepMine() {
    this.draft.version = this.conflict.version;
    this.conflict = null;
    this.dirty = true;
    this.setState('dirty');
    return this.save();
  }

  useTheirs() {
    Object.assign(this.draft, draftOf({ ...this.conflict, uid: this.draft.uid }));
    this.conflict = null;
    this.dirty = false;
    removeDraft(this.draft.uid);
    this.setState('saved');
  }

  setState(state, message = '') {
    this.state = state;
    this.message = message;
    this.dispatchEvent(new CustomEvent('state', { detail: { state, message } }));
  }
}

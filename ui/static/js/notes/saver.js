// Autosave for one note: debounced saves, one request at a time, a retry queue while the server
// is away, and conflicts kept for the person to resolve. Nothing typed is dropped: an edit stays
// "dirty" (and in drafts.js) until a save that contained it is acknowledged. A note trashed
// elsewhere is a conflict too: the server refuses to write into it, and the person chooses.
import { createNote, restoreNote, updateNote } from './api.js';
import { putDraft, removeDraft } from './drafts.js';
import { sameTags, storedTags, trimmed } from './stored_text.js';

const SAVE_DELAY_MS = 600;
// Typing without a pause is still saved this often: the page's storage (drafts.js) is not fsynced,
// and goes with the window's data if the computer loses power.
const SAVE_AT_LEAST_EVERY_MS = 5000;
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 15000];
const UNANSWERED_KEPT = 20;

export const STATE_LABELS = {
  new: 'New note',
  dirty: 'Editing…',
  saving: 'Saving…',
  saved: 'Saved',
  tagsRefused: 'Saved, except the tags',
  offline: 'Offline — will save when the server is back',
  retrying: 'Not saved yet — will retry',
  conflict: 'Conflict — choose a version',
  restoring: 'Restoring…',
  trashed: 'In the trash — moved there elsewhere',
  error: 'Not saved',
};

const TRASHED_MESSAGE = 'this note was moved to the trash elsewhere; nothing was saved into it';
const RECREATED_MESSAGE = 'as a new note, because this one was deleted elsewhere';

// The conflict dialog's words (by selector in the editor), for a note changed elsewhere or one
// trashed elsewhere: then "Keep mine" restores it with my edit, and "Keep both" keeps my edit as
// a new note and leaves it in the trash.
export function conflictWording(conflict) {
  const trashed = Boolean(conflict?.trashed_at);
  return {
    '#conflictTitle': trashed ? 'This note was moved to the trash elsewhere' : 'This note was changed elsewhere',
    '#conflict > p': trashed
      ? 'Your edit was not saved into it, and nothing is lost: restore the note with your edit, or keep your edit as a new note.'
      : 'Choose which version to keep. Keeping yours keeps the saved one in the note’s history; using the saved one can be undone for a moment.',
    '#theirsTitle': trashed ? 'In the trash' : 'Saved version',
    '#keepMine': trashed ? 'Restore it with my edit' : 'Keep mine',
    '#keepTheirs': trashed ? 'Discard my edit' : 'Use the saved version',
    '#keepBoth': trashed ? 'Keep my edit as a new note' : 'Keep both',
  };
}

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
// A NUL or half of a surrogate pair (pasted from a binary file, say) cannot be stored, and the
// server refuses the whole save: each becomes U+FFFD, which shows where it was.
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const storable = (fields) => Object.fromEntries(Object.entries(fields).map(
  ([name, value]) => [name, typeof value === 'string' ? value.replace(UNSTORABLE, '\uFFFD') : value]));
const refusesOnlyTags = (fields) => Boolean(fields) && Object.keys(fields).join() === 'tags';

// Two notes as the server stores them are the same: what their textHash() tells, without going
// over the whole text in a loop.
const storedAlike = (a, b) => a.body === b.body && a.pinned === b.pinned && trimmed(a.title) === trimmed(b.title)
  && sameTags(a.tags, b.tags);

// A 53-bit hash (cyrb53) of a note as the server stores it, to recognise a save of ours.
export function textHash({ title, body, pinned, tags }) {
  const text = JSON.stringify([trimmed(title), body, pinned, storedTags(tags)]);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

export class NoteSaver extends EventTarget {
  constructor(draft, { dirty = false } = {}) {
    super();
    this.draft = draft;
    this.dirty = dirty;
    this.unsavedSince = null;  // the first change no save has sent yet
    this.state = dirty ? 'dirty' : (draft.noteId ? 'saved' : 'new');
    this.message = '';
    this.conflict = null;
    this.inFlight = null;
    this.saveAgain = false;
    this.timer = null;
    this.retries = 0;
    this.resentFor = null;
    this.notice = '';  // said with the next "Saved"
    this.resolvingConflict = false;  // the next save is "Keep mine": the server keeps what it overwrites
    // Tags the server refused ({tags, message}): until they are changed, the rest of the note is
    // saved without them, so that no word waits on a tag.
    this.refusedTags = null;
    this.composing = false;  // an input method's word is being composed: saved once it is chosen
  }

  get key() { return this.draft.uid; }

  change(fields, { now = false } = {}) {
    Object.assign(this.draft.fields, fields);
    this.dirty = true;
    putDraft(this.draft);
    // In a conflict, "Your version" shows what is typed meanwhile.
    if (this.state === 'conflict') this.setState('conflict', this.message);
    else this.setState('dirty');
    this.unsavedSince ??= Date.now();
    const longestWait = this.unsavedSince + SAVE_AT_LEAST_EVERY_MS - Date.now();
    this.schedule(now ? 0 : Math.max(0, Math.min(SAVE_DELAY_MS, longestWait)));
  }

  schedule(delay) {
    clearTimeout(this.timer);
    if (!this.composing) this.timer = setTimeout(() => this.save(), delay);
  }

  // While a word is composed, the field holds the input method's guess at it (かいぎ, before 会議
  // is chosen): that goes to the draft, so that a quit keeps it, and is not saved, lest the
  // note's list row, history and links show words never chosen.
  setComposing(composing) {
    this.composing = composing;
    if (composing) clearTimeout(this.timer);
    else if (this.dirty && this.state !== 'conflict' && this.state !== 'error') this.schedule(SAVE_DELAY_MS);
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
    // Made storable here, once a save, not at each key: that is a pass over the whole text, and
    // a writer's whole draft in one note is a million characters.
    const sent = storable(structuredClone(this.draft.fields));
    const withoutTags = Boolean(this.refusedTags) && sameTags(this.refusedTags.tags, sent.tags);
    if (!withoutTags) this.refusedTags = null;
    const { tags, ...rest } = sent;
    const fields = withoutTags ? rest : sent;  // a change without tags keeps the note's own
    this.dirty = false;
    this.unsavedSince = null;
    this.setState('saving');
    // Until it is answered this save may land unseen (the page reloads, the answer is lost), and
    // a later save then meets it as a 409: remembered (in drafts.js too), it is known as ours.
    if (!withoutTags) this.draft.unanswered = [...(this.draft.unanswered ?? []), textHash(sent)].slice(-UNANSWERED_KEPT);
    putDraft(this.draft, { now: true });
    try {
      const resolves = this.resolvingConflict ? { resolves_conflict: true } : {};
      const note = this.draft.noteId
        ? await updateNote(this.draft.noteId, { ...fields, version: this.draft.version, ...resolves })
        : await createNote({ ...fields, uid: this.draft.uid });
      this.acknowledge(note, withoutTags ? { ...rest, tags: note.tags } : sent);
    } catch (error) {
      const current = error.status === 409 ? error.data?.current : null;
      // (Not for a trashed note: even holding our text, it is in the trash, not saved.)
      if (current && !current.trashed_at && this.draft.unanswered.includes(textHash(current))) {
        this.acknowledge(current, sent);  // one of our own saves, whose answer was lost
        return;
      }
      this.dirty = true;
      if (error.offline || error.status === 503) {  // 503: the server cannot write just now (disk, lock)
        this.setState(error.offline ? 'offline' : 'retrying', error.offline ? '' : error.message);
        this.schedule(RETRY_DELAYS_MS[Math.min(this.retries++, RETRY_DELAYS_MS.length - 1)]);
      } else if (error.status === 400 && refusesOnlyTags(error.data?.fields) && !withoutTags) {
        this.refusedTags = { tags, message: error.data.fields.tags.join(' ') };
        this.schedule(0);
      } else if (error.status === 409 && current) {
        this.showConflict(current);
      } else if (error.status === 404 && this.draft.noteId) {
        this.saveAsNewNote();
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

  acknowledge(note, sent) {
    this.resolvingConflict = false;
    this.draft.noteId = note.id;
    this.draft.version = note.version;
    this.draft.unanswered = [];
    // A retried create answers with the note as first made, a lost answer's 409 with an earlier
    // save of ours: send what the note lacks. Only once for the same text: were the server to
    // spell a tag otherwise than stored_text.js expects, resending would repeat for ever.
    // Compared as it is stored, not hashed: a hash goes over the whole text, and is needed only then.
    const sentHash = storedAlike(note, sent) ? null : textHash(sent);
    const lacking = sentHash !== null && this.resentFor !== sentHash;
    this.resentFor = lacking ? sentHash : null;
    if (lacking) this.dirty = true;
    // The answer spells the tags as the server stores them ("#Work" is "work"): the draft takes
    // that spelling, unless its tags are no longer those (typed on since, say).
    if (sameTags(note.tags, this.draft.fields.tags)) this.draft.fields.tags = [...note.tags];
    this.retries = 0;
    if (this.dirty) putDraft(this.draft); else removeDraft(this.draft.uid);
    const saved = this.refusedTags ? ['tagsRefused', this.refusedTags.message] : ['saved', this.notice];
    this.setState(...(this.dirty ? ['dirty', ''] : saved));
    if (!this.dirty) this.notice = '';
    this.dispatchEvent(new CustomEvent('saved', { detail: note }));
    if (this.dirty) this.schedule(SAVE_DELAY_MS);
  }

  // Deleted for good elsewhere: what was typed becomes a new note, not a save that never lands.
  saveAsNewNote() {
    Object.assign(this.draft, { noteId: null, version: null, unanswered: [] });
    this.notice = RECREATED_MESSAGE;
    this.schedule(0);
  }

  retryIfOffline() {
    if (this.state === 'offline') this.save();
  }

  showConflict(current) {
    this.conflict = current;
    this.setState('conflict', current.trashed_at ? TRASHED_MESSAGE : '');
  }

  keepMine() {
    if (this.conflict.trashed_at) return this.restoreWithMine();
    this.draft.version = this.conflict.version;
    this.conflict = null;
    this.dirty = true;
    this.resolvingConflict = true;
    this.setState('dirty');
    return this.save();
  }

  // For a note trashed elsewhere: restore it, then save my edit over it, unless it changed again
  // meanwhile (restored and edited elsewhere, trashed again): then that is the conflict shown;
  // or unless it was deleted for good meanwhile (the trash emptied): then my edit is a new note.
  // While the restore is under way, save() waits for it, as for a save in flight.
  async restoreWithMine() {
    if (this.inFlight) return this.inFlight;
    const trashed = this.conflict;
    this.setState('restoring');
    this.inFlight = restoreNote(this.draft.noteId, { showErrors: false }).catch((error) => error);
    const restored = await this.inFlight;
    this.inFlight = null;
    this.saveAgain = false;
    if (restored instanceof Error) {
      this.dirty = true;
      if (restored.status === 404) {
        this.conflict = null;
        this.saveAsNewNote();
      } else {
        this.setState('conflict', `not restored: ${restored.message}`);
      }
    } else if (restored.trashed_at || restored.version !== trashed.version + 1) {
      this.dirty = true;
      this.showConflict(restored);
    } else {
      this.conflict = restored;
      await this.keepMine();
    }
  }

  // Returns my edit's fields, for an Undo to bring back with change().
  useTheirs() {
    const trashed = Boolean(this.conflict.trashed_at);
    const mine = structuredClone(this.draft.fields);
    Object.assign(this.draft, draftOf({ ...this.conflict, uid: this.draft.uid }), { unanswered: [] });
    this.conflict = null;
    this.dirty = false;
    this.unsavedSince = null;
    removeDraft(this.draft.uid);
    this.setState(trashed ? 'trashed' : 'saved');
    return mine;
  }

  // The note as the server answered a change made elsewhere than in this saver (a revision
  // restored): it replaces the draft, which had nothing pending.
  adopt(note) {
    clearTimeout(this.timer);
    Object.assign(this.draft, draftOf({ ...note, uid: this.draft.uid }), { unanswered: [] });
    this.dirty = false;
    removeDraft(this.draft.uid);
    this.setState('saved');
    this.dispatchEvent(new CustomEvent('saved', { detail: note }));
  }

  // The note as a change of its tags alone made elsewhere left it (a tag renamed), while what is
  // typed here waits to be saved: that is saved on top of it, with its tags.
  rebase(note) {
    this.draft.version = note.version;
    this.draft.fields.tags = [...note.tags];
    putDraft(this.draft);
  }

  setState(state, message = '') {
    this.state = state;
    this.message = message;
    this.dispatchEvent(new CustomEvent('state', { detail: { state, message } }));
  }
}

// Unsaved edits, kept in localStorage until the server acknowledges them, so a reload of the
// window in the middle of an autosave loses nothing. Each note's draft has its own key, and a
// changed draft is written WRITE_DELAY_MS later, or at once by flushDrafts() (main.js calls it
// when the page may go away or a field is left): a keystroke costs no serialisation of a large
// note, nor of the other notes' drafts. Storage may be unavailable or full: then the in-memory
// retry queue is the only safety net, and the person is told so, once, and by the offline banner
// (a window closed then loses the edit).
import { KEPT_OFFLINE, setOfflineDetail, toast } from '../feedback.js';

const PREFIX = 'notedesk.draft:';
const FORMER_KEY = 'notedesk.drafts';  // every draft in one JSON, before each had its own key
const WRITE_DELAY_MS = 300;

const UNKEPT_DETAIL = 'Your latest edits are only in this open window (its storage is full): keep it open;';

const unwritten = new Map();  // uid → a draft changed since it was last written
const unkept = new Set();  // uids whose last write failed
let timer = null;

function write(draft) {
  try {
    localStorage.setItem(PREFIX + draft.uid, JSON.stringify(draft));
    kept(draft.uid);
  } catch {
    if (!unkept.size) {
      toast('This edit could not be kept in the window’s storage, which is full. It is saved once the server '
        + 'answers; until then, do not close the window.', { kind: 'error', duration: 20000 });
      setOfflineDetail(UNKEPT_DETAIL);
    }
    unkept.add(draft.uid);
  }
}

function kept(uid) {
  if (unkept.delete(uid) && !unkept.size) setOfflineDetail(KEPT_OFFLINE);
}

export function flushDrafts() {
  clearTimeout(timer);
  timer = null;
  for (const draft of unwritten.values()) write(draft);
  unwritten.clear();
}

// now: written before this returns (a save about to be sent, whose hash a reload must find).
export function putDraft(draft, { now = false } = {}) {
  unwritten.set(draft.uid, draft);
  if (now) flushDrafts();
  else timer ??= setTimeout(flushDrafts, WRITE_DELAY_MS);
}

export function removeDraft(uid) {
  unwritten.delete(uid);
  kept(uid);  // saved: nothing of it is only in the window any more
  try {
    localStorage.removeItem(PREFIX + uid);
  } catch { /* unavailable: nothing was kept */ }
}

// The drafts under the former single key get their own keys; that key goes once they have them.
function moveFormerDrafts() {
  const former = localStorage.getItem(FORMER_KEY);
  if (former === null) return;
  for (const draft of Object.values(JSON.parse(former))) localStorage.setItem(PREFIX + draft.uid, JSON.stringify(draft));
  localStorage.removeItem(FORMER_KEY);
}

// The drafts an earlier page left unsaved.
export function pendingDrafts() {
  try {
    moveFormerDrafts();
  } catch { /* unreadable or storage full: the former key stays as it is */ }
  const drafts = [];
  try {
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith(PREFIX)) drafts.push(JSON.parse(localStorage.getItem(key)));
    }
  } catch { /* unavailable */ }
  return drafts;
}

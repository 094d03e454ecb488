// Unsaved edits, kept in localStorage until the server acknowledges them, so a reload of the
// window in the middle of an autosave loses nothing. Storage may be unavailable: then this is
// a no-op and the in-memory retry queue is the only safety net.
const STORAGE_KEY = 'notedesk.drafts';

function readAll() {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}');
  } catch {
    return {};
  }
}

function writeAll(drafts) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(drafts));
  } catch { /* storage full or unavailable: the retry queue still holds the edit */ }
}

export function putDraft(draft) {
  writeAll({ ...readAll(), [draft.uid]: draft });
}

export function removeDraft(uid) {
  const drafts = readAll();
  delete drafts[uid];
  writeAll(drafts);
}

export function pendingDrafts() {
  return Object.values(readAll());
}

// The notes API (docs/api.md), through the ajax helper.
import { ajax, upload } from '../ajax.js';

const note = (id) => `/api/notes/${id}/`;

export function listNotes(params, signal) {
  const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== '' && value != null));
  return ajax(`/api/notes/?${query}`, { signal });
}

export const getNote = (id, options = {}) => ajax(note(id), options);
// Saves report their own errors (the save state shows them), so these do not toast.
export const createNote = (fields) => ajax('/api/notes/', { method: 'POST', json: fields, showErrors: false });
// The day's note, made by the server the first time it is asked for (docs/api.md).
export const todaysNote = () => ajax('/api/notes/today/', { method: 'POST' });
// The note of the nearest day before (after) the day that has one; 404 when none has, which
// the caller says as news, not as a failure.
export const neighbouringDayNote = (day, direction) => ajax(`/api/notes/days/${day}/${direction}/`, { showErrors: false });
export const updateNote = (id, fields) => ajax(note(id), { method: 'PATCH', json: fields, showErrors: false });
export const trashNote = (id) => ajax(note(id), { method: 'DELETE' });
export const restoreNote = (id, options = {}) => ajax(`${note(id)}restore/`, { method: 'POST', ...options });
export const purgeNote = (id) => ajax(`${note(id)}?purge=1`, { method: 'DELETE' });
export const emptyTrash = () => ajax('/api/trash/', { method: 'DELETE' });
export const listTags = () => ajax('/api/tags/');
// The templates, filled in for a note of that title (the server is the one place that fills them).
export const filledTemplates = (title, signal) => ajax(`/api/templates/?${new URLSearchParams({ title })}`, { signal });
// With the note's id, the text may show that note's attached images (`![[photo.png]]`).
export const renderPreview = (body, note = null) => ajax('/api/preview/', { method: 'POST', json: note ? { body, note } : { body } });

export function attachFile(id, file, options) {
  const form = new FormData();
  form.append('file', file);
  return upload(`${note(id)}attachments/`, form, options);
}

// Files dropped onto the window: the server reads them from the paths the OS gave the window.
// The image on the clipboard, read by the window's shell (an empty Blob if there is none).
export const clipboardImage = () => ajax('/_desktop/clipboard-image', { method: 'POST', binary: true });
export const attachDroppedFiles = (id, names) => ajax(`${note(id)}attachments/dropped/`, { method: 'POST', json: { names }, timeout: 120000 });
export const openDroppedFiles = (names) => ajax('/api/notes/dropped/', { method: 'POST', json: { names }, timeout: 120000 });
export const deleteAttachment = (id, attachmentId) => ajax(`${note(id)}attachments/${attachmentId}/`, { method: 'DELETE' });
// The file itself, kept by the page so that removing it can be undone; null if it cannot be read.
export const attachmentContent = (attachment) => ajax(attachment.url, { binary: true, showErrors: false }).catch(() => null);

const revisions = (id) => `${note(id)}revisions/`;
export const listRevisions = (id, signal) => ajax(revisions(id), { signal });
export const getRevision = (id, revisionId) => ajax(`${revisions(id)}${revisionId}/`);
export const restoreRevision = (id, revisionId, version) => ajax(`${revisions(id)}${revisionId}/restore/`, { method: 'POST', json: { version } });

// more: {limit, each} (docs/api.md).
export const completeTitles = (q, signal, more = {}) => ajax(`/api/titles/?${new URLSearchParams({ q, ...more })}`, { signal, showErrors: false });
// The titles of these notes, those outside the trash, without their text.
export const noteTitles = (ids, signal) => ajax(`/api/titles/?${new URLSearchParams({ ids: ids.join(',') })}`, { signal, showErrors: false });
export const getBacklinks = (id, signal) => ajax(`${note(id)}backlinks/`, { signal });
export const linksToTitle = (title) => ajax(`/api/links/?${new URLSearchParams({ title })}`);
export const relinkNote = (id, formerTitle) => ajax(`${note(id)}relink/`, { method: 'POST', json: { former_title: formerTitle } });

// A tag's name in the path: any character, a "/" too (docs/api.md).
const tag = (name) => `/api/tags/${encodeURIComponent(name)}/`;
// The dialog shows why a rename is refused, beside the name.
export const renameTag = (name, newName) => ajax(tag(name), { method: 'PATCH', json: { name: newName }, showErrors: false });
export const deleteTag = (name) => ajax(tag(name), { method: 'DELETE' });
export const undoTagChange = (notes) => ajax('/api/tag-changes/undo/', { method: 'POST', json: { notes } });

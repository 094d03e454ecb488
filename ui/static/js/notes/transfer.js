// Import and export in the background, with progress and a Cancel button. In the Notedesk window
// the OS's own file dialogs choose the files; in a browser an export is downloaded and an
// import is picked with a file input and uploaded.
import { DIALOG_TIMEOUT_MS, ajax, inWindow, upload } from '../ajax.js';
import { toast } from '../feedback.js';
import { handFocusOn } from './layout.js';

const POLL_MS = 250;
const $ = (id) => document.getElementById(id);
const plural = (count, word) => `${count} ${word}${count === 1 ? '' : 's'}`;

let cancel = null;

function showProgress(label, fraction, onCancel) {
  $('transfer').hidden = false;
  $('transferLabel').textContent = label;
  if (fraction == null) $('transferProgress').removeAttribute('value');
  else $('transferProgress').value = Math.round(fraction * 100);
  cancel = onCancel;
}

function hideProgress() {
  handFocusOn($('transfer'), $('transfersToggle'));  // Cancel, pressed: not to the page's <body>
  $('transfer').hidden = true;
  cancel = null;
}

async function follow(job, label) {
  let cancelled = false;
  while (job.state === 'running') {
    showProgress(`${label} ${job.total ? `${job.done} of ${job.total}` : '…'}`, job.total ? job.done / job.total : null, () => {
      cancelled = true;
      ajax(`/api/jobs/${job.id}/`, { method: 'DELETE' });
    });
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    job = await ajax(`/api/jobs/${job.id}/`);
  }
  hideProgress();
  if (job.state === 'failed') toast(job.error, { kind: 'error', duration: 10000 });
  if (job.state === 'cancelled' || cancelled) toast(`${label} cancelled`);
  return job;
}

// Every note outside the trash, or those of the ids in `notes` alone (the notes a list shows).
export async function exportNotes(format, notes = null) {
  try {
    const job = await ajax('/api/jobs/export/', {
      method: 'POST', json: { format, destination: inWindow() ? 'dialog' : 'download', ...(notes && { notes }) }, timeout: DIALOG_TIMEOUT_MS,
    });
    if (!job) return;  // the person closed the save dialog
    const finished = await follow(job, 'Exporting');
    if (finished.state !== 'done') return;
    if (!inWindow()) {
      const link = Object.assign(document.createElement('a'), { href: `/api/jobs/${job.id}/file/`, download: '' });
      document.body.append(link);
      link.click();
      link.remove();
    }
    const where = finished.result.path ? ` to ${finished.result.path}` : '';
    toast(`Exported ${plural(finished.result.notes, 'note')}${where}`);
  } catch { hideProgress(); /* the ajax helper has shown why */ }
}

async function importNotes(startImport, onImported) {
  try {
    const job = await startImport();
    if (!job) return;  // the person closed the open dialog
    const finished = await follow(job, 'Importing');
    if (finished.state === 'done') {
      const { created, updated, unchanged, attachments } = finished.result;
      const added = attachments ? `, ${plural(attachments, 'attachment')} added` : '';
      const { skipped, skipped_files: left } = finished.result;
      const leftOut = skipped ? `. ${plural(skipped, 'file')} left out or changed (${left[0].path}: ${left[0].reason}${skipped > 1 ? ', …' : ''})` : '';
      // Where the file's notes are, when it brought any (not a second import of the same file).
      const [where, tagged] = created + updated ? whereImported(created + updated + unchanged, finished.result.tags ?? []) : ['', null];
      const action = skipped > 1 ? { label: 'Show all', run: () => showSkipped(skipped, left) }
        : tagged ? { label: 'Show them', run: () => showTagOfImport(tagged) } : null;
      toast(`Imported: ${created} new, ${updated} updated, ${unchanged} unchanged${added}${leftOut}${where}`,
        { duration: skipped || where ? 12000 : 5000, action });
    }
    onImported();
  } catch { hideProgress(); }
}

// Where the imported notes are, said after the counts (a note keeps its own dates: an old one is far down the
// list), and the tag all of them are under, if one is.
function whereImported(notes, tags) {
  const [first] = tags;
  if (first?.notes === notes) return [notes === 1 ? `. It is under the tag “${first.name}”.` : `. All ${notes} are under the tag “${first.name}”.`, first.name];
  const under = tags.map(({ name, notes: count }, index) => `${count} under ${index ? '' : 'the tag '}“${name}”`);
  return [`. ${notes === 1 ? 'It is' : 'They are'} in All notes${under.length ? `; ${under.join(', ')}` : ''}.`, null];
}

// Every file an import left out or changed (a title given to tell two notes apart, a tag cut), with why (the job lists the first 2,000).
function showSkipped(count, listed) {
  $('skippedFilesList').replaceChildren(...listed.map(({ path, reason }) => {
    const item = document.createElement('li');
    item.append(Object.assign(document.createElement('code'), { textContent: path }), `: ${reason}`);
    return item;
  }));
  $('skippedFilesMore').hidden = count <= listed.length;
  $('skippedFilesMore').textContent = `And ${count - listed.length} more, not listed here.`;
  $('skippedFiles').showModal();
}

function importFromDialog() {
  return ajax('/api/jobs/import-from-dialog/', { method: 'POST', json: {}, timeout: DIALOG_TIMEOUT_MS });
}

// An upload to import: a Notedesk export, or the parts of one (Google Takeout's, Notion's) chosen
// together, or with `fields` ({source}) a file of another app.
function importUpload(files, url = '/api/jobs/import/', fields = {}) {
  const controller = new AbortController();
  const label = `Uploading ${files.length === 1 ? files[0].name : plural(files.length, 'file')}`;
  showProgress(label, 0, () => controller.abort());
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) form.append('file', file);
  return upload(url, form, {
    signal: controller.signal,
    onProgress: (fraction) => showProgress(label, fraction, () => controller.abort()),
  });
}

// From other apps (foreign_views.py): `source` is 'markdown-folder' (a zip of the folder) or 'enex'.
const OTHER_SOURCES = { 'markdown-folder': '.zip,.jex,.tgz,.gz,application/zip,application/gzip', enex: '.enex' };
let otherSource = null;

function importOtherFromDialog(source) {
  return ajax('/api/jobs/import-other-from-dialog/', { method: 'POST', json: { source }, timeout: DIALOG_TIMEOUT_MS });
}

function setUpOtherImports(onImported) {
  for (const [id, source] of [['importMarkdownFolder', 'markdown-folder'], ['importEvernote', 'enex']]) {
    $(id).addEventListener('click', () => {
      if (inWindow()) { importNotes(() => importOtherFromDialog(source), onImported); return; }
      otherSource = source;
      $('importOtherFile').accept = OTHER_SOURCES[source];
      $('importOtherFile').click();
    });
  }
  $('importOtherFile').addEventListener('change', () => {
    const [file] = $('importOtherFile').files;
    $('importOtherFile').value = '';
    if (file) importNotes(() => importUpload([file], '/api/jobs/import-other/', { source: otherSource }), onImported);
  });
}

let afterImport = () => {};
let showTagOfImport = () => {};

// An import the app started itself (an export of notes opened with the app): followed as one
// started here is.
export function followImport(job) {
  importNotes(async () => job, afterImport);
}

// onImported: after an import, whatever its end; showTag(name): its notes, when one tag holds them all.
export function setUpTransfers({ onImported, showTag }) {
  afterImport = onImported;
  showTagOfImport = showTag;
  setUpOtherImports(onImported);
  $('transfersToggle').addEventListener('click', () => {
    const open = $('transferActions').hidden;
    $('transferActions').hidden = !open;
    $('transfersToggle').setAttribute('aria-expanded', String(open));
  });
  $('exportJson').addEventListener('click', () => exportNotes('json'));
  $('exportMarkdown').addEventListener('click', () => exportNotes('markdown'));
  $('transferCancel').addEventListener('click', () => cancel?.());
  $('importNotes').addEventListener('click', () => {
    if (inWindow()) importNotes(importFromDialog, onImported);
    else $('importFile').click();
  });
  $('importFile').addEventListener('change', () => {
    const files = [...$('importFile').files];
    $('importFile').value = '';
    if (files.length) importNotes(() => importUpload(files), onImported);
  });
}

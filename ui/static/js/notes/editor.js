// The editor pane: shows one note's saver, turns typing into saver.change(), and shows the save
// state, the Markdown preview, attachments and a conflict when there is one.
import { toast } from '../feedback.js';
import { attachFile, attachmentContent, deleteAttachment, renderPreview } from './api.js';
import { STATE_LABELS, conflictWording } from './saver.js';

const $ = (id) => document.getElementById(id);

export function parseTags(text) {
  return [...new Set(text.split(',').map((tag) => tag.trim()).filter(Boolean))];
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export class Editor extends EventTarget {
  constructor() {
    super();
    this.saver = null;
    this.readOnly = false;
    this.attachments = [];
    this.onSaverState = () => this.showState();
    this.onSaverSaved = (event) => this.dispatchEvent(new CustomEvent('saved', { detail: event.detail }));

    $('noteTitle').addEventListener('input', () => this.saver?.change({ title: $('noteTitle').value }));
    $('noteBody').addEventListener('input', () => this.saver?.change({ body: $('noteBody').value }));
    $('noteTags').addEventListener('change', () => this.saver?.change({ tags: parseTags($('noteTags').value) }, { now: true }));
    $('togglePin').addEventListener('click', () => {
      const pinned = !this.saver.draft.fields.pinned;
      this.saver.change({ pinned }, { now: true });
      this.showFields();
    });
    $('togglePreview').addEventListener('click', () => this.togglePreview());
    $('keepMine').addEventListener('click', () => this.saver.keepMine());
    $('keepTheirs').addEventListener('click', () => { this.saver.useTheirs(); this.showFields(); });
    $('keepBoth').addEventListener('click', () => this.dispatchEvent(new CustomEvent('keep-both')));
    $('attachFile').addEventListener('click', () => $('attachmentInput').click());
    $('attachmentInput').addEventListener('change', () => {
      this.attach([...$('attachmentInput').files]);
      $('attachmentInput').value = '';
    });
    this.listenForDrops();
  }

  open(saver, { readOnly = false, attachments = [] } = {}) {
    this.saver?.removeEventListener('state', this.onSaverState);
    this.saver?.removeEventListener('saved', this.onSaverSaved);
    this.saver = saver;
    this.readOnly = readOnly;
    this.attachments = attachments;
    saver.addEventListener('state', this.onSaverState);
    saver.addEventListener('saved', this.onSaverSaved);
    $('emptyState').hidden = true;
    $('editor').hidden = false;
    $('editor').classList.toggle('read-only', readOnly);
    for (const id of ['noteTitle', 'noteBody', 'noteTags']) $(id).readOnly = readOnly;
    for (const id of ['togglePin', 'attachFile', 'trashNote']) $(id).hidden = readOnly;
    for (const id of ['restoreNote', 'purgeNote']) $(id).hidden = !readOnly;
    this.setPreview(false);
    this.showFields();
    this.showState();
    this.showAttachments();
  }

  close() {
    this.saver?.removeEventListener('state', this.onSaverState);
    this.saver?.removeEventListener('saved', this.onSaverSaved);
    this.saver = null;
    $('editor').hidden = true;
    $('emptyState').hidden = false;
  }

  focus() {
    (this.saver?.draft.fields.title ? $('noteBody') : $('noteTitle')).focus();
  }

  showFields() {
    const { title, body, tags, pinned } = this.saver.draft.fields;
    if ($('noteTitle').value !== title) $('noteTitle').value = title;
    if ($('noteBody').value !== body) $('noteBody').value = body;
    if (document.activeElement !== $('noteTags')) $('noteTags').value = tags.join(', ');
    $('togglePin').setAttribute('aria-pressed', String(pinned));
    $('togglePin').textContent = pinned ? 'Pinned' : 'Pin';
  }

  showState() {
    const { state, message, conflict } = this.saver;
    const label = this.readOnly ? 'In the trash' : STATE_LABELS[state];
    $('saveState').dataset.state = this.readOnly ? 'trash' : state;
    $('saveState').textContent = message ? `${label}: ${message}` : label;
    $('conflict').hidden = state !== 'conflict';
    if (state === 'conflict') {
      for (const [selector, text] of Object.entries(conflictWording(conflict))) document.querySelector(selector).textContent = text;
      const mine = this.saver.draft.fields;
      $('conflictMine').textContent = `${mine.title}\n\n${mine.body}`;
      $('conflictTheirs').textContent = `${conflict.title}\n\n${conflict.body}`;
    }
  }

  async togglePreview() {
    this.setPreview($('preview').hidden);
    if ($('preview').hidden) return;
    const { html } = await renderPreview(this.saver.draft.fields.body);
    if (html.trim()) $('preview').innerHTML = html;  // sanitised by the server
    else $('preview').replaceChildren(Object.assign(document.createElement('p'), { className: 'muted', textContent: 'Nothing to preview yet.' }));
  }

  setPreview(on) {
    $('preview').hidden = !on;
    $('noteBody').hidden = on;
    $('togglePreview').setAttribute('aria-pressed', String(on));
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

  async attach(files) {
    if (!files.length || this.readOnly) return;
    await this.saver.save();
    if (!this.saver.draft.noteId) this.saver.change({ title: files[0].name }, { now: true });
    await this.saver.save();
    const { noteId } = this.saver.draft;
    for (const file of files) {
      $('uploadStatus').hidden = false;
      $('uploadLabel').textContent = `Uploading ${file.name}…`;
      $('uploadProgress').value = 0;
      try {
        const attachment = await attachFile(noteId, file, {
          onProgress: (fraction) => { $('uploadProgress').value = Math.round(fraction * 100); },
        });
        this.attachmentsChanged(noteId, (attachments) => [...attachments, attachment]);
      } catch { /* the ajax helper has shown why */ }
    }
    $('uploadStatus').hidden = true;
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
      this.attach([...event.dataTransfer.files]);
    });
  }
}

// The Backlinks section: the notes whose `[[links]]` go to the open note, each with the text
// around its link, its Markdown taken out as in the list's rows. A click opens that note (the
// editor's 'follow-link' event).
import { getBacklinks } from './api.js';
import { snippetText } from './list.js';

const $ = (id) => document.getElementById(id);

export class Backlinks {
  constructor(editor) {
    this.editor = editor;
    this.request = null;
    $('backlinkList').addEventListener('click', (event) => {
      const item = event.target.closest('.backlink');
      if (item) editor.dispatchEvent(new CustomEvent('follow-link', { detail: { noteId: Number(item.dataset.id) } }));
    });
  }

  async show(noteId) {
    this.request?.abort();
    $('backlinks').hidden = true;
    if (!noteId) return;
    const request = this.request = new AbortController();
    let answer;
    try {
      answer = await getBacklinks(noteId, request.signal);
    } catch { return; }
    if (request.signal.aborted) return;
    const { notes, total, ambiguous, goes_to: goesTo } = answer;
    $('backlinksTitle').textContent = total ? `Linked from ${total} ${total === 1 ? 'note' : 'notes'}` : 'Linked from';
    let remark = '';
    if (goesTo) remark = `Another note has this title and was updated more recently: links to this title open “${goesTo.title}”.`;
    else if (ambiguous) remark = 'Another note has this title too: links to it open this one, the one updated most recently.';
    $('backlinksNote').textContent = remark;
    $('backlinksNote').hidden = !remark;
    $('backlinkList').replaceChildren(...notes.map((note) => {
      const button = Object.assign(document.createElement('button'), { type: 'button', className: 'backlink' });
      button.dataset.id = note.id;
      button.append(
        Object.assign(document.createElement('span'), { className: 'backlink-title', textContent: note.title || 'Untitled' }),
        Object.assign(document.createElement('span'), { className: 'backlink-snippet', textContent: snippetText(note.snippet) }),
      );
      const item = document.createElement('li');
      item.append(button);
      return item;
    }));
    $('backlinks').hidden = !notes.length && !remark;
  }
}

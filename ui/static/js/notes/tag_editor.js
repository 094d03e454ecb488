// Renaming, merging and deleting a tag from the sidebar's tag list: one dialog per tag, opened
// from the tag's Edit button. A change is undone from its toast.
import { setLiveText, toast } from '../feedback.js';
import { deleteTag, renameTag, undoTagChange } from './api.js';
import { notesCount } from './list.js';
import { storedTags } from './stored_text.js';

const $ = (id) => document.getElementById(id);
// The name as the server will store it (tagging.normalise_tag); empty if it has none.
const normalised = (name) => storedTags([name])[0] ?? '';

let editing = null;  // {tag: {name, count}, tags: every tag listed, beforeChange, onChanged}

// beforeChange(): awaited before a change, or its undo, is sent (the open note saves what was typed).
// onChanged({notes: [{id, version}], renamed: {from, to} for a rename}): after a change, or its undo.
export function editTag(tag, tags, { beforeChange, onChanged }) {
  editing = { tag, tags, beforeChange, onChanged };
  $('tagDialogTitle').textContent = `Tag “${tag.name}”`;
  $('tagDialogCount').textContent = `On ${notesCount(tag.count)}`;
  $('tagName').value = tag.name;
  showRenameHint();
  $('tagDialog').showModal();
  $('tagName').select();
}

// Says what the rename will do: nothing, a rename, or a merge into a tag that exists.
function showRenameHint() {
  const { tag, tags } = editing;
  const name = normalised($('tagName').value);
  const existing = tags.find((other) => other.name === name && other.name !== tag.name);
  $('tagName').removeAttribute('aria-invalid');
  $('renameTag').disabled = !name || name === tag.name;
  $('renameTag').textContent = existing ? 'Merge' : 'Rename';
  $('tagHint').classList.toggle('tag-hint-merge', Boolean(existing));
  setLiveText($('tagHint'), existing
    ? `“${name}” is a tag already, on ${notesCount(existing.count)}: renaming merges the two into “${name}”.`
    : '');
}

async function rename(event) {
  event.preventDefault();
  const { tag, beforeChange, onChanged } = editing;
  const asked = $('tagName').value;
  let answer;
  try {
    await beforeChange();
    answer = await renameTag(tag.name, asked);
  } catch (error) {
    $('tagName').setAttribute('aria-invalid', 'true');
    setLiveText($('tagHint'), error.data?.fields?.name?.join(' ') ?? error.message);
    return;
  }
  $('tagDialog').close();
  await onChanged({ notes: answer.notes, renamed: { from: tag.name, to: answer.name } });
  const done = answer.merged ? `Merged “${tag.name}” into “${answer.name}”` : `Renamed “${tag.name}” to “${answer.name}”`;
  offerUndo(`${done} (${notesCount(answer.updated)})`, answer.notes);
}

async function remove() {
  const { tag, beforeChange, onChanged } = editing;
  if (!window.confirm(`Remove the tag “${tag.name}” from ${notesCount(tag.count)}? The notes stay.`)) return;
  let answer;
  try {
    await beforeChange();
    answer = await deleteTag(tag.name);
  } catch { return; /* the ajax helper has shown why */ }
  $('tagDialog').close();
  await onChanged({ notes: answer.notes });
  offerUndo(`Removed the tag “${tag.name}” from ${notesCount(answer.updated)}`, answer.notes);
}

// Undo gives the notes their tags back, those changed since excepted (the server leaves them).
function offerUndo(message, notes) {
  const { beforeChange, onChanged } = editing;
  const undo = async () => {
    let answer;
    try {
      await beforeChange();
      answer = await undoTagChange(notes);
    } catch { return; /* the ajax helper has shown why */ }
    await onChanged({ notes: answer.notes });
    if (answer.updated < notes.length) toast(`${notesCount(notes.length - answer.updated)} changed since, and kept as they are`);
  };
  toast(message, { duration: 10000, action: notes.length ? { label: 'Undo', run: undo } : null });
}

export function setUpTagEditor() {
  $('tagName').addEventListener('input', showRenameHint);
  $('tagForm').addEventListener('submit', rename);
  $('deleteTag').addEventListener('click', remove);
  $('cancelTag').addEventListener('click', () => $('tagDialog').close());
}

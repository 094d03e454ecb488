// The list pane: one row per note, the selected one marked for screen readers too.

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function noteTitle(note) {
  return note.title.trim() || note.body.trim().split('\n')[0].slice(0, 80) || 'Untitled';
}

function noteRow(note, selectedId) {
  const row = document.createElement('li');
  row.className = 'note-item';
  row.id = `note-${note.id}`;
  row.dataset.id = note.id;
  row.setAttribute('role', 'option');
  row.setAttribute('aria-selected', String(note.id === selectedId));

  const title = document.createElement('div');
  title.className = 'note-item-title';
  if (note.pinned) title.append(Object.assign(document.createElement('span'), { className: 'pin', textContent: '●', title: 'Pinned' }));
  title.append(noteTitle(note));

  const excerpt = document.createElement('div');
  excerpt.className = 'note-item-excerpt';
  if (note.snippet) excerpt.innerHTML = note.snippet;  // escaped by the server, with <mark> around matches
  else excerpt.textContent = note.body.slice(0, 200);

  const meta = document.createElement('div');
  meta.className = 'note-item-meta';
  meta.append(Object.assign(document.createElement('time'), { dateTime: note.updated, textContent: dateFormat.format(new Date(note.updated)) }));
  for (const tag of note.tags) meta.append(Object.assign(document.createElement('span'), { className: 'chip', textContent: tag }));

  row.append(title, excerpt, meta);
  return row;
}

export function renderList(container, notes, selectedId) {
  container.replaceChildren(...notes.map((note) => noteRow(note, selectedId)));
  if (selectedId != null) container.setAttribute('aria-activedescendant', `note-${selectedId}`);
  else container.removeAttribute('aria-activedescendant');
}

// "Load more": only the new rows are made; the ones shown stay as they are.
export function appendToList(container, notes, selectedId) {
  container.append(...notes.map((note) => noteRow(note, selectedId)));
}

export function markSelected(container, selectedId) {
  for (const row of container.children) row.setAttribute('aria-selected', String(Number(row.dataset.id) === selectedId));
  const row = document.getElementById(`note-${selectedId}`);
  row?.scrollIntoView({ block: 'nearest' });
  if (row) container.setAttribute('aria-activedescendant', row.id);
}

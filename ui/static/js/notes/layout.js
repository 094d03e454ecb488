// Narrow windows (app.css): the sidebar opens over the list from the menu button, and in the
// narrowest the list and the editor take the window in turn (.app's data-pane).
const $ = (id) => document.getElementById(id);
const app = document.querySelector('.app');

// Called before `from` is hidden: if the focus is in it, it goes to `to`, rather than fall to
// <body> (where a screen reader says nothing and Tab starts again from the top of the window).
export function handFocusOn(from, to) {
  if (from.contains(document.activeElement)) to.focus();
}

// 'list' or 'editor': the one shown when only one fits. The list, asked for (Esc, a search), ends
// Only the note.
export function showPane(pane) {
  app.dataset.pane = pane;
  if (pane === 'list') setNoteAlone(false);
}

// View › Only the note (Ctrl+Shift+E): the sidebar and the list give the open note the whole
// window, as Joplin's F10 and F11 do, for a laptop's small screen.
export function toggleNoteAlone() {
  setNoteAlone(!app.classList.contains('note-alone'));
}

function setNoteAlone(alone) {
  if (alone) setSidebar(false);
  app.classList.toggle('note-alone', alone);
}

function setSidebar(open) {
  app.classList.toggle('sidebar-open', open);
  $('sidebarToggle').setAttribute('aria-expanded', String(open));
}

// Closes the sidebar if it is open over the list (Escape), the focus back on its button.
export function closeSidebar() {
  if (!app.classList.contains('sidebar-open')) return false;
  setSidebar(false);
  $('sidebarToggle').focus();
  return true;
}

export function setUpLayout({ onBack }) {
  $('sidebarToggle').addEventListener('click', () => setSidebar(!app.classList.contains('sidebar-open')));
  $('sidebar').addEventListener('click', (event) => {
    if (!event.target.closest('.view, .tag-button') || !app.classList.contains('sidebar-open')) return;
    handFocusOn($('sidebar'), $('noteList'));  // on to the notes of the view or tag chosen
    setSidebar(false);
  });
  app.addEventListener('click', (event) => { if (event.target === app) setSidebar(false); });
  $('backToList').addEventListener('click', onBack);
}

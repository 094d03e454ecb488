// Toasts and the offline banner: the only places the ajax helper shows anything; and what a live
// region says.

import { shortcutLetter } from './keys.js';

const UNDO = 'Undo';  // an action so labelled is also run by Ctrl+Z (below)

// The page's one element of this id: a div of this class and role, made and put in place by
// `put` the first time.
function madeOnce(id, className, role, put) {
  let node = document.getElementById(id);
  if (!node) {
    node = Object.assign(document.createElement('div'), { id, className });
    node.setAttribute('role', role);
    put(node);
  }
  return node;
}

function region() {
  return madeOnce('toasts', 'toasts', 'status', (node) => {
    node.setAttribute('aria-live', 'polite');
    document.body.append(node);
  });
}

// Shows a short message for `duration` ms. `action` ({label, run}) adds a button, e.g. Undo. The
// toast stays while the pointer is on it or its button has the focus, and counts down again after.
export function toast(message, { kind = 'info', action = null, duration = 5000 } = {}) {
  const node = document.createElement('div');
  node.className = `toast toast-${kind}`;
  // Read once, whole ("… moved to the trash, Undo"): WebKitGTK told Orca of its text and of its
  // button as two messages, the second "Undo" alone. A group is one object to tell of, and the
  // parts added inside it, where nothing is live, are not told of again.
  node.setAttribute('role', 'group');
  node.setAttribute('aria-live', 'off');
  // A div: in the toast's flex row, WebKitGTK left a span's text out of what a screen reader is
  // given, and the toast was read as its button alone ("Undo"), an error as nothing.
  const text = document.createElement('div');
  text.textContent = message;
  node.append(text);
  let focusCameFrom = null;
  // Its button, pressed from the keyboard, goes with it: the focus goes back where it came from
  // (before the action's own move, if it makes one), not to the page's <body>, where a screen
  // reader says nothing and Tab starts again from the top of the window.
  const close = () => {
    const focused = node.contains(document.activeElement);
    node.remove();
    if (focused && focusCameFrom?.isConnected && focusCameFrom.checkVisibility()) focusCameFrom.focus();
  };
  if (action) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'toast-action';
    button.textContent = action.label;
    button.addEventListener('click', () => { close(); action.run(); });
    if (action.label === UNDO) {
      button.title = 'Undo (Ctrl+Z)';
      button.setAttribute('aria-keyshortcuts', 'Control+Z');
    }
    node.append(button);
  }
  let timer;
  const countDown = () => { clearTimeout(timer); timer = setTimeout(close, duration); };
  node.addEventListener('pointerenter', () => clearTimeout(timer));
  node.addEventListener('focusin', (event) => {
    clearTimeout(timer);
    if (!node.contains(event.relatedTarget)) focusCameFrom = event.relatedTarget;
  });
  node.addEventListener('pointerleave', () => { if (!node.contains(document.activeElement)) countDown(); });
  node.addEventListener('focusout', (event) => { if (!node.contains(event.relatedTarget) && !node.matches(':hover')) countDown(); });
  region().append(node);
  countDown();
  return node;
}

// Ctrl+Z outside a text field (whose own Undo it is) runs the newest toast's Undo: a keyboard
// reaches it there before the toast goes, rather than by tabbing through the whole window to it.
const editable = (element) => element.matches('input, textarea, [contenteditable]:not([contenteditable="false"])');

document.addEventListener('keydown', (event) => {
  if (shortcutLetter(event) !== 'z' || !(event.ctrlKey || event.metaKey) || event.shiftKey || event.altKey) return;
  if (editable(document.activeElement)) return;
  const undo = [...document.querySelectorAll('.toast-action[aria-keyshortcuts="Control+Z"]')].at(-1);
  if (!undo) return;
  event.preventDefault();
  undo.click();
});

// A live region's (aria-live, role="status" or "alert") new text, as a screen reader hears it.
// WebKitGTK, the window's engine, tells Orca of a change in a live region only when an element is
// added to it (a div: a span is not one of its own): a text changed in place (textContent) showed
// but was never read out. The same text again is left as it is, not read out twice.
export function setLiveText(region, text) {
  if (region.textContent === text) return;
  if (!text) {
    region.replaceChildren();
    return;
  }
  region.replaceChildren(Object.assign(document.createElement('div'), { textContent: text }));
}

export const KEPT_OFFLINE = 'Your work is kept here;';
let offlineDetail = KEPT_OFFLINE;

const offlineText = () => `Cannot reach the Notedesk server. ${offlineDetail} retrying…`;

export function showOfflineBanner() {
  const banner = madeOnce('offlineBanner', 'offline-banner', 'alert', (node) => {
    node.textContent = offlineText();
    document.body.prepend(node);
  });
  banner.hidden = false;
}

// What the banner says of the person's work while the server is away (drafts.js knows).
export function setOfflineDetail(detail) {
  offlineDetail = detail;
  const banner = document.getElementById('offlineBanner');
  if (banner) banner.textContent = offlineText();
}

export function hideOfflineBanner() {
  const banner = document.getElementById('offlineBanner');
  if (banner) banner.hidden = true;
}

// The sidebar's sync state: when the notes last synced, what is waiting to go, and why sync
// stopped if it did. Polled while connected, so it follows the background sync (a device without
// a server has nothing to follow, and an idle window asks nothing); connecting and "Sync now" here.
import { ajax } from '../ajax.js';
import { setLiveText } from '../feedback.js';
import { composing } from './composition.js';
import { handFocusOn } from './layout.js';

const POLL_MS = 3000;
const POLL_WHILE_SYNCING_MS = 500;  // a round takes a moment: "Syncing…" is not left up for 3 s after it
const $ = (id) => document.getElementById(id);

function ago(iso) {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return new Date(iso).toLocaleString();
}

function describe(status) {
  if (!status.connected) return 'Not connected: notes stay on this computer.';
  const synced = status.error ? 'Last synced' : 'Synced';
  const received = status.received ? ` ${status.received.toLocaleString()} note${status.received === 1 ? '' : 's'} received` : '';
  const when = status.syncing ? `Syncing…${received}` : status.last_synced ? `${synced} ${ago(status.last_synced)}` : 'Not synced yet';
  // Up to date only once a round has ended well: one under way has not yet brought what the server has.
  const upToDate = status.error || status.syncing ? ' · nothing waiting to be sent' : ' · up to date';
  const pending = status.pending ? ` · ${status.pending} change${status.pending === 1 ? '' : 's'} to send` : upToDate;
  return when + (status.pending || status.last_synced ? pending : '');
}

export function setUpSyncPanel({ onSynced }) {
  if (!$('syncPanel')) return;  // a server's page: it has no server of its own
  let lastSynced = null;
  let changes = 0;  // the panel's own changes (connect, disconnect, sync now): a poll asked before one is stale
  let connected = false;
  let syncing = false;
  let pollTimer = null;
  let outcomeAwaited = false;  // a round the person started is still on: its end is read out too

  // What the person asked for (connect, disconnect, sync now) is read out, and how the round it
  // started ended; a poll's other news is not ("Synced 2 min ago" each minute talked over the
  // writing), but for a new error.
  function showChanged(status) {
    changes += 1;
    outcomeAwaited = status.syncing;
    show(status, { readOut: true });
  }

  function show(status, { readOut = false } = {}) {
    $('syncState').setAttribute('aria-live', readOut ? 'polite' : 'off');
    setLiveText($('syncState'), describe(status));
    $('syncState').classList.toggle('pending', status.pending > 0);
    $('syncState').title = status.server_url ?? '';
    $('syncError').hidden = !status.error;
    const error = status.error ? status.error.message : '';
    setLiveText($('syncError'), error);
    $('syncNow').hidden = !status.connected;
    $('syncDisconnect').hidden = !status.connected;
    $('syncSetup').textContent = status.connected ? 'Server…' : 'Connect to a server…';
    if (status.last_synced && status.last_synced !== lastSynced) {
      if (lastSynced !== null) onSynced();
      lastSynced = status.last_synced;
    }
    connected = status.connected;
    syncing = status.syncing;
    pollSoon();
  }

  function pollSoon() {
    clearTimeout(pollTimer);
    pollTimer = connected ? setTimeout(refresh, syncing ? POLL_WHILE_SYNCING_MS : POLL_MS) : null;
  }

  async function refresh() {
    const asked = changes;
    try {
      const status = await ajax('/api/sync/status/', { showErrors: false });
      if (asked !== changes) pollSoon();
      else {
        const roundEnded = outcomeAwaited && !status.syncing;
        if (roundEnded) outcomeAwaited = false;
        show(status, { readOut: roundEnded });
      }
    } catch {
      pollSoon();  // the offline banner says it
    }
  }

  function showForm(open) {
    const form = $('syncForm');
    if (!open) handFocusOn(form, $('syncSetup'));  // folded by Connect or Disconnect
    form.hidden = !open;
    $('syncSetup').setAttribute('aria-expanded', String(open));
    if (open) $('syncServerUrl').focus();
  }

  // The fields a refusal names (its message is the toast's) are marked, the focus on the first.
  function markInvalid(fields = {}) {
    const inputs = [...$('syncForm').elements].filter((input) => input.name);
    for (const input of inputs) input.setAttribute('aria-invalid', String(input.name in fields));
    inputs.find((input) => input.name in fields)?.focus();
  }

  $('syncSetup').addEventListener('click', () => showForm($('syncForm').hidden));
  // Escape folds it, the focus back on its button, as History's and the pickers' Escape close them.
  $('syncForm').addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || composing(event)) return;
    event.stopPropagation();  // not the app's Escape, which goes to the list
    showForm(false);
  });
  $('syncForm').addEventListener('input', (event) => event.target.setAttribute('aria-invalid', 'false'));
  $('syncForm').addEventListener('submit', async (event) => {
    event.preventDefault();
    const status = await ajax('/api/sync/connection/', {
      method: 'POST', json: { server_url: $('syncServerUrl').value, token: $('syncToken').value },
    }).catch((error) => markInvalid(error.data?.fields));
    if (!status) return;
    markInvalid();
    $('syncToken').value = '';
    showForm(false);
    showChanged(status);
  });
  $('syncDisconnect').addEventListener('click', async () => {
    showChanged(await ajax('/api/sync/connection/', { method: 'DELETE' }));
    showForm(false);
  });
  $('syncNow').addEventListener('click', async () => {
    $('syncState').setAttribute('aria-live', 'polite');
    setLiveText($('syncState'), 'Syncing…');
    showChanged(await ajax('/api/sync/now/?wait=60', { method: 'POST', timeout: 65000 }));
  });

  refresh();
}

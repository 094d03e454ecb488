// The one door to the server. It adds the CSRF token, X-Requested-With and the time zone,
// enforces a timeout, shows JSON errors as toasts and a lost server as the offline banner, which
// clears itself once the server answers again (the 'ajax:online' event tells waiting code to retry).
import { toast, showOfflineBanner, hideOfflineBanner } from './feedback.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Longer than the server's SQLite busy timeout (10 s), so that a save held up by another program
// locking the database gets the server's answer saying so, rather than the offline banner.
const DEFAULT_TIMEOUT_MS = 15000;
const HEALTH_URL = '/_desktop/health';
const HEALTH_POLL_MS = 1500;
// A request that opens a native dialog (a file to save or open) waits while the person uses it.
export const DIALOG_TIMEOUT_MS = 30 * 60 * 1000;

// In the app's own window, where the server opens native dialogs (not in a browser's tab).
export const inWindow = () => document.body.dataset.nativeDialogs === 'true';

export class AjaxError extends Error {
  constructor(message, { status = 0, data = null, offline = false } = {}) {
    super(message);
    this.name = 'AjaxError';
    this.status = status;
    this.data = data;
    this.offline = offline;
  }
}

export function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content ?? '';
}

let healthTimer = null;

// The person's own zone, in which a server counts their days (Today's note, `created:today`);
// the desktop's server counts in the computer's zone, which is this one.
const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

function baseHeaders(method) {
  const headers = { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' };
  if (TIME_ZONE) headers['X-Time-Zone'] = TIME_ZONE;
  if (!SAFE_METHODS.has(method)) headers['X-CSRFToken'] = csrfToken();
  return headers;
}

function goOffline() {
  showOfflineBanner();
  if (healthTimer === null) healthTimer = setTimeout(pollHealth, HEALTH_POLL_MS);
}

function goOnline() {
  if (healthTimer === null) return;
  clearTimeout(healthTimer);
  healthTimer = null;
  hideOfflineBanner();
  window.dispatchEvent(new Event('ajax:online'));
}

async function pollHealth() {
  try {
    const response = await fetch(HEALTH_URL, { signal: AbortSignal.timeout(HEALTH_POLL_MS), cache: 'no-store' });
    if (response.status < 500) { goOnline(); return; }
  } catch { /* still away */ }
  healthTimer = setTimeout(pollHealth, HEALTH_POLL_MS);
}

async function parseBody(response, binary) {
  const type = response.headers.get('Content-Type') ?? '';
  if (type.startsWith('application/json')) return response.json();
  return binary ? response.blob() : response.text();
}

// ajax(url, {method, json, body, headers, timeout, signal, showErrors, binary}) → parsed body.
// `json` is sent as application/json; `body` (FormData, Blob, string) as it is. With `binary`,
// an answer that is not JSON comes back as a Blob (a file), not as text.
// Throws AjaxError: .status for HTTP errors (with .data, the server's JSON), .offline for no answer.
export async function ajax(url, {
  method = 'GET', json, body, headers = {}, timeout = DEFAULT_TIMEOUT_MS, signal, showErrors = true, binary = false,
} = {}) {
  method = method.toUpperCase();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  signal?.addEventListener('abort', () => controller.abort(), { once: true });
  const init = {
    method,
    headers: { ...baseHeaders(method), ...headers },
    signal: controller.signal,
    credentials: 'same-origin',
  };
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }

  let response;
  try {
    response = await fetch(url, init);
  } catch (cause) {
    if (signal?.aborted) throw cause;
    const timedOut = controller.signal.aborted;
    goOffline();
    throw new AjaxError(
      timedOut ? 'The server did not answer in time.' : 'Cannot reach the Notedesk server.',
      { offline: true },
    );
  } finally {
    clearTimeout(timer);
  }
  goOnline();

  return settle(response.status, response.statusText, await parseBody(response, binary), showErrors);
}

// A reverse proxy's own error page (nginx's 502 while Notedesk behind it is stopped, 504 when it
// is too slow), not the server's JSON: the server cannot be reached, as when there is no proxy.
const PROXY_GATEWAY_ERRORS = new Set([502, 503, 504]);

function settle(status, statusText, data, showErrors) {
  if (status >= 200 && status < 300) return data;
  const serverMessage = data?.error;
  if (serverMessage === undefined && PROXY_GATEWAY_ERRORS.has(status)) {
    goOffline();
    throw new AjaxError('Cannot reach the Notedesk server.', { status, offline: true });
  }
  const message = serverMessage ?? errorWithoutMessage(status, statusText);
  if (showErrors) toast(message, { kind: 'error' });
  throw new AjaxError(message, { status, data });
}

// Over HTTP/2 an answer has no status text: nginx's 413 was the toast "413", and nothing else.
function errorWithoutMessage(status, statusText) {
  if (status === 413) return 'This is larger than the server accepts: its web server refused it (413).';
  return `The server answered ${status} ${statusText}`.trim();
}

// upload(url, formData, {onProgress, signal, timeout}) → parsed JSON. fetch() cannot report
// upload progress, so this one request goes through XMLHttpRequest, with the same rules.
export function upload(url, formData, { onProgress, signal, timeout = 10 * 60 * 1000, showErrors = true } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(baseHeaders('POST'))) xhr.setRequestHeader(name, value);
    xhr.timeout = timeout;
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => { if (event.lengthComputable) onProgress?.(event.loaded / event.total); };
    const lost = (message) => () => { goOffline(); reject(new AjaxError(message, { offline: true })); };
    xhr.onerror = lost('Cannot reach the Notedesk server.');
    xhr.ontimeout = lost('The server did not answer in time.');
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    xhr.onload = () => {
      goOnline();
      try {
        resolve(settle(xhr.status, xhr.statusText, xhr.response, showErrors));
      } catch (error) {
        reject(error);
      }
    };
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(formData);
  });
}

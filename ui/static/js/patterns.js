// The AJAX patterns page, wired through the ajax helper.
import { ajax } from './ajax.js';

const responseBox = document.getElementById('response');

function show(value) {
  responseBox.textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

// Marks the page's inputs that a 400's `fields` names, with the server's reason as the browser's
// own validation message (shown at once, and again on hover); typing clears the mark.
function markFields(fields = {}) {
  for (const [name, messages] of Object.entries(fields)) {
    const input = document.querySelector(`input[name="${CSS.escape(name)}"]`);
    if (!input) continue;
    input.setCustomValidity(messages.join(' '));
    input.setAttribute('aria-invalid', 'true');
    input.reportValidity();
    input.addEventListener('input', () => {
      input.setCustomValidity('');
      input.removeAttribute('aria-invalid');
    }, { once: true });
  }
}

function on(id, handler) {
  document.getElementById(id).addEventListener('click', async () => {
    try {
      await handler();
    } catch (error) {
      show(`Error: ${error.message}`);
      markFields(error.data?.fields);
    }
  });
}

on('loadData', async () => show((await ajax('/ajax/data/')).message));

on('submitButton', async () => {
  const form = new FormData();
  form.append('username', document.getElementById('username').value);
  show((await ajax('/ajax/submit/', { method: 'POST', body: form })).message);
});

on('sendJson', async () => {
  const username = document.getElementById('username').value || 'John Doe';
  show((await ajax('/ajax/submit/', { method: 'POST', json: { username } })).message);
});

on('fetchJson', async () => show(await ajax('/ajax/fetch_json/')));

on('loadFragment', async () => {
  document.getElementById('fragment').innerHTML = await ajax('/ajax/fragment/', { headers: { Accept: 'text/html' } });
});

on('triggerError', async () => {
  await ajax('/ajax/submit/', { method: 'POST', json: {} });
});

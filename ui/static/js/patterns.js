// The AJAX patterns page, wired through the ajax helper.
import { ajax } from './ajax.js';

const responseBox = document.getElementById('response');

function show(value) {
  responseBox.textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function on(id, handler) {
  document.getElementById(id).addEventListener('click', async () => {
    try {
      await handler();
    } catch (error) {
      show(`Error: ${error.message}`);
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

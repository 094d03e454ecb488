// The shell's self-test page: an AJAX GET and a CSRF-protected POST, made the way a site's own
// pages make them (fetch, X-Requested-With, the CSRF token from the page).
const probe = document.getElementById("probe");
const url = probe.dataset.echoUrl;
const headers = { "X-Requested-With": "XMLHttpRequest" };

async function show(outputId, request) {
  const output = document.getElementById(outputId);
  try {
    const answer = await request();
    const body = await answer.json();
    output.textContent = answer.ok ? body.echo : `failed: ${answer.status} ${body.error}`;
  } catch (error) {
    output.textContent = `failed: ${error}`;
  }
}

await show("probeGet", () => fetch(`${url}?echo=get`, { headers }));
const form = new FormData();
form.append("echo", "post");
await show("probePost", () =>
  fetch(url, { method: "POST", body: form, headers: { ...headers, "X-CSRFToken": probe.dataset.csrfToken } }),
);

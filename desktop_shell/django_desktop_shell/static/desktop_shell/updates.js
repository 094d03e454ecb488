// The shell's update bar, an ES module (django_desktop_shell/updates/banner.py adds it to the site's pages).
// It polls /_desktop/updates/status and shows the download, "Restart to update", or the last update's outcome.
const STATUS = "/_desktop/updates/status";
const POLL_MS = 5000;
const IDLE_POLL_MS = 60000;
let bar = null;
let csrfToken = "";

function ensureBar() {
  if (bar) return bar;
  const style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = new URL("updates.css", import.meta.url).href;
  document.head.append(style);
  bar = document.createElement("div");
  bar.id = "desktop-shell-update";
  bar.setAttribute("role", "status");
  // The shell's words are English whatever the page's language: left to right in an Arabic page too.
  bar.lang = "en";
  bar.dir = "ltr";
  bar.hidden = true;
  document.body.append(bar);
  return bar;
}

function button(label, onClick) {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = label;
  element.addEventListener("click", onClick);
  return element;
}

async function post(path) {
  const answer = await fetch(path, { method: "POST", headers: { "X-CSRFToken": csrfToken }, credentials: "same-origin" });
  return answer.json();
}

function show(status) {
  const target = ensureBar();
  const parts = [];
  if (status.state === "downloading") {
    const percent = status.total ? Math.floor((100 * status.done) / status.total) : 0;
    parts.push(`${status.message} ${percent}%`);
  } else if (status.state === "ready") {
    parts.push(`${status.app} ${status.version} is ready.`, button("Restart to update", async () => {
      target.replaceChildren("Restarting to update…");
      const answer = await post("/_desktop/updates/restart");
      // Refused (another window runs from the same install): said until the next poll offers it again.
      if (answer.error) target.replaceChildren(answer.error);
      else show(answer);
    }));
  } else if (status.state === "restarting") {
    parts.push(status.message);
  } else if (status.notice) {
    const details = Object.assign(document.createElement("a"), { href: "/_desktop/updates/", textContent: "Details" });
    parts.push(status.notice, " ", details, button("OK", async () => show(await post("/_desktop/updates/dismiss"))));
  }
  target.replaceChildren(...parts);
  target.hidden = parts.length === 0;
}

async function poll() {
  let delay = IDLE_POLL_MS;
  try {
    const answer = await fetch(STATUS, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (answer.ok) {
      const status = await answer.json();
      csrfToken = status.csrf_token;
      show(status);
      if (["checking", "downloading", "restarting"].includes(status.state)) delay = POLL_MS;
    }
  } catch (error) {
    // the app is restarting or stopped: try again later
  }
  setTimeout(poll, delay);
}

poll();

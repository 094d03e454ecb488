// As Vite writes an entry chunk: client-side routes through the History API, a route module
// loaded with import(), and a module worker of its own file.
const root = document.getElementById("root");

async function render() {
  const { view } = await import("./routes-B7yR1mZp.js");
  root.replaceChildren(view(location.pathname));
  root.dataset.path = location.pathname;
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-route]");
  if (!link) return;
  event.preventDefault();
  history.pushState(null, "", link.getAttribute("href"));
  render();
});
addEventListener("popstate", render);

window.doubledByWorker = (number) => new Promise((resolve) => {
  const worker = new Worker(new URL("./worker-Hk3Lm9Qa.js", import.meta.url), { type: "module" });
  worker.onmessage = (event) => resolve(event.data);
  worker.postMessage(number);
});

render();

export function view(path) {
  const section = document.createElement("section");
  const edit = path.match(/^\/projects\/(\d+)\/edit$/);
  const title = document.createElement("h1");
  title.textContent = edit ? `Editing project ${edit[1]}` : `Page ${path}`;
  const bar = document.createElement("div");
  bar.className = "bar";
  bar.style.width = "40%"; // as a framework sets a style
  const link = document.createElement("a");
  link.dataset.route = "";
  link.href = "/projects/3";
  link.id = "toProject";
  link.textContent = "Project 3";
  section.append(title, bar, link);
  return section;
}

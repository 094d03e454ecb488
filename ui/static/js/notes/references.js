// A note's text naming its own files (links.py): what pasting, dropping or attaching files inserts,
// under what name, and where.

const EXTENSIONS = { 'image/jpeg': '.jpg', 'image/svg+xml': '.svg' };

// An attachment as the server answers it: an image the preview shows is embedded, another file named.
export const reference = ({ name, image }) => (image ? `![[${name}]]` : `[[${name}]]`);

const pad = (number) => String(number).padStart(2, '0');

// A pasted image with no name of its own (a screenshot: browsers call it "image.png") is named as
// Obsidian names it, by when it was pasted, unlike any of `taken` (the note's file names).
export function withPastedNames(files, taken, now = new Date()) {
  const used = new Set(taken.map((name) => name.toLowerCase()));
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const stem = `Pasted image ${date} ${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`;
  return files.map((file) => {
    if (!file.type.startsWith('image/') || !/^(image\.\w+)?$/i.test(file.name)) return file;
    const extension = file.name ? file.name.slice(file.name.lastIndexOf('.')) : EXTENSIONS[file.type] ?? `.${file.type.slice(6)}`;
    let name = `${stem}${extension}`;
    for (let count = 1; used.has(name.toLowerCase()); count += 1) name = `${stem} ${count}${extension}`;
    used.add(name.toLowerCase());
    return new File([file], name, { type: file.type, lastModified: file.lastModified });
  });
}

// Where the place `at` in the text `before` is in `after`: moved by an edit before it, not by one
// at or after it (what was typed where a paste waits for its upload goes after the reference).
// `caret`, where an edit left the caret in `after` if that is known, tells where in a run of the
// same characters the edit was ("aa" to "aaa").
export function shifted(at, before, after, caret = 0) {
  const shortest = Math.min(before.length, after.length);
  let tail = 0;
  while (tail < shortest && tail < after.length - caret && before.at(-1 - tail) === after.at(-1 - tail)) tail += 1;
  let start = 0;
  while (start < shortest - tail && before[start] === after[start]) start += 1;
  if (at <= start) return at;
  if (at >= before.length - tail) return at + after.length - before.length;
  return after.length - tail;  // within text since replaced: after what replaced it
}

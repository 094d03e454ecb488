// The two versions of a note in conflict, side by side: each as its lines, the lines that differ
// from the other version marked, and each box scrolled to the first of them (an edit is as often
// at the end of a long note as at its start).
import { sameTags } from './stored_text.js';

const $ = (id) => document.getElementById(id);

function noteLines({ title, body, tags }, withTags) {
  return [title, '', ...body.split('\n'), ...(withTags ? ['', `Tags: ${tags.join(', ')}`] : [])];
}

// Where the versions differ: the lines of each between their common start and common end.
function changedLines(a, b) {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end += 1;
  return [[start, a.length - end], [start, b.length - end]];
}

function showVersion(box, lines, [from, to]) {
  box.replaceChildren(...lines.map((line, index) => Object.assign(document.createElement('span'), {
    className: index >= from && index < to ? 'conflict-line changed' : 'conflict-line',
    textContent: line,
  })));
  const firstChange = box.children[Math.min(from, lines.length - 1)];
  box.scrollTop = Math.max(0, firstChange.offsetTop - firstChange.offsetHeight);
}

export function showConflictVersions(mine, theirs) {
  const withTags = !sameTags(mine.tags, theirs.tags);
  const mineLines = noteLines(mine, withTags);
  const theirLines = noteLines(theirs, withTags);
  const [mineChanged, theirChanged] = changedLines(mineLines, theirLines);
  showVersion($('conflictMine'), mineLines, mineChanged);
  showVersion($('conflictTheirs'), theirLines, theirChanged);
}

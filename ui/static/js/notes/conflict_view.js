// The two versions of a note in conflict, side by side: each as its lines, the lines that differ
// from the other version marked, and each box scrolled to the first of them (an edit is as often
// at the end of a long note as at its start). The History panel shows a revision the same way.
import { lineDiff } from './line_diff.js';
import { sameTags } from './stored_text.js';

const $ = (id) => document.getElementById(id);

export function noteLines({ title, body, tags }, withTags) {
  return [title, '', ...body.split('\n'), ...(withTags ? ['', `Tags: ${tags.join(', ')}`] : [])];
}

// `changed`: the indexes of the lines to mark (with `kind` as a second class, if given).
export function showVersion(box, lines, changed, kind = '') {
  box.replaceChildren(...lines.map((line, index) => Object.assign(document.createElement('span'), {
    className: changed.has(index) ? `conflict-line changed ${kind}`.trim() : 'conflict-line',
    textContent: line,
  })));
  let first = lines.length - 1;
  for (const index of changed) first = Math.min(first, index);
  if (!changed.size) first = 0;
  const firstChange = box.children[Math.min(first, lines.length - 1)];
  box.scrollTop = Math.max(0, firstChange.offsetTop - firstChange.offsetHeight);
}

// Two versions of a note, each in its box, the lines that differ marked; the number of lines
// that differ in each.
export function showVersionPair([boxA, a, kindA], [boxB, b, kindB]) {
  const withTags = !sameTags(a.tags, b.tags);
  const linesA = noteLines(a, withTags);
  const linesB = noteLines(b, withTags);
  const [changedA, changedB] = lineDiff(linesA, linesB);
  showVersion(boxA, linesA, changedA, kindA);
  showVersion(boxB, linesB, changedB, kindB);
  return [changedA.size, changedB.size];
}

export function showConflictVersions(mine, theirs) {
  showVersionPair([$('conflictMine'), mine], [$('conflictTheirs'), theirs]);
}

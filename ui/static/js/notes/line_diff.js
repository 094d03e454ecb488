// Which lines of two texts differ: the common start and end are cut off, then the longest common
// subsequence of the lines between marks the ones that stay. Past MAX_CELLS (two middles of
// 2,000 lines each) every line of both middles counts as changed, as the conflict view once did.
const MAX_CELLS = 4_000_000;

// [the indexes of a's lines not in b, the indexes of b's lines not in a], as Sets.
export function lineDiff(a, b) {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end += 1;
  const n = a.length - start - end;
  const m = b.length - start - end;
  const changedA = new Set();
  const changedB = new Set();
  if (n * m > MAX_CELLS) {
    for (let i = 0; i < n; i += 1) changedA.add(start + i);
    for (let j = 0; j < m; j += 1) changedB.add(start + j);
    return [changedA, changedB];
  }
  const width = m + 1;
  const common = new Uint32Array((n + 1) * width);  // common[i][j]: LCS length of a[i..], b[j..]
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      common[i * width + j] = a[start + i] === b[start + j]
        ? common[(i + 1) * width + j + 1] + 1
        : Math.max(common[(i + 1) * width + j], common[i * width + j + 1]);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[start + i] === b[start + j]) { i += 1; j += 1; }
    else if (common[(i + 1) * width + j] >= common[i * width + j + 1]) { changedA.add(start + i); i += 1; }
    else { changedB.add(start + j); j += 1; }
  }
  for (; i < n; i += 1) changedA.add(start + i);
  for (; j < m; j += 1) changedB.add(start + j);
  return [changedA, changedB];
}

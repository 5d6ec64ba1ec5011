/** One line of a line diff: kept, removed from the earlier text, or added in the later one (1-based line numbers). */
export type LineChange =
  | { kind: "same"; text: string; before: number; after: number }
  | { kind: "removed"; text: string; before: number }
  | { kind: "added"; text: string; after: number };

/** What a diff shows: changed lines with a little context around them, and a marker for each run of unchanged lines left out. */
export type DiffRow = LineChange | { kind: "skipped"; lines: number };

const lines = (text: string) => (text === "" ? [] : text.split(/\r?\n/));

/**
 * A line diff of two texts (e.g. two versions of an RCA): the longest common subsequence of their lines, with the
 * common head and tail taken off first. When what remains is too big for the table (`maxCells`, rows × columns),
 * the middle is shown as removed, then added — correct, if not minimal. Removed lines come before added ones.
 */
export function diffLines(before: string, after: string, maxCells = 2_000_000): LineChange[] {
  const a = lines(before);
  const b = lines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;

  const out: LineChange[] = [];
  for (let i = 0; i < head; i++) out.push({ kind: "same", text: a[i], before: i + 1, after: i + 1 });
  const n = a.length - head - tail;
  const m = b.length - head - tail;
  const removed = (i: number): LineChange => ({ kind: "removed", text: a[head + i], before: head + i + 1 });
  const added = (j: number): LineChange => ({ kind: "added", text: b[head + j], after: head + j + 1 });
  if (n * m > maxCells) {
    for (let i = 0; i < n; i++) out.push(removed(i));
    for (let j = 0; j < m; j++) out.push(added(j));
  } else {
    // lcs[i * (m + 1) + j]: length of the longest common subsequence of the middles from line i and line j on.
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = a[head + i] === b[head + j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[head + i] === b[head + j]) {
        out.push({ kind: "same", text: a[head + i], before: head + i + 1, after: head + j + 1 });
        i++;
        j++;
      } else if (j >= m || (i < n && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) out.push(removed(i++));
      else out.push(added(j++));
    }
  }
  for (let k = tail; k > 0; k--) out.push({ kind: "same", text: a[a.length - k], before: a.length - k + 1, after: b.length - k + 1 });
  return out;
}

/** The changed lines with `context` unchanged lines around each change; longer unchanged runs become one "skipped" row. */
export function withContext(changes: LineChange[], context = 2): DiffRow[] {
  const near = changes.map(() => false);
  changes.forEach((c, k) => {
    if (c.kind === "same") return;
    for (let d = Math.max(0, k - context); d <= Math.min(changes.length - 1, k + context); d++) near[d] = true;
  });
  const out: DiffRow[] = [];
  let skipped = 0;
  changes.forEach((c, k) => {
    if (c.kind === "same" && !near[k]) {
      skipped++;
      return;
    }
    if (skipped) out.push({ kind: "skipped", lines: skipped });
    skipped = 0;
    out.push(c);
  });
  if (skipped) out.push({ kind: "skipped", lines: skipped });
  return out;
}

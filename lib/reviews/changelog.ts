import { createHash } from "node:crypto";
import type { FrontMatter } from "../runbooks/schema";

type Entry = FrontMatter["changelog"][number];

/** A change-log entry's stable name: the first 12 hex digits of the sha256 of its date, author and change. */
export function changelogKey(e: Entry): string {
  return createHash("sha256").update(`${e.date}\n${e.author}\n${e.change}`).digest("hex").slice(0, 12);
}

/** The runbook's change-log entries with their keys, newest first (as a form offers them). */
export function changelogOptions(rb: Pick<FrontMatter, "changelog">): (Entry & { key: string })[] {
  return rb.changelog.map((e) => ({ ...e, key: changelogKey(e) })).sort((a, b) => b.date.localeCompare(a.date));
}

/** The entry of this runbook's change log that `key` names, or null. */
export function findChangelogEntry(rb: Pick<FrontMatter, "changelog">, key: string): (Entry & { key: string }) | null {
  return changelogOptions(rb).find((e) => e.key === key) ?? null;
}

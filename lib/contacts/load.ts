import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { log } from "../log";
import { DEFAULT_CONTACTS } from "./defaults";
import { contactsConfigSchema, type ContactsConfig } from "./schema";

/** A contacts file that does not parse or validate, naming the file and each field. */
export class ContactsFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join("; ")}`);
    this.name = "ContactsFileError";
  }
}

/** Parses and validates a contacts file's text (JSON). */
export function parseContacts(file: string, text: string): ContactsConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ContactsFileError(file, [`not valid JSON: ${(e as Error).message}`]);
  }
  const parsed = contactsConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ContactsFileError(file, parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`));
  return parsed.data;
}

/** The contacts file: PORTAL_CONTACTS_FILE, else config/contacts.json (absent: the seed's tables). */
export function contactsFile(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.PORTAL_CONTACTS_FILE?.trim() || path.join(process.cwd(), "config", "contacts.json"));
}

type Cached = { file: string; mtimeMs: number; size: number; config: ContactsConfig; source: "file" | "defaults" };
let cached: Cached | null = null;

/**
 * The contacts and quick links now. The file is re-read when its modification time or size changes (checked on each
 * call: one stat), so an edit takes effect without a deploy or restart. A broken edit is logged and the last good
 * version stays in use; a broken file at the first read throws, naming the file and fields.
 */
export function getContacts(): ContactsConfig & { source: "file" | "defaults" } {
  const file = contactsFile();
  let stat: { mtimeMs: number; size: number } | null = null;
  try {
    stat = statSync(file);
  } catch {
    stat = null;
  }
  if (!stat) {
    if (process.env.PORTAL_CONTACTS_FILE?.trim()) log.warn("contacts.file_missing", { file });
    cached = { file, mtimeMs: 0, size: 0, config: DEFAULT_CONTACTS, source: "defaults" };
    return { ...cached.config, source: cached.source };
  }
  if (cached && cached.file === file && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return { ...cached.config, source: cached.source };
  try {
    const config = parseContacts(file, readFileSync(file, "utf8"));
    cached = { file, mtimeMs: stat.mtimeMs, size: stat.size, config, source: "file" };
    log.info("contacts.loaded", { file });
  } catch (e) {
    if (!cached || cached.file !== file || cached.source !== "file") throw e;
    log.error("contacts.reload_failed", { file, err: e });
    // Keep the last good version, and do not re-read the broken file until it changes again.
    cached = { ...cached, mtimeMs: stat.mtimeMs, size: stat.size };
  }
  return { ...cached.config, source: cached.source };
}

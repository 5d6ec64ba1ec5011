import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_CONTACTS } from "./defaults";
import { ContactsFileError, getContacts } from "./load";

const dir = mkdtempSync(path.join(tmpdir(), "contacts-"));
let n = 0;
const write = (file: string, data: unknown, mtime: number) => {
  writeFileSync(file, typeof data === "string" ? data : JSON.stringify(data));
  utimesSync(file, mtime, mtime);
};

afterEach(() => {
  delete process.env.PORTAL_CONTACTS_FILE;
});

describe("getContacts", () => {
  it("uses the seed's tables when there is no file", () => {
    process.env.PORTAL_CONTACTS_FILE = path.join(dir, "absent.json");
    expect(getContacts()).toMatchObject({ source: "defaults", contacts: { SRE: { name: "SRE On-Call" } } });
  });

  it("re-reads the file when it changes, and keeps the last good version when an edit is broken", () => {
    const file = path.join(dir, `contacts-${n++}.json`);
    process.env.PORTAL_CONTACTS_FILE = file;
    const edited = structuredClone(DEFAULT_CONTACTS);
    edited.contacts.SRE!.name = "SRE Pager A";
    write(file, edited, 1_000);
    expect(getContacts()).toMatchObject({ source: "file", contacts: { SRE: { name: "SRE Pager A" } } });

    edited.contacts.SRE!.name = "SRE Pager B";
    write(file, edited, 2_000);
    expect(getContacts().contacts.SRE!.name).toBe("SRE Pager B");

    write(file, "{ not json", 3_000);
    expect(getContacts().contacts.SRE!.name).toBe("SRE Pager B");
  });

  it("refuses a broken file at the first read, naming the file and the field", () => {
    const file = path.join(dir, `contacts-${n++}.json`);
    process.env.PORTAL_CONTACTS_FILE = file;
    write(file, { contacts: { SRE: { name: "x", channels: [], hours: { label: "24/7", always: true }, pages: true } }, links: {} }, 1_000);
    expect(() => getContacts()).toThrow(ContactsFileError);
    expect(() => getContacts()).toThrow(/contacts-\d+\.json: contacts\.SRE\.channels: needs at least one channel/);
  });
});

describe("config/contacts.example.json", () => {
  it("is the seed's tables, the same as the built-in defaults", async () => {
    const { readFileSync } = await import("node:fs");
    const { parseContacts } = await import("./load");
    const file = path.join(import.meta.dirname, "../../config/contacts.example.json");
    expect(parseContacts(file, readFileSync(file, "utf8"))).toEqual(DEFAULT_CONTACTS);
  });
});

import { describe, expect, it } from "vitest";
import { contactLine, escalationContacts, inHours } from "./hours";
import { DEFAULT_CONTACTS } from "./defaults";
import { contactsConfigSchema, hoursSchema } from "./schema";

const business = hoursSchema.parse({ label: "Business hours", days: [1, 2, 3, 4, 5], from: "09:00", to: "17:00", timeZone: "Europe/Berlin" });

describe("inHours", () => {
  it("is always in hours for a 24/7 contact", () => {
    expect(inHours(hoursSchema.parse({ label: "24/7", always: true }), new Date("2026-11-29T03:00:00Z"))).toBe(true);
  });

  it("counts business hours in the contact's time zone, from inclusive, to exclusive", () => {
    // Monday 30 November 2026; Berlin is UTC+1 in winter.
    expect(inHours(business, new Date("2026-11-30T07:59:00Z"))).toBe(false);
    expect(inHours(business, new Date("2026-11-30T08:00:00Z"))).toBe(true);
    expect(inHours(business, new Date("2026-11-30T15:59:00Z"))).toBe(true);
    expect(inHours(business, new Date("2026-11-30T16:00:00Z"))).toBe(false);
  });

  it("is out of hours at the weekend, and the weekday is the contact's, not UTC's", () => {
    expect(inHours(business, new Date("2026-11-29T10:00:00Z"))).toBe(false); // Sunday
    // 23:30 UTC on Sunday is 08:30 Monday in Tokyo.
    const tokyo = hoursSchema.parse({ label: "Tokyo office", from: "08:00", to: "18:00", timeZone: "Asia/Tokyo" });
    expect(inHours(tokyo, new Date("2026-11-29T23:30:00Z"))).toBe(true);
  });
});

describe("escalationContacts", () => {
  const levels = [
    { level: "L1", who: "SRE on-call", roles: ["SRE"] as const, afterMinutes: 0 },
    { level: "L2", who: "Incident commander", roles: ["INCIDENT_COMMANDER"] as const, afterMinutes: 10 },
    { level: "L3", who: "Auditor then TL", roles: ["AUDITOR", "ENGINEERING_TL"] as const, afterMinutes: 30 },
    { level: "L4", who: "Nobody", roles: ["REPO_OWNER"] as const, afterMinutes: 60 },
    { level: "L5", who: "Security, then SRE", roles: ["INFOSEC", "SRE"] as const, afterMinutes: 90 },
  ];

  it("names each level's contact (the first of its roles that has one) and whether they are in hours now", () => {
    const sunday = new Date("2026-11-29T10:00:00Z");
    const out = escalationContacts(levels, DEFAULT_CONTACTS.contacts, sunday);
    expect(out[0].contact).toMatchObject({ role: "SRE", name: "SRE On-Call", inHoursNow: true, pages: true });
    expect(out[1].contact).toMatchObject({ role: "INCIDENT_COMMANDER", name: "Incident Commander", inHoursNow: true });
    expect(out[2].contact).toMatchObject({ role: "ENGINEERING_TL", name: "Engineering TL", inHoursNow: false, pages: false });
    expect(out[3].contact).toBeNull();
    expect(out[4].contact).toMatchObject({ role: "INFOSEC", name: "InfoSec" });
    expect(escalationContacts(levels, DEFAULT_CONTACTS.contacts, new Date("2026-11-30T10:00:00Z"))[2].contact?.inHoursNow).toBe(true);
  });

  it("writes one line per contact for chat", () => {
    expect(contactLine(DEFAULT_CONTACTS.contacts.SRE!)).toBe("SRE On-Call: @sre-oncall (slack), sre-oncall@company.com (email) — 24/7, pages");
  });
});

describe("the contacts schema", () => {
  it("accepts the seed's tables", () => {
    expect(contactsConfigSchema.safeParse(DEFAULT_CONTACTS).success).toBe(true);
  });

  it("names the field of each problem", () => {
    const bad = structuredClone(DEFAULT_CONTACTS) as unknown as { contacts: Record<string, { hours: { timeZone: string }; channels: unknown[] }>; links: { statusPages: Record<string, { url: string }> } };
    bad.contacts.SRE.hours.timeZone = "Mars/Olympus";
    bad.contacts.INFOSEC.channels = [];
    bad.links.statusPages.anthropic.url = "javascript:alert(1)";
    const r = contactsConfigSchema.safeParse(bad);
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["contacts.SRE.hours.timeZone", "contacts.INFOSEC.channels", "links.statusPages.anthropic.url"]));
  });

  it("refuses a role that does not exist", () => {
    expect(contactsConfigSchema.safeParse({ ...DEFAULT_CONTACTS, contacts: { JANITOR: DEFAULT_CONTACTS.contacts.SRE } }).success).toBe(false);
  });
});

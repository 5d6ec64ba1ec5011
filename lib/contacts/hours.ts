import type { Contact, Hours } from "./schema";
import type { Role } from "../auth/roles";

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** The weekday (0 = Sunday) and minute of the day of `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return { day: WEEKDAYS.indexOf(get("weekday")), minute: Number(get("hour")) * 60 + Number(get("minute")) };
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether a contact with these hours answers at `at`: always, or on one of its days from `from` (inclusive) to `to` (exclusive). */
export function inHours(hours: Hours, at: Date): boolean {
  if (hours.always) return true;
  const { day, minute } = localTime(at, hours.timeZone);
  return hours.days.includes(day) && minute >= minutes(hours.from) && minute < minutes(hours.to);
}

export type LevelContact = {
  level: string;
  who: string;
  afterMinutes: number;
  /** The contact of the level's first role that has one, or null when none is configured. */
  contact: (Contact & { role: Role; inHoursNow: boolean }) | null;
};

/** A runbook's escalation path with the contact for each level and whether they are in hours at `at`. */
export function escalationContacts(
  levels: readonly { level: string; who: string; roles: readonly Role[]; afterMinutes: number }[],
  contacts: Partial<Record<Role, Contact>>,
  at: Date,
): LevelContact[] {
  return levels.map((l) => {
    // Whom to call, not who may act: the first of the level's roles with a configured contact.
    let contact: LevelContact["contact"] = null;
    for (const role of l.roles) {
      const c = contacts[role];
      if (c) {
        contact = { ...c, role, inHoursNow: inHours(c.hours, at) };
        break;
      }
    }
    return { level: l.level, who: l.who, afterMinutes: l.afterMinutes, contact };
  });
}

/** One line for a chat message: "SRE On-Call: @sre-oncall (slack), sre-oncall@company.com (email) — 24/7, pages". */
export function contactLine(c: Contact): string {
  return `${c.name}: ${c.channels.map((ch) => `${ch.address} (${ch.kind})`).join(", ")} — ${c.hours.label}${c.pages ? ", pages" : ""}`;
}

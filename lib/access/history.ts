/**
 * Who held which role when, rebuilt from the audit log (issue 13 item 6). Every change to a person's access writes an
 * audit event whose details carry the person before and after (lib/access/snapshot.ts), whichever path made it:
 * the access page (`access.*`), a sign-in that changed the roles mapped from the identity provider
 * (`person.idp_roles`), a just-in-time creation (`person.create`), `npm run people:add` (`person.create`,
 * `person.update`) and the seed (`system.seed`, with the people it created).
 *
 * A person whose first recorded event is not their creation (people seeded before seeds recorded people, or rows
 * written by hand) starts from what that event says they were before, else from their row as it is now, from the
 * time the row was created: those stretches are marked `recorded: false`.
 */
import { ROLES, type Role } from "../auth/roles";

/** An audit event as the history needs it (only allowed events count). */
export type HistoryEvent = { seq: bigint; at: Date; action: string; targetType: string | null; targetId: string | null; details: unknown };

/** A person as the database has them now (for people the log does not fully cover). */
export type PersonRow = { id: string; email: string; name: string; createdAt: Date; roles: string[]; idpRoles: string[]; blockedRoles?: string[] | null; disabled: boolean };

export type RoleSource = "portal" | "identity provider";

export type RoleInterval = {
  personId: string;
  email: string;
  name: string;
  role: Role;
  /** Where the role came from during the stretch (both when it came from both, at some point). */
  sources: RoleSource[];
  from: Date;
  /** Null: still held. */
  to: Date | null;
  /** The events that began and ended the stretch (null: not in the log). */
  fromSeq: bigint | null;
  toSeq: bigint | null;
  /** False when the start comes from the person's row, not from an event. */
  recorded: boolean;
};

export type DisabledInterval = { personId: string; from: Date; to: Date | null; fromSeq: bigint | null; toSeq: bigint | null };

export type RoleHistory = { roles: RoleInterval[]; disabled: DisabledInterval[]; through: bigint | null };

type State = { email: string; name: string; roles: Role[]; idpRoles: Role[]; blockedRoles: Role[]; disabled: boolean };

const roleList = (v: unknown): Role[] | null => (Array.isArray(v) ? ROLES.filter((r) => v.some((x) => x === r)) : null);
const text = (v: unknown): string | null => (typeof v === "string" && v ? v : null);
const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/** A person's state from a snapshot object (`before`/`after`), keeping what it does not say from `prev`. */
function fromSnapshot(snap: Record<string, unknown>, prev: State | null): State {
  return {
    email: text(snap.email) ?? prev?.email ?? "",
    name: text(snap.name) ?? prev?.name ?? "",
    roles: roleList(snap.roles) ?? prev?.roles ?? [],
    idpRoles: roleList(snap.idpRoles) ?? prev?.idpRoles ?? [],
    blockedRoles: roleList(snap.blockedRoles) ?? prev?.blockedRoles ?? [],
    disabled: typeof snap.disabled === "boolean" ? snap.disabled : (prev?.disabled ?? false),
  };
}

const fromRow = (p: PersonRow): State => ({
  email: p.email,
  name: p.name,
  roles: roleList(p.roles) ?? [],
  idpRoles: roleList(p.idpRoles) ?? [],
  blockedRoles: roleList(p.blockedRoles ?? []) ?? [],
  disabled: p.disabled,
});

/** The state an event says the person had before it (null: it does not say). */
function stateBefore(e: HistoryEvent, row: PersonRow | undefined): State | null {
  const d = obj(e.details);
  if (!d) return null;
  const before = obj(d.before);
  if (before) return fromSnapshot(before, row ? fromRow(row) : null);
  if (e.action === "person.idp_roles" && roleList(d.before)) return { ...(row ? fromRow(row) : { email: "", name: "", roles: [], blockedRoles: [], disabled: false }), idpRoles: roleList(d.before)! };
  return null;
}

/** The state an event leaves the person in (null: the event says nothing about their access). */
function stateAfter(e: HistoryEvent, prev: State | null): State | null {
  const d = obj(e.details);
  if (!d) return null;
  const after = obj(d.after);
  if (after) return fromSnapshot(after, prev);
  if (e.action === "person.idp_roles" && roleList(d.after)) return { ...(prev ?? { email: "", name: "", roles: [], blockedRoles: [], disabled: false }), idpRoles: roleList(d.after)! };
  // A just-in-time creation recorded before creations carried `after`.
  if (e.action === "person.create" && roleList(d.idpRoles)) return fromSnapshot({ email: d.email, name: d.name, roles: [], idpRoles: d.idpRoles, disabled: false }, null);
  return null;
}

const isCreation = (e: HistoryEvent) => e.action === "person.create" || e.action === "access.person.added" || e.action === "system.seed";

/** A person's effective roles and where each comes from. */
function held(s: State): Map<Role, RoleSource[]> {
  const out = new Map<Role, RoleSource[]>();
  for (const r of ROLES) {
    const sources: RoleSource[] = [];
    if (s.roles.includes(r)) sources.push("portal");
    if (s.idpRoles.includes(r) && !s.blockedRoles.includes(r)) sources.push("identity provider");
    if (sources.length) out.set(r, sources);
  }
  return out;
}

/**
 * Rebuilds the history of every person from their events (in sequence order) and, for people the log does not
 * cover from their creation, their row. `people` gives current names, emails and creation times.
 */
export function rebuildRoleHistory(events: readonly HistoryEvent[], people: readonly PersonRow[]): RoleHistory {
  const rows = new Map(people.map((p) => [p.id, p]));
  const byPerson = new Map<string, { e: HistoryEvent; state: Record<string, unknown> | null }[]>();
  const add = (id: string, e: HistoryEvent, state: Record<string, unknown> | null = null) => {
    const list = byPerson.get(id) ?? [];
    list.push({ e, state });
    byPerson.set(id, list);
  };
  let through: bigint | null = null;
  for (const e of [...events].sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0))) {
    through = e.seq;
    if (e.action === "system.seed") {
      const list = obj(e.details)?.people;
      if (Array.isArray(list)) for (const p of list) if (obj(p) && text(obj(p)!.id)) add(text(obj(p)!.id)!, e, obj(p));
      continue;
    }
    if (e.targetType === "person" && e.targetId) add(e.targetId, e);
  }
  for (const id of rows.keys()) if (!byPerson.has(id)) byPerson.set(id, []);

  const roles: RoleInterval[] = [];
  const disabled: DisabledInterval[] = [];
  for (const [personId, list] of byPerson) {
    const row = rows.get(personId);
    const open = new Map<Role, RoleInterval>();
    let openDisabled: DisabledInterval | null = null;
    let state: State | null = null;

    const move = (next: State, at: Date, seq: bigint | null, recorded: boolean) => {
      const now = held(next);
      for (const [role, interval] of open) {
        if (!now.has(role)) {
          interval.to = at;
          interval.toSeq = seq;
          open.delete(role);
        }
      }
      for (const [role, sources] of now) {
        const current = open.get(role);
        if (current) {
          for (const s of sources) if (!current.sources.includes(s)) current.sources.push(s);
        } else {
          const interval: RoleInterval = { personId, email: next.email, name: next.name, role, sources: [...sources], from: at, to: null, fromSeq: seq, toSeq: null, recorded };
          open.set(role, interval);
          roles.push(interval);
        }
      }
      if (next.disabled && !openDisabled) {
        openDisabled = { personId, from: at, to: null, fromSeq: seq, toSeq: null };
        disabled.push(openDisabled);
      } else if (!next.disabled && openDisabled) {
        openDisabled.to = at;
        openDisabled.toSeq = seq;
        openDisabled = null;
      }
      state = next;
    };

    const first = list[0];
    if (!first || !(isCreation(first.e) && (first.state ?? stateAfter(first.e, null)))) {
      // Not covered from the start: begin from what the first event says came before, else from the row.
      const base = (first && stateBefore(first.e, row)) ?? (row ? fromRow(row) : null);
      const since = row?.createdAt && (!first || row.createdAt <= first.e.at) ? row.createdAt : first?.e.at;
      if (base && since) move(base, since, null, false);
    }
    for (const { e, state: seeded } of list) {
      const next = seeded ? fromSnapshot(seeded, state) : stateAfter(e, state);
      if (next) move(next, e.at, e.seq, true);
    }
    // Names and emails as they are now, so a person reads the same on every line.
    const finalState = state as State | null;
    const name = row?.name ?? finalState?.name ?? "";
    const email = row?.email ?? finalState?.email ?? "";
    for (const r of roles) if (r.personId === personId) Object.assign(r, { name, email });
  }
  roles.sort((a, b) => a.from.getTime() - b.from.getTime() || a.email.localeCompare(b.email) || ROLES.indexOf(a.role) - ROLES.indexOf(b.role));
  return { roles, disabled, through };
}

/** A stretch during which a person held a role and was not disabled. */
export type HoldingSpan = { personId: string; email: string; name: string; role: Role; from: Date; to: Date; sources: RoleSource[]; recorded: boolean };

/**
 * Who held one of `roles`, enabled, at some moment of [from, to): each person and role with the stretches inside
 * the window (a stretch while the person was disabled does not count: they could not sign in).
 */
export function heldDuring(history: RoleHistory, roles: readonly Role[], from: Date, to: Date): HoldingSpan[] {
  const out: HoldingSpan[] = [];
  for (const r of history.roles) {
    if (!roles.includes(r.role)) continue;
    let start = Math.max(r.from.getTime(), from.getTime());
    const end = Math.min(r.to?.getTime() ?? Infinity, to.getTime());
    if (start >= end) continue;
    const blocks = history.disabled
      .filter((d) => d.personId === r.personId)
      .map((d) => [d.from.getTime(), d.to?.getTime() ?? Infinity] as const)
      .sort((a, b) => a[0] - b[0]);
    const pieces: [number, number][] = [];
    for (const [ds, de] of blocks) {
      if (de <= start || ds >= end) continue;
      if (ds > start) pieces.push([start, ds]);
      start = Math.max(start, de);
      if (start >= end) break;
    }
    if (start < end) pieces.push([start, end]);
    for (const [s, e] of pieces) out.push({ personId: r.personId, email: r.email, name: r.name, role: r.role, from: new Date(s), to: new Date(e), sources: r.sources, recorded: r.recorded });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name) || ROLES.indexOf(a.role) - ROLES.indexOf(b.role) || a.from.getTime() - b.from.getTime());
}

import { describe, expect, it } from "vitest";
import { heldDuring, rebuildRoleHistory, type DisabledInterval, type HistoryEvent, type PersonRow, type RoleHistory, type RoleInterval } from "./history";

const t = (hhmm: string, day = "2026-11-03") => new Date(`${day}T${hhmm}:00.000Z`);
let seq = 0n;
const ev = (at: Date, action: string, targetId: string | null, details: unknown, targetType: string | null = "person"): HistoryEvent => ({ seq: ++seq, at, action, targetType: targetId ? targetType : null, targetId, details });
const snap = (roles: string[], over: Record<string, unknown> = {}) => ({ email: "x@ops.example", name: "X", roles, idpRoles: [], blockedRoles: [], disabled: false, ...over });
const row = (id: string, over: Partial<PersonRow> = {}): PersonRow => ({ id, email: `${id}@ops.example`, name: id.toUpperCase(), createdAt: t("00:00", "2026-11-01"), roles: [], idpRoles: [], blockedRoles: [], disabled: false, ...over });
const stretches = (h: ReturnType<typeof rebuildRoleHistory>, id: string) =>
  h.roles.filter((r) => r.personId === id).map((r) => ({ role: r.role, from: r.from.toISOString(), to: r.to?.toISOString() ?? null, sources: r.sources, recorded: r.recorded }));

describe("rebuilding who held which role when", () => {
  it("follows a person from the seed through a grant, an approval and a revocation", () => {
    const events = [
      ev(t("01:00", "2026-11-01"), "system.seed", null, { people: [{ id: "sam", ...snap(["SRE"]) }] }),
      ev(t("09:00"), "access.role.granted", "sam", { before: snap(["SRE"]), after: snap(["SRE", "PRODUCT"]) }),
      ev(t("10:00"), "access.grant.requested", "sam", { role: "AUDITOR", person: snap(["SRE", "PRODUCT"]) }),
      ev(t("11:00"), "access.grant.approved", "sam", { before: snap(["SRE", "PRODUCT"]), after: snap(["SRE", "PRODUCT", "AUDITOR"]) }),
      ev(t("15:00"), "access.role.revoked", "sam", { before: snap(["SRE", "PRODUCT", "AUDITOR"]), after: snap(["SRE", "AUDITOR"]) }),
    ];
    const h = rebuildRoleHistory(events, [row("sam", { roles: ["SRE", "AUDITOR"] })]);
    expect(stretches(h, "sam")).toEqual([
      { role: "SRE", from: "2026-11-01T01:00:00.000Z", to: null, sources: ["portal"], recorded: true },
      { role: "PRODUCT", from: "2026-11-03T09:00:00.000Z", to: "2026-11-03T15:00:00.000Z", sources: ["portal"], recorded: true },
      { role: "AUDITOR", from: "2026-11-03T11:00:00.000Z", to: null, sources: ["portal"], recorded: true },
    ]);
    expect(h.roles.find((r) => r.role === "PRODUCT")).toMatchObject({ fromSeq: events[1].seq, toSeq: events[4].seq });
    expect(h.through).toBe(events[4].seq);
  });

  it("follows roles from the identity provider: just-in-time creation, a change at sign-in, a block here", () => {
    const h = rebuildRoleHistory(
      [
        // A just-in-time creation as recorded before creations carried `after`.
        ev(t("08:00"), "person.create", "nia", { source: "identity provider (just in time)", email: "nia@corp.example", name: "Nia", idpRoles: ["SRE"] }),
        ev(t("12:00"), "person.idp_roles", "nia", { before: ["SRE"], after: ["SRE", "INCIDENT_COMMANDER"] }),
        ev(t("13:00"), "access.role.revoked", "nia", { before: snap([], { idpRoles: ["SRE", "INCIDENT_COMMANDER"] }), after: snap([], { idpRoles: ["SRE", "INCIDENT_COMMANDER"], blockedRoles: ["INCIDENT_COMMANDER"] }) }),
        // The next sign-in still maps the group: the block holds.
        ev(t("14:00"), "person.idp_roles", "nia", { before: ["SRE", "INCIDENT_COMMANDER"], after: ["INCIDENT_COMMANDER"] }),
      ],
      [row("nia")],
    );
    expect(stretches(h, "nia")).toEqual([
      { role: "SRE", from: "2026-11-03T08:00:00.000Z", to: "2026-11-03T14:00:00.000Z", sources: ["identity provider"], recorded: true },
      { role: "INCIDENT_COMMANDER", from: "2026-11-03T12:00:00.000Z", to: "2026-11-03T13:00:00.000Z", sources: ["identity provider"], recorded: true },
    ]);
  });

  it("keeps one stretch while the source changes, and names both sources", () => {
    const h = rebuildRoleHistory(
      [
        ev(t("08:00"), "person.create", "p", { source: "command line", before: null, after: snap(["SRE"]) }),
        ev(t("09:00"), "person.idp_roles", "p", { before: [], after: ["SRE"] }),
        ev(t("10:00"), "access.role.revoked", "p", { before: snap(["SRE"], { idpRoles: ["SRE"] }), after: snap([], { idpRoles: ["SRE"], blockedRoles: ["SRE"] }) }),
      ],
      [row("p")],
    );
    expect(stretches(h, "p")).toEqual([{ role: "SRE", from: "2026-11-03T08:00:00.000Z", to: "2026-11-03T10:00:00.000Z", sources: ["portal", "identity provider"], recorded: true }]);
  });

  it("records disabled stretches, and ignores events that say nothing about access", () => {
    const h = rebuildRoleHistory(
      [
        ev(t("08:00"), "access.person.added", "p", { before: null, after: snap(["SRE"]) }),
        ev(t("09:00"), "person.identity_bound", "p", { before: { issuer: null }, after: { issuer: "https://idp" } }),
        ev(t("10:00"), "access.person.disabled", "p", { before: snap(["SRE"]), after: snap(["SRE"], { disabled: true }) }),
        ev(t("12:00"), "access.person.enabled", "p", { before: snap(["SRE"], { disabled: true }), after: snap(["SRE"]) }),
      ],
      [row("p")],
    );
    expect(stretches(h, "p")).toEqual([{ role: "SRE", from: "2026-11-03T08:00:00.000Z", to: null, sources: ["portal"], recorded: true }]);
    expect(h.disabled.map((d) => [d.from.toISOString(), d.to?.toISOString()])).toEqual([["2026-11-03T10:00:00.000Z", "2026-11-03T12:00:00.000Z"]]);
  });

  it("starts a person the log does not cover from their creation from what the first event says came before, unrecorded", () => {
    const h = rebuildRoleHistory([ev(t("09:00"), "person.update", "old", { source: "command line", before: snap(["SRE"]), after: snap(["SRE", "AUDITOR"]) })], [row("old", { roles: ["SRE", "AUDITOR"] })]);
    expect(stretches(h, "old")).toEqual([
      { role: "SRE", from: "2026-11-01T00:00:00.000Z", to: null, sources: ["portal"], recorded: false },
      { role: "AUDITOR", from: "2026-11-03T09:00:00.000Z", to: null, sources: ["portal"], recorded: true },
    ]);
  });

  it("starts a person with no event at all from their row, unrecorded", () => {
    const h = rebuildRoleHistory([], [row("quiet", { roles: ["BUSINESS"], disabled: true })]);
    expect(stretches(h, "quiet")).toEqual([{ role: "BUSINESS", from: "2026-11-01T00:00:00.000Z", to: null, sources: ["portal"], recorded: false }]);
    expect(h.disabled).toHaveLength(1);
    expect(h.through).toBeNull();
  });

  it("orders events by sequence, not by the order given, and names people as they are now", () => {
    const a = ev(t("08:00"), "access.person.added", "p", { before: null, after: snap(["SRE"], { name: "Old Name" }) });
    const b = ev(t("09:00"), "access.role.revoked", "p", { before: snap(["SRE"]), after: snap([]) });
    const h = rebuildRoleHistory([b, a], [row("p", { name: "New Name" })]);
    expect(stretches(h, "p")).toEqual([{ role: "SRE", from: "2026-11-03T08:00:00.000Z", to: "2026-11-03T09:00:00.000Z", sources: ["portal"], recorded: true }]);
    expect(h.roles[0].name).toBe("New Name");
  });
});

describe("who held a role during a window", () => {
  const h = rebuildRoleHistory(
    [
      ev(t("08:00", "2026-11-02"), "access.person.added", "ic", { before: null, after: snap(["INCIDENT_COMMANDER"]) }),
      ev(t("10:00"), "access.person.disabled", "ic", { before: snap(["INCIDENT_COMMANDER"]), after: snap(["INCIDENT_COMMANDER"], { disabled: true }) }),
      ev(t("16:00"), "access.person.enabled", "ic", { before: snap(["INCIDENT_COMMANDER"], { disabled: true }), after: snap(["INCIDENT_COMMANDER"]) }),
      ev(t("08:00"), "access.person.added", "sre", { before: null, after: snap(["SRE"]) }),
      ev(t("09:00"), "access.role.revoked", "sre", { before: snap(["SRE"]), after: snap([]) }),
      ev(t("08:00", "2026-11-04"), "access.person.added", "late", { before: null, after: snap(["SRE"]) }),
      ev(t("08:00"), "access.person.added", "off", { before: null, after: snap(["SRE"], { disabled: true }) }),
    ],
    [row("ic"), row("sre"), row("late"), row("off", { disabled: true })],
  );
  const day = { from: t("00:00"), to: t("00:00", "2026-11-04") };

  it("counts people who held the role at some moment of the day, minus the time they were disabled", () => {
    const spans = heldDuring(h, ["SRE", "INCIDENT_COMMANDER"], day.from, day.to).map((s) => [s.personId, s.role, s.from.toISOString().slice(11, 16), s.to.toISOString()]);
    expect(spans).toEqual([
      ["ic", "INCIDENT_COMMANDER", "00:00", "2026-11-03T10:00:00.000Z"],
      ["ic", "INCIDENT_COMMANDER", "16:00", "2026-11-04T00:00:00.000Z"],
      ["sre", "SRE", "08:00", "2026-11-03T09:00:00.000Z"],
    ]);
  });

  it("leaves out other roles, people added after the day, and people disabled all day", () => {
    expect(heldDuring(h, ["AUDITOR"], day.from, day.to)).toEqual([]);
    const people = new Set(heldDuring(h, ["SRE"], day.from, day.to).map((s) => s.personId));
    expect(people).toEqual(new Set(["sre"]));
  });

  it("treats the window as half-open: a role that ends when the window starts does not count", () => {
    expect(heldDuring(h, ["SRE"], t("09:00"), t("10:00"))).toEqual([]);
    expect(heldDuring(h, ["SRE"], t("08:59"), t("09:00"))).toHaveLength(1);
  });
});

describe("reading snapshots the log may hold in older or partial shapes", () => {
  it("a snapshot field of the wrong type, or empty, keeps what the person was (only known roles count)", () => {
    const h = rebuildRoleHistory(
      [
        ev(t("08:00"), "access.person.added", "p", { before: null, after: snap(["SRE", "ROOT"], { email: "p@ops.example", name: "Pat" }) }),
        // A later snapshot that says nothing usable about email, name or roles: the person stays as they were.
        ev(t("09:00"), "access.person.updated", "p", { before: snap(["SRE"]), after: { email: "", name: 7, roles: "AUDITOR", idpRoles: null, disabled: "yes" } }),
        ev(t("10:00"), "access.role.granted", "p", { before: snap(["SRE"]), after: { roles: ["SRE", "PRODUCT"] } }),
      ],
      [],
    );
    expect(stretches(h, "p")).toEqual([
      { role: "SRE", from: "2026-11-03T08:00:00.000Z", to: null, sources: ["portal"], recorded: true },
      { role: "PRODUCT", from: "2026-11-03T10:00:00.000Z", to: null, sources: ["portal"], recorded: true },
    ]);
    // No row: the names come from the log, kept through the partial snapshots.
    expect(h.roles.map((r) => [r.email, r.name])).toEqual([
      ["p@ops.example", "Pat"],
      ["p@ops.example", "Pat"],
    ]);
    expect(h.disabled).toEqual([]);
  });

  it("a partial snapshot keeps the identity-provider roles, blocks and disabled flag it does not mention", () => {
    const h = rebuildRoleHistory(
      [
        ev(t("08:00"), "access.person.added", "q", { before: null, after: snap([], { idpRoles: ["SRE", "AUDITOR"], blockedRoles: ["AUDITOR"], disabled: true }) }),
        ev(t("09:00"), "access.role.granted", "q", { before: {}, after: { roles: ["PRODUCT"] } }),
        ev(t("10:00"), "access.person.enabled", "q", { before: {}, after: { disabled: false } }),
      ],
      [],
    );
    expect(stretches(h, "q")).toEqual([
      { role: "SRE", from: "2026-11-03T08:00:00.000Z", to: null, sources: ["identity provider"], recorded: true },
      { role: "PRODUCT", from: "2026-11-03T09:00:00.000Z", to: null, sources: ["portal"], recorded: true },
    ]);
    expect(h.disabled.map((d) => [d.from.toISOString(), d.to?.toISOString() ?? null, d.fromSeq !== null, d.toSeq !== null])).toEqual([["2026-11-03T08:00:00.000Z", "2026-11-03T10:00:00.000Z", true, true]]);
  });

  it("events whose details are not an object, or carry no before/after, change nothing", () => {
    const h = rebuildRoleHistory(
      [
        ev(t("08:00"), "access.person.added", "r", { before: null, after: snap(["SRE"]) }),
        ev(t("09:00"), "access.role.revoked", "r", "not an object"),
        ev(t("09:30"), "access.role.revoked", "r", ["SRE"]),
        ev(t("10:00"), "person.idp_roles", "r", { before: "SRE", after: "AUDITOR" }),
        ev(t("11:00"), "person.create", "r", { idpRoles: "AUDITOR" }),
        ev(t("12:00"), "access.role.revoked", "r", null),
      ],
      [row("r")],
    );
    expect(stretches(h, "r")).toEqual([{ role: "SRE", from: "2026-11-03T08:00:00.000Z", to: null, sources: ["portal"], recorded: true }]);
  });

  it("a first event that is a sign-in's role change, for a person with no row, starts from its before list", () => {
    const h = rebuildRoleHistory([ev(t("12:00"), "person.idp_roles", "gone", { before: ["SRE"], after: ["SRE", "AUDITOR"] })], []);
    expect(stretches(h, "gone")).toEqual([
      { role: "SRE", from: "2026-11-03T12:00:00.000Z", to: null, sources: ["identity provider"], recorded: false },
      { role: "AUDITOR", from: "2026-11-03T12:00:00.000Z", to: null, sources: ["identity provider"], recorded: true },
    ]);
    expect(h.disabled).toEqual([]);
    expect(h.roles[0]).toMatchObject({ email: "", name: "", fromSeq: null });
  });

  it("a first event that is a sign-in's role change, for a person with a row, keeps the row's portal roles", () => {
    const h = rebuildRoleHistory([ev(t("12:00"), "person.idp_roles", "s", { before: ["AUDITOR"], after: [] })], [row("s", { roles: ["SRE"], idpRoles: [] })]);
    expect(stretches(h, "s")).toEqual([
      { role: "SRE", from: "2026-11-01T00:00:00.000Z", to: null, sources: ["portal"], recorded: false },
      { role: "AUDITOR", from: "2026-11-01T00:00:00.000Z", to: "2026-11-03T12:00:00.000Z", sources: ["identity provider"], recorded: false },
    ]);
  });

  it("a row created after the first event it has (clock skew, a restored row) starts at that event", () => {
    const h = rebuildRoleHistory([ev(t("09:00"), "person.update", "u", { before: snap(["SRE"]), after: snap(["SRE"]) })], [row("u", { createdAt: t("10:00") })]);
    expect(stretches(h, "u")).toEqual([{ role: "SRE", from: "2026-11-03T09:00:00.000Z", to: null, sources: ["portal"], recorded: false }]);
  });

  it("a person with no events and no usable row is left out; a row's unknown and blocked roles do not count", () => {
    const h = rebuildRoleHistory([], [row("v", { roles: ["ROOT", "SRE"], idpRoles: ["AUDITOR", "PRODUCT"], blockedRoles: ["PRODUCT"] }), row("w", { blockedRoles: null })]);
    expect(stretches(h, "v")).toEqual([
      { role: "SRE", from: "2026-11-01T00:00:00.000Z", to: null, sources: ["portal"], recorded: false },
      { role: "AUDITOR", from: "2026-11-01T00:00:00.000Z", to: null, sources: ["identity provider"], recorded: false },
    ]);
    expect(stretches(h, "w")).toEqual([]);
  });

  it("seed events name each person they created; entries without an id, or not objects, are skipped", () => {
    const h = rebuildRoleHistory(
      [ev(t("01:00", "2026-11-01"), "system.seed", null, { people: [{ id: "a", ...snap(["SRE"]) }, { ...snap(["AUDITOR"]) }, "b", null, { id: "", ...snap(["PRODUCT"]) }] }), ev(t("02:00", "2026-11-01"), "system.seed", null, { people: "none" })],
      [],
    );
    expect(h.roles.map((r) => [r.personId, r.role])).toEqual([["a", "SRE"]]);
    expect(h.through).toBe(seq);
  });

  it("events about other kinds of object, or with no target, are not a person's", () => {
    const h = rebuildRoleHistory(
      [ev(t("08:00"), "access.person.added", "p", { before: null, after: snap(["SRE"]) }), ev(t("09:00"), "run.start", "p", { before: snap(["SRE"]), after: snap([]) }, "run")],
      [],
    );
    expect(stretches(h, "p")).toEqual([{ role: "SRE", from: "2026-11-03T08:00:00.000Z", to: null, sources: ["portal"], recorded: true }]);
  });

  it("sorts stretches by start, then email, then the role table's order", () => {
    const h = rebuildRoleHistory(
      [
        ev(t("08:00"), "access.person.added", "zed", { before: null, after: snap(["AUDITOR", "SRE"], { email: "zed@ops.example" }) }),
        ev(t("08:00"), "access.person.added", "amy", { before: null, after: snap(["AUDITOR"], { email: "amy@ops.example" }) }),
        ev(t("07:00"), "access.person.added", "late", { before: null, after: snap(["PRODUCT"], { email: "x@ops.example" }) }),
      ],
      [],
    );
    expect(h.roles.map((r) => `${r.from.toISOString().slice(11, 16)} ${r.email} ${r.role}`)).toEqual(["07:00 x@ops.example PRODUCT", "08:00 amy@ops.example AUDITOR", "08:00 zed@ops.example SRE", "08:00 zed@ops.example AUDITOR"]);
  });
});

describe("who held a role during a window, around disabled stretches", () => {
  const h = rebuildRoleHistory(
    [
      ev(t("08:00"), "access.person.added", "d", { before: null, after: snap(["SRE"]) }),
      ev(t("10:00"), "access.person.disabled", "d", { before: snap(["SRE"]), after: snap(["SRE"], { disabled: true }) }),
      ev(t("11:00"), "access.person.enabled", "d", { before: snap(["SRE"], { disabled: true }), after: snap(["SRE"]) }),
      ev(t("12:00"), "access.person.disabled", "d", { before: snap(["SRE"]), after: snap(["SRE"], { disabled: true }) }),
      ev(t("13:00"), "access.person.enabled", "d", { before: snap(["SRE"], { disabled: true }), after: snap(["SRE"]) }),
      ev(t("08:00"), "access.person.added", "e", { before: null, after: snap(["SRE"]) }),
      ev(t("09:00"), "access.person.disabled", "e", { before: snap(["SRE"]), after: snap(["SRE"], { disabled: true }) }),
    ],
    [],
  );
  const span = (from: string, to: string, who = "d") =>
    heldDuring(h, ["SRE"], t(from), t(to))
      .filter((s) => s.personId === who)
      .map((s) => `${s.from.toISOString().slice(11, 16)}-${s.to.toISOString().slice(11, 16)}`);

  it("splits a stretch around each disabled stretch inside the window, in order", () => {
    expect(span("07:00", "14:00")).toEqual(["08:00-10:00", "11:00-12:00", "13:00-14:00"]);
  });

  it("a window that starts or ends inside a disabled stretch keeps only the enabled part", () => {
    expect(span("10:30", "11:30")).toEqual(["11:00-11:30"]);
    expect(span("09:00", "10:30")).toEqual(["09:00-10:00"]);
    expect(span("10:15", "10:45")).toEqual([]);
  });

  it("a disabled stretch that touches the window's edge cuts nothing from it", () => {
    expect(span("11:00", "12:00")).toEqual(["11:00-12:00"]);
  });

  it("someone disabled for good counts until they were disabled", () => {
    expect(span("07:00", "14:00", "e")).toEqual(["08:00-09:00"]);
    expect(span("09:00", "14:00", "e")).toEqual([]);
  });

  it("each span carries the person, role, sources and whether the log recorded it", () => {
    expect(heldDuring(h, ["SRE"], t("08:00"), t("09:00"))[0]).toMatchObject({ personId: "d", role: "SRE", sources: ["portal"], recorded: true, email: "x@ops.example", name: "X" });
  });

  it("orders by name, then the role table's order, then start", () => {
    const g = rebuildRoleHistory(
      [
        ev(t("08:00"), "access.person.added", "b", { before: null, after: snap(["AUDITOR", "SRE"], { name: "Bea" }) }),
        ev(t("07:00"), "access.person.added", "a", { before: null, after: snap(["SRE"], { name: "Al" }) }),
      ],
      [],
    );
    expect(heldDuring(g, ["SRE", "AUDITOR"], t("00:00"), t("23:00")).map((s) => `${s.name} ${s.role}`)).toEqual(["Al SRE", "Bea SRE", "Bea AUDITOR"]);
  });
});

describe("rebuilding from events that lack what the common shapes carry", () => {
  it("a creation whose snapshot names nothing starts an empty, enabled person with no name; later events fill it in", () => {
    const h = rebuildRoleHistory([ev(t("08:00"), "access.person.added", "blank", { before: null, after: {} }), ev(t("09:00"), "access.role.granted", "blank", { before: {}, after: { roles: ["SRE"] } })], []);
    expect(stretches(h, "blank")).toEqual([{ role: "SRE", from: "2026-11-03T09:00:00.000Z", to: null, sources: ["portal"], recorded: true }]);
    expect(h.roles[0]).toMatchObject({ name: "", email: "" });
    expect(h.disabled).toEqual([]);
  });

  it("a just-in-time creation as recorded before creations carried `after` starts enabled", () => {
    const h = rebuildRoleHistory([ev(t("08:00"), "person.create", "jit", { email: "jit@corp.example", name: "Jit", idpRoles: ["SRE"] })], []);
    expect(stretches(h, "jit")).toEqual([{ role: "SRE", from: "2026-11-03T08:00:00.000Z", to: null, sources: ["identity provider"], recorded: true }]);
    expect(h.disabled).toEqual([]);
  });

  it("only a sign-in's role change reads bare lists as identity-provider roles; other events' lists mean nothing", () => {
    const h = rebuildRoleHistory(
      [
        // A first event that is not a sign-in, whose `before` is a bare list: the row is the starting point.
        ev(t("09:00"), "access.role.granted", "k", { before: ["AUDITOR"], after: snap(["SRE"]) }),
        ev(t("10:00"), "access.role.granted", "k", { after: ["PRODUCT"] }),
        ev(t("11:00"), "access.person.updated", "k", { email: "k@ops.example", name: "K", idpRoles: ["BUSINESS"] }),
      ],
      [row("k", { roles: ["ENGINEERING_TL"] })],
    );
    expect(stretches(h, "k")).toEqual([
      { role: "ENGINEERING_TL", from: "2026-11-01T00:00:00.000Z", to: "2026-11-03T09:00:00.000Z", sources: ["portal"], recorded: false },
      { role: "SRE", from: "2026-11-03T09:00:00.000Z", to: null, sources: ["portal"], recorded: true },
    ]);
  });

  it("a sign-in's role change whose `before` is not a list starts from the row", () => {
    const h = rebuildRoleHistory([ev(t("12:00"), "person.idp_roles", "m", { before: "SRE", after: ["AUDITOR"] })], [row("m", { roles: ["SRE"] })]);
    expect(stretches(h, "m")).toEqual([
      { role: "SRE", from: "2026-11-01T00:00:00.000Z", to: null, sources: ["portal"], recorded: false },
      { role: "AUDITOR", from: "2026-11-03T12:00:00.000Z", to: null, sources: ["identity provider"], recorded: true },
    ]);
  });

  it("a person with no row whose first event is a sign-in's role change with only its after list starts enabled, with those roles", () => {
    const h = rebuildRoleHistory([ev(t("10:00"), "person.idp_roles", "fresh", { after: ["SRE"] })], []);
    expect(stretches(h, "fresh")).toEqual([{ role: "SRE", from: "2026-11-03T10:00:00.000Z", to: null, sources: ["identity provider"], recorded: true }]);
    expect(h.disabled).toEqual([]);
    expect(heldDuring(h, ["SRE"], t("10:00"), t("11:00")).map((s) => s.personId)).toEqual(["fresh"]);
  });

  it("a person with no row whose first event says nothing of before starts at the first event that says after", () => {
    const h = rebuildRoleHistory([ev(t("09:00"), "access.role.granted", "norow", { after: snap(["SRE"]) })], []);
    expect(stretches(h, "norow")).toEqual([{ role: "SRE", from: "2026-11-03T09:00:00.000Z", to: null, sources: ["portal"], recorded: true }]);
  });

  it("a person with no row and events that say nothing has no stretches", () => {
    const h = rebuildRoleHistory([ev(t("09:00"), "access.role.revoked", "ghost", null), ev(t("10:00"), "access.role.revoked", "ghost", { note: "nothing" })], []);
    expect(h.roles).toEqual([]);
    expect(h.disabled).toEqual([]);
  });

  it("a creation on the portal is the start of the record, even when the row is older", () => {
    const h = rebuildRoleHistory([ev(t("08:00"), "access.person.added", "n", { before: null, after: snap(["SRE"]) })], [row("n", { roles: ["PRODUCT"] })]);
    expect(stretches(h, "n")).toEqual([{ role: "SRE", from: "2026-11-03T08:00:00.000Z", to: null, sources: ["portal"], recorded: true }]);
  });

  it("seed events without a list of people, or with no details, are skipped", () => {
    const h = rebuildRoleHistory([ev(t("01:00"), "system.seed", null, null), ev(t("02:00"), "system.seed", null, {}), ev(t("03:00"), "system.seed", null, { people: 5 })], []);
    expect(h.roles).toEqual([]);
    expect(h.through).toBe(seq);
  });

  it("roles that start together sort in the role table's order, whatever order the events gave them", () => {
    const h = rebuildRoleHistory(
      [
        ev(t("08:00"), "access.person.added", "o", { before: null, after: snap(["AUDITOR"], { email: "o@ops.example" }) }),
        ev(t("08:00"), "access.role.granted", "o", { before: snap(["AUDITOR"]), after: snap(["AUDITOR", "PRODUCT", "SRE"], { email: "o@ops.example" }) }),
      ],
      [],
    );
    expect(h.roles.map((r) => r.role)).toEqual(["SRE", "PRODUCT", "AUDITOR"]);
  });

  it("orders events by sequence when they arrive in any order", () => {
    const events = [
      ev(t("08:00"), "access.person.added", "s", { before: null, after: snap(["SRE"]) }),
      ev(t("09:00"), "access.role.granted", "s", { before: snap(["SRE"]), after: snap(["SRE", "AUDITOR"]) }),
      ev(t("10:00"), "access.role.revoked", "s", { before: snap(["SRE", "AUDITOR"]), after: snap(["AUDITOR"]) }),
      ev(t("11:00"), "access.role.revoked", "s", { before: snap(["AUDITOR"]), after: snap([]) }),
      ev(t("12:00"), "access.role.granted", "s", { before: snap([]), after: snap(["PRODUCT"]) }),
    ];
    const expected = [
      { role: "SRE", from: "2026-11-03T08:00:00.000Z", to: "2026-11-03T10:00:00.000Z", sources: ["portal"], recorded: true },
      { role: "AUDITOR", from: "2026-11-03T09:00:00.000Z", to: "2026-11-03T11:00:00.000Z", sources: ["portal"], recorded: true },
      { role: "PRODUCT", from: "2026-11-03T12:00:00.000Z", to: null, sources: ["portal"], recorded: true },
    ];
    for (const order of [[4, 2, 0, 3, 1], [1, 3, 0, 4, 2], [2, 4, 1, 0, 3], [3, 0, 4, 1, 2]]) {
      const h = rebuildRoleHistory(order.map((i) => events[i]), []);
      expect(stretches(h, "s")).toEqual(expected);
      expect(h.through).toBe(events[4].seq);
    }
  });
});

describe("who held a role during a window, from a history given in any order", () => {
  const at = (hh: number) => t(`${String(hh).padStart(2, "0")}:00`);
  const interval = (personId: string, name: string, role: RoleInterval["role"], from: number, to: number | null): RoleInterval => ({ personId, email: `${personId}@ops.example`, name, role, sources: ["portal"], from: at(from), to: to === null ? null : at(to), fromSeq: null, toSeq: null, recorded: true });
  const off = (personId: string, from: number, to: number | null): DisabledInterval => ({ personId, from: at(from), to: to === null ? null : at(to), fromSeq: null, toSeq: null });
  const spans = (history: RoleHistory, from: number, to: number, roles: RoleInterval["role"][] = ["SRE", "AUDITOR"]) =>
    heldDuring(history, roles, at(from), at(to)).map((s) => `${s.name} ${s.role} ${s.from.getUTCHours()}-${s.to.getUTCHours()}`);

  it("disabled stretches out of order still cut the right pieces, and only their own person's", () => {
    const history: RoleHistory = { roles: [interval("a", "Al", "SRE", 8, null), interval("b", "Bo", "SRE", 8, null)], disabled: [off("a", 14, 15), off("a", 10, 11), off("b", 12, 13)], through: null };
    expect(spans(history, 9, 16)).toEqual(["Al SRE 9-10", "Al SRE 11-14", "Al SRE 15-16", "Bo SRE 9-12", "Bo SRE 13-16"]);
  });

  it("a disabled stretch after the window, or ending exactly at its end, does not stretch or add a piece", () => {
    const history: RoleHistory = { roles: [interval("a", "Al", "SRE", 8, null)], disabled: [off("a", 11, 12), off("a", 14, 15)], through: null };
    expect(spans(history, 10, 12)).toEqual(["Al SRE 10-11"]);
    expect(spans(history, 12, 13)).toEqual(["Al SRE 12-13"]);
  });

  it("sorts by name, then the role table's order, then start, whatever the history's order", () => {
    const history: RoleHistory = {
      roles: [interval("z", "Zoe", "SRE", 9, null), interval("a", "Amy", "AUDITOR", 8, null), interval("a", "Amy", "SRE", 11, null), interval("a", "Amy", "SRE", 9, 10)],
      disabled: [],
      through: null,
    };
    expect(spans(history, 8, 12)).toEqual(["Amy SRE 9-10", "Amy SRE 11-12", "Amy AUDITOR 8-12", "Zoe SRE 9-12"]);
  });
});

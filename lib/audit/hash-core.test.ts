import { describe, expect, it } from "vitest";
import { core } from "./hash-core";

/** A packed row as lib/audit/source.ts PACKED_ROW writes it, with the roles field given. */
const packed = (roles: string) => ["7", "1764322200000", "", "", roles, "run.start", "allowed", "", "", "{}", "", "0".repeat(64), "a".repeat(64)];

describe("parsePacked", () => {
  it("reads simple role arrays", () => {
    expect(core.parsePacked(packed(".{SRE,AUDITOR}"))?.actorRoles).toEqual(["SRE", "AUDITOR"]);
    expect(core.parsePacked(packed(".{}"))?.actorRoles).toEqual([]);
  });

  it("leaves arrays with NULL elements (or quoted ones) to the ordinary reader, which tells NULL from 'NULL'", () => {
    for (const roles of [".{NULL,SRE}", ".{SRE,null}", ".{NULL}", '.{"NULL"}', '.{"a,b"}']) expect(core.parsePacked(packed(roles)), roles).toBeNull();
    expect(core.parsePacked(packed(".{NULLABLE,SRE}"))?.actorRoles).toEqual(["NULLABLE", "SRE"]);
  });

  it("reads every field of a row whose optional fields are present, stripping their '.' marker", () => {
    const row = ["42", "1764322200123", ".00000000-0000-4000-8000-000000000001", ".sam.rivera@ops.example", ".{SRE,INFOSEC}", "run.step.signed", "refused", ".run", ".run-7", '{"note":"ok","n":[1,2]}', ".req-1", "b".repeat(64), "c".repeat(64)];
    expect(core.parsePacked(row)).toEqual({
      seq: "42",
      at: new Date(1764322200123),
      actorId: "00000000-0000-4000-8000-000000000001",
      actorEmail: "sam.rivera@ops.example",
      actorRoles: ["SRE", "INFOSEC"],
      action: "run.step.signed",
      outcome: "refused",
      targetType: "run",
      targetId: "run-7",
      details: { note: "ok", n: [1, 2] },
      requestId: "req-1",
      prevHash: "b".repeat(64),
      hash: "c".repeat(64),
    });
  });

  it("reads absent optional fields as null and no roles as an empty list", () => {
    expect(core.parsePacked(packed(""))).toEqual({
      seq: "7",
      at: new Date(1764322200000),
      actorId: null,
      actorEmail: null,
      actorRoles: [],
      action: "run.start",
      outcome: "allowed",
      targetType: null,
      targetId: null,
      details: {},
      requestId: null,
      prevHash: "0".repeat(64),
      hash: "a".repeat(64),
    });
  });

  it("tells an empty string (a lone marker) from an absent value", () => {
    const row = ["1", "0", ".", ".", ".{}", "a", "allowed", ".", ".", "null", ".", "0".repeat(64), "a".repeat(64)];
    expect(core.parsePacked(row)).toMatchObject({ at: new Date(0), actorId: "", actorEmail: "", targetType: "", targetId: "", requestId: "", details: null });
  });

  it("accepts role names made of letters, digits and _ . @ -", () => {
    expect(core.parsePacked(packed(".{svc-bot@ops.example,SRE_2,x}"))?.actorRoles).toEqual(["svc-bot@ops.example", "SRE_2", "x"]);
  });

  it("leaves role texts that are not a plain array to the ordinary reader", () => {
    for (const roles of [".SRE", ".{SRE", ".SRE}", ".{SRE}x", "..{SRE}", ".{,SRE}", ".{SRE,}", ".{SRE,,AUDITOR}", ".{a b}", ".{SRE;AUDITOR}", '.{"SRE"}']) {
      expect(core.parsePacked(packed(roles)), roles).toBeNull();
    }
  });

  it("refuses a row with the wrong number of fields", () => {
    const row = packed(".{SRE}");
    expect(core.parsePacked(row.slice(0, 12))).toBeNull();
    expect(core.parsePacked([...row, "extra"])).toBeNull();
  });

  it("refuses a row whose time is not a whole number of milliseconds", () => {
    for (const ms of ["1764322200000.5", "soon", "9007199254740993"]) {
      const row = packed("");
      row[1] = ms;
      expect(core.parsePacked(row), ms).toBeNull();
    }
  });

  it("refuses a row whose details are not JSON", () => {
    const row = packed("");
    row[9] = "{not json";
    expect(core.parsePacked(row)).toBeNull();
  });
});

describe("canonicalJson", () => {
  it("writes functions and symbols as null in arrays and at the top, and skips object keys holding them", () => {
    expect(core.canonicalJson(() => 1)).toBe("null");
    expect(core.canonicalJson(Symbol("s"))).toBe("null");
    expect(core.canonicalJson([() => 1, Symbol("s"), 1])).toBe("[null,null,1]");
    expect(core.canonicalJson({ a: () => 1, b: Symbol("s"), c: undefined, d: 2 })).toBe('{"d":2}');
    expect(core.canonicalJson({ a: () => 1, b: 1 })).toBe('{"b":1}');
  });

  it("writes booleans, bigints and non-finite numbers as JSON does after normalising", () => {
    expect(core.canonicalJson([true, false, 12n, NaN, -Infinity, 0.5])).toBe('[true,false,"12",null,null,0.5]');
  });
});

describe("eventBody", () => {
  const event = {
    seq: 9n,
    at: new Date("2026-11-28T01:02:03.004Z"),
    actorId: "u-1" as string | null,
    actorEmail: "a@ops.example" as string | null,
    actorRoles: ["SRE"],
    action: "run.start",
    outcome: "allowed",
    targetType: "run" as string | null,
    targetId: "r-1" as string | null,
    details: { b: 1, a: [true] } as unknown,
    requestId: "req" as string | null,
  };

  it("spells out the hashed fields in sorted key order", () => {
    expect(core.eventBody(event)).toBe(
      '{"action":"run.start","actorEmail":"a@ops.example","actorId":"u-1","actorRoles":["SRE"],"at":"2026-11-28T01:02:03.004Z","details":{"a":[true],"b":1},"outcome":"allowed","requestId":"req","seq":"9","targetId":"r-1","targetType":"run"}',
    );
    expect(core.eventBody({ ...event, actorId: null, actorEmail: null, targetType: null, targetId: null, requestId: null, details: undefined })).toBe(
      '{"action":"run.start","actorEmail":null,"actorId":null,"actorRoles":["SRE"],"at":"2026-11-28T01:02:03.004Z","details":null,"outcome":"allowed","requestId":null,"seq":"9","targetId":null,"targetType":null}',
    );
  });

  it("drops each field a caller left undefined, as canonical JSON does", () => {
    for (const field of ["actorId", "actorEmail", "targetType", "targetId", "requestId"] as const) {
      const body = core.eventBody({ ...event, [field]: undefined } as unknown as typeof event);
      const expected = JSON.parse(core.eventBody(event));
      delete expected[field];
      expect(body, field).toBe(core.canonicalJson(expected));
      expect(body, field).not.toContain(`"${field}"`);
    }
  });

  it("writes undefined details as null when another field is left undefined", () => {
    expect(core.eventBody({ ...event, requestId: undefined, details: undefined } as unknown as typeof event)).toContain('"details":null');
  });
});

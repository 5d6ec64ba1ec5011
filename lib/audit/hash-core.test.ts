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
});

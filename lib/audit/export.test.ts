import { describe, expect, it } from "vitest";
import { csvCell, csvRow, exportFileName, exportStream, jsonlRow, EXPORT_FORMAT_ID, type ExportMeta } from "./export";
import { buildWhere, likeEscape } from "./filter-sql";
import type { StoredEvent } from "./chain";

const event: StoredEvent = {
  seq: 42n,
  at: new Date("2026-11-28T01:02:03.004Z"),
  actorId: "00000000-0000-4000-8000-000000000001",
  actorEmail: "sam.rivera@ops.example",
  actorRoles: ["SRE", "INFOSEC"],
  action: "run.step.signed",
  outcome: "allowed",
  targetType: "run",
  targetId: "=HYPERLINK(\"x\")",
  details: { notes: 'said "go", then\nwent', b: 1, a: null },
  requestId: null,
  prevHash: "a".repeat(64),
  hash: "b".repeat(64),
};

/** One CSV line's cells as a spreadsheet reads them: a cell is quoted only if it starts with a quote. */
function spreadsheetCells(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell = "";
    if (line[i] === '"') {
      for (i++; i < line.length; i++) {
        if (line[i] !== '"') cell += line[i];
        else if (line[i + 1] === '"') cell += line[i++];
        else break;
      }
      i++;
    }
    const end = line.indexOf(",", i);
    cell += line.slice(i, end === -1 ? undefined : end);
    cells.push(cell);
    if (end === -1) return cells;
    i = end + 1;
  }
}

describe("CSV export rows", () => {
  it("quote what needs quoting, neutralise formulas, and keep NULL as an empty cell", () => {
    expect(csvCell(null)).toBe("");
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("-5")).toBe("'-5");
    expect(csvRow(event)).toBe(
      `42,2026-11-28T01:02:03.004Z,00000000-0000-4000-8000-000000000001,sam.rivera@ops.example,SRE;INFOSEC,run.step.signed,allowed,run,"'=HYPERLINK(""x"")",,"{""a"":null,""b"":1,""notes"":""said \\""go\\"", then\\nwent""}",${"a".repeat(64)},${"b".repeat(64)}`,
    );
  });

  it("write the metadata lines as one quoted cell each, so a filter cannot add a formula cell", async () => {
    const filter = { q: "abc,=1+1", actor: '"x",@SUM(A1)' };
    const meta: ExportMeta = { type: "meta", format: EXPORT_FORMAT_ID, filter, scope: "all", through: "0", exportedBy: "auditor@ops.example", exportedAt: "2026-11-28T01:02:03.000Z", requestId: null, order: "oldest first" };
    const noEvents = (async () => []) as Parameters<typeof exportStream>[0];
    const text = await new Response(exportStream(noEvents, { kind: "all" }, filter, "csv", meta)).text();
    const lines = text.trimEnd().split("\n").map(spreadsheetCells);
    expect(lines[0]).toEqual([`# ${JSON.stringify(meta)}`]);
    expect(lines[1]).toEqual(["seq", "at", "actor_id", "actor_email", "actor_roles", "action", "outcome", "target_type", "target_id", "request_id", "details", "prev_hash", "hash"]);
    expect(lines[2]).toEqual(['# {"type":"end","count":0}']);
    for (const cell of lines.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it("JSON Lines rows carry every field, seq as a string", () => {
    expect(JSON.parse(jsonlRow(event))).toEqual({ type: "event", seq: "42", at: "2026-11-28T01:02:03.004Z", actorId: event.actorId, actorEmail: event.actorEmail, actorRoles: ["SRE", "INFOSEC"], action: "run.step.signed", outcome: "allowed", targetType: "run", targetId: event.targetId, requestId: null, details: event.details, prevHash: event.prevHash, hash: event.hash });
  });

  it("name the file after the filter, safely", () => {
    expect(exportFileName("csv", { action: "run.", actor: "a@b.example" }, new Date("2026-11-28T01:02:03Z"))).toBe("audit-2026-11-28T010203_action-run._actor-a-b.example.csv");
  });
});

describe("filter SQL", () => {
  it("always restricts an own-actions reader to their id, whatever else is asked", () => {
    const w = buildWhere({ kind: "own", actorId: "00000000-0000-4000-8000-000000000001" }, { actor: "someone@else.example", action: "run." });
    expect(w.sql.startsWith(`e."actorId" = $1::uuid AND `)).toBe(true);
    expect(w.params[0]).toBe("00000000-0000-4000-8000-000000000001");
  });

  it("takes LIKE wildcards in the filter literally and passes every value as a parameter", () => {
    expect(likeEscape("100%_\\")).toBe("100\\%\\_\\\\");
    const w = buildWhere({ kind: "all" }, { q: "50%'; DROP TABLE audit_event; --", action: "run_step." });
    expect(w.sql).not.toContain("DROP");
    // The index condition (ids joined: '-', '_' and '.' as "q") and the exact condition on the real text.
    expect(w.params).toEqual(["run\\_step.%", "%50\\%'; DROP TABLE auditqevent; qq%", "%50\\%'; DROP TABLE audit\\_event; --%"]);
    expect(buildWhere({ kind: "all" }, { q: "E-002" }, 1, { textIndex: false }).params).toEqual(["%E-002%"]);
  });

  it("narrows free text by the joined index condition without losing a match (a superset of the exact match)", () => {
    // translate() in SQL and this model of it: '-', '_' and '.' become "q"; ILIKE folds ASCII case.
    const joinedModel = (s: string) => s.replace(/[-_.]/g, "q").toLowerCase();
    const alphabet = "aAqQe-_.0 ";
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const word = (len: number) => Array.from({ length: len }, () => alphabet[rnd(alphabet.length)]).join("");
    for (let i = 0; i < 5_000; i++) {
      const text = word(12);
      const q = word(1 + rnd(4));
      if (text.toLowerCase().includes(q.toLowerCase())) expect(joinedModel(text).includes(joinedModel(q)), `${text} / ${q}`).toBe(true);
    }
  });
});

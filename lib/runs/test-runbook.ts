import { parseRunbook } from "../runbooks/loader";
import type { Runbook } from "../runbooks";

/**
 * A runbook for tests: the front matter every test runbook shares (owned by SREs, three escalation levels) and
 * `procedure`, the steps under "## Procedure" as a runbook file writes them.
 */
export function testRunbook(id: string, title: string, procedure: string): Runbook {
  return parseRunbook(
    `runbooks/${id}.md`,
    `---
id: ${id}
title: ${title}
severity: HIGH
category: core
owners: [SRE]
startRoles: [SRE]
responseTime: { minutes: 30, label: "<30 min" }
useWhen: [Tests]
escalation:
  - { level: L1, who: SRE, roles: [SRE], afterMinutes: 0 }
  - { level: L2, who: TL, roles: [ENGINEERING_TL], afterMinutes: 10 }
  - { level: L3, who: IC, roles: [INCIDENT_COMMANDER], afterMinutes: 20 }
successCriteria: [Works]
validation: { method: Unit, date: 2026-11-28, status: validated }
changelog: [{ date: 2026-11-28, author: test, change: created }]
---

## Procedure
${procedure}`,
  );
}

import { Badge } from "../ui/badge";
import type { Runbook } from "@/lib/runbooks";

const TONE = { CRITICAL: "red", HIGH: "orange", MEDIUM: "amber", LOW: "zinc" } as const;

export function SeverityBadge({ severity, note }: { severity: Runbook["severity"]; note?: string }) {
  return (
    <Badge tone={TONE[severity]}>
      {severity}
      {note ? ` · ${note}` : ""}
    </Badge>
  );
}

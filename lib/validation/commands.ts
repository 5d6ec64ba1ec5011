import { z } from "zod";
import { freeText } from "./secrets";

/** A person's decision on a command held for one (lib/control-plane/relay.ts, decideHeldCommand). */
export const decideCommandSchema = z.object({
  commandId: z.uuid({ error: "Not a command id." }),
  decision: z.enum(["retry", "abandon"], { error: "Choose retry now or abandon." }),
  reason: freeText(
    z
      .string({ error: "Give the reason for your decision (it goes in the audit log)." })
      .trim()
      .min(3, "Give the reason for your decision (at least a few words).")
      .max(2000),
  ),
});

import { describe, expect, it } from "vitest";
import type { Actor } from "../auth/roles";
import { onboardingApprovalRefusal } from "./access";

const sre = (id: string): Actor => ({ id, email: `${id}@ops.example`, name: id, roles: ["SRE"] });

describe("onboardingApprovalRefusal (set-allowlist is a critical action)", () => {
  it("refuses the SRE who requested the onboarding, naming the reason", () => {
    expect(onboardingApprovalRefusal(sre("sam"), { requestedById: "sam" })).toBe(
      "You requested this onboarding, so you cannot approve it: adding a repo to the allowlist is a critical action, and another SRE must approve it (two-person rule).",
    );
  });
  it("lets another SRE approve", () => {
    expect(onboardingApprovalRefusal(sre("jordan"), { requestedById: "sam" })).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import type { Actor, Role } from "../auth/roles";
import { canSeeOnboarding, onboardingApprovalRefusal } from "./access";

const person = (id: string, roles: Role[]): Actor => ({ id, email: `${id}@ops.example`, name: id, roles });
const sre = (id: string): Actor => person(id, ["SRE"]);
const mine = { requestedById: "rui" };

describe("canSeeOnboarding (who sees, and acts on, an onboarding)", () => {
  it("shows an SRE every onboarding, whoever requested it", () => {
    expect(canSeeOnboarding(sre("sam"), mine)).toBe(true);
    expect(canSeeOnboarding(sre("rui"), mine)).toBe(true);
  });

  it("shows a repo owner the onboarding they requested", () => {
    expect(canSeeOnboarding(person("rui", ["REPO_OWNER"]), mine)).toBe(true);
  });

  it("hides another repo owner's onboarding from a repo owner", () => {
    expect(canSeeOnboarding(person("ana", ["REPO_OWNER"]), mine)).toBe(false);
  });

  it("hides it from roles that may not request onboardings, even when the ids match", () => {
    for (const role of ["INCIDENT_COMMANDER", "INFOSEC", "AUDITOR", "BUSINESS"] as const) {
      expect(canSeeOnboarding(person("rui", [role]), mine)).toBe(false);
    }
    expect(canSeeOnboarding(person("rui", []), mine)).toBe(false);
  });

  it("hides every onboarding from no one signed in", () => {
    expect(canSeeOnboarding(null, mine)).toBe(false);
    expect(canSeeOnboarding(undefined, mine)).toBe(false);
  });
});

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

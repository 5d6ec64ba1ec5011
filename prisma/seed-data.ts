import type { Role } from "../lib/auth/roles";

/**
 * One person per role, a second SRE (so the two-person rule can be exercised on the embedded default) and a second
 * InfoSec (so a privileged grant can be approved by a second administrator).
 */
export const SEED_PEOPLE: { email: string; name: string; roles: Role[] }[] = [
  { email: "sam.rivera@ops.example", name: "Sam Rivera", roles: ["SRE"] },
  { email: "jordan.lee@ops.example", name: "Jordan Lee", roles: ["SRE"] },
  { email: "ines.carter@ops.example", name: "Ines Carter", roles: ["INCIDENT_COMMANDER"] },
  { email: "omar.haddad@ops.example", name: "Omar Haddad", roles: ["INFOSEC"] },
  { email: "mei.tanaka@ops.example", name: "Mei Tanaka", roles: ["INFOSEC"] },
  { email: "priya.natarajan@ops.example", name: "Priya Natarajan", roles: ["ENGINEERING_TL"] },
  { email: "ben.ortiz@ops.example", name: "Ben Ortiz", roles: ["BUSINESS"] },
  { email: "lena.fischer@ops.example", name: "Lena Fischer", roles: ["PRODUCT"] },
  { email: "rui.costa@ops.example", name: "Rui Costa", roles: ["REPO_OWNER"] },
  { email: "ada.mensah@ops.example", name: "Ada Mensah", roles: ["AUDITOR"] },
];

export const PILOT_REPO = "compliance-service";

/** The pilot repo and the nine Phase 6 repos. */
export const SEED_REPOS: { name: string; phase: "PILOT" | "PHASE_6"; owner: string }[] = [
  { name: PILOT_REPO, phase: "PILOT", owner: "rui.costa@ops.example" },
  { name: "billing-api", phase: "PHASE_6", owner: "rui.costa@ops.example" },
  { name: "checkout-web", phase: "PHASE_6", owner: "rui.costa@ops.example" },
  { name: "identity-service", phase: "PHASE_6", owner: "priya.natarajan@ops.example" },
  { name: "notification-hub", phase: "PHASE_6", owner: "priya.natarajan@ops.example" },
  { name: "search-indexer", phase: "PHASE_6", owner: "priya.natarajan@ops.example" },
  { name: "inventory-service", phase: "PHASE_6", owner: "lena.fischer@ops.example" },
  { name: "reporting-etl", phase: "PHASE_6", owner: "ben.ortiz@ops.example" },
  { name: "mobile-gateway", phase: "PHASE_6", owner: "lena.fischer@ops.example" },
  { name: "docs-portal", phase: "PHASE_6", owner: "lena.fischer@ops.example" },
];

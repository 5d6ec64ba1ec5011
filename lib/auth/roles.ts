/** The portal's roles. The values match the `Role` enum in prisma/schema.prisma (a unit test checks this). */
export const ROLES = [
  "SRE",
  "INCIDENT_COMMANDER",
  "INFOSEC",
  "ENGINEERING_TL",
  "BUSINESS",
  "PRODUCT",
  "REPO_OWNER",
  "AUDITOR",
] as const;

export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  SRE: "SRE",
  INCIDENT_COMMANDER: "Incident commander",
  INFOSEC: "InfoSec",
  ENGINEERING_TL: "Engineering TL",
  BUSINESS: "Business",
  PRODUCT: "Product",
  REPO_OWNER: "Repo owner",
  AUDITOR: "Auditor",
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** The person acting: loaded from the database on every request, never taken from a form or a token alone. */
export type Actor = {
  id: string;
  email: string;
  name: string;
  roles: Role[];
};

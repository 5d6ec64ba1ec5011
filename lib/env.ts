import { z } from "zod";
import { parseRoleMap } from "./auth/role-map";

/** A whole number ≥ 1, or its default when unset or empty. */
const positiveInt = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) {
        ctx.addIssue({ code: "custom", message: `must be a whole number of at least 1, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

/** Passwordless sign-in: off, on (embedded database only) or forced on any database (with a banner). */
const devSignIn = z
  .enum(["true", "false", "1", "0", "force", ""], { message: 'must be "true", "false" or "force"' })
  .optional()
  .transform((v): "off" | "on" | "force" => (v === "force" ? "force" : v === "true" || v === "1" ? "on" : "off"));

const schema = z.object({
  DATABASE_URL: z.string().url().optional(),
  PORTAL_DEV_SIGN_IN: devSignIn,
  /** Set by `npm start` to the DATABASE_URL of the embedded PostgreSQL it started; nobody else sets it. */
  PORTAL_EMBEDDED_DATABASE: z.string().optional(),
  AUTH_SECRET: z.string().min(16).optional(),
  AUTH_OIDC_ISSUER: z.string().url().optional(),
  AUTH_OIDC_CLIENT_ID: z.string().optional(),
  AUTH_OIDC_CLIENT_SECRET: z.string().optional(),
  AUTH_OIDC_NAME: z.string().optional().transform((v) => v?.trim() || "single sign-on"),
  /** Scopes asked of the provider; "openid" is required. */
  AUTH_OIDC_SCOPES: z
    .string()
    .optional()
    .transform((v) => v?.trim().split(/\s+/).join(" ") || "openid email profile")
    .refine((v) => v.split(" ").includes("openid"), { message: 'must include "openid"' }),
  /** The claim that carries the person's groups (a dotted path reaches into nested claims). */
  AUTH_OIDC_ROLES_CLAIM: z.string().optional().transform((v) => v?.trim() || "groups"),
  /** group=ROLE entries (lib/auth/role-map.ts). */
  AUTH_OIDC_ROLE_MAP: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const parsed = parseRoleMap(v);
      if (parsed.ok) return parsed.map;
      for (const message of parsed.errors) ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }),
  /** Treat every email the provider sends as verified (for providers that never send email_verified). */
  AUTH_OIDC_TRUST_EMAIL: z
    .enum(["true", "false", ""])
    .optional()
    .transform((v) => v === "true"),
  /** Whom a refused person should ask for access, shown on the sign-in page. */
  PORTAL_ACCESS_CONTACT: z.string().optional().transform((v) => v?.trim() || "the portal's administrators (InfoSec)"),
  /** Minutes without activity after which a session ends. */
  AUTH_SESSION_IDLE_MINUTES: positiveInt(480),
  /** Hours after sign-in after which a session ends, however active. */
  AUTH_SESSION_MAX_HOURS: positiveInt(12),
  AUDIT_HMAC_KEY: z.string().min(16).optional(),
  /** Bearer token Prometheus sends to /metrics (docs/operations.md). */
  PORTAL_METRICS_TOKEN: z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined)
    .refine((v) => v === undefined || v.length >= 16, { message: "must be at least 16 characters" }),
  /** On SIGTERM, the longest the portal waits for requests and deliveries in flight before it exits, in ms. */
  PORTAL_SHUTDOWN_TIMEOUT_MS: positiveInt(8_000),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).optional(),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

/** Parses a set of environment variables; throws naming every variable that is wrong. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${problems}`);
  }
  return parsed.data;
}

/** Environment variables, parsed once. Unset values keep their documented defaults (README, "Configuration"). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export function oidcConfigured(e: Env = env()): boolean {
  return Boolean(e.AUTH_OIDC_ISSUER && e.AUTH_OIDC_CLIENT_ID && e.AUTH_OIDC_CLIENT_SECRET);
}

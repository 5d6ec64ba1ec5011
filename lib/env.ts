import path from "node:path";
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

/** A whole number ≥ 0, or its default when unset or empty. */
const nonNegativeInt = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) {
        ctx.addIssue({ code: "custom", message: `must be a whole number of at least 0, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

/** A loop that runs unless set to "off" (README, "Configuration"). */
const onUnlessOff = z
  .enum(["on", "off", ""], { message: 'must be "on" or "off"' })
  .optional()
  .transform((v) => v !== "off");

/** How often the relay looks for commands to deliver, unless PORTAL_RELAY_INTERVAL_MS says otherwise. */
export const DEFAULT_RELAY_INTERVAL_MS = 500;

/** Passwordless sign-in: off, on (embedded database only) or forced on any database (with a banner). */
const devSignIn = z
  .enum(["true", "false", "1", "0", "force", ""], { message: 'must be "true", "false" or "force"' })
  .optional()
  .transform((v): "off" | "on" | "force" => (v === "force" ? "force" : v === "true" || v === "1" ? "on" : "off"));

/** A PostgreSQL connection string (postgresql:// or postgres://). */
const postgresUrl = z
  .string()
  .url({ message: "must be a URL such as postgresql://user:password@host:5432/portal" })
  .refine((v) => !URL.canParse(v) || /^postgres(ql)?:$/.test(new URL(v).protocol), { message: "must start with postgresql:// (or postgres://)" })
  .refine((v) => !URL.canParse(v) || new URL(v).username !== "", { message: "must name the role to log in as (postgresql://ROLE:password@host/db)" });

/** The embedded PostgreSQL's data directory (scripts/lib/database.ts); the anchor file must live outside it. */
const EMBEDDED_PG_DIR = path.resolve(/*turbopackIgnore: true*/ ".data", "postgres");
export const DEFAULT_ANCHOR_FILE = path.resolve(/*turbopackIgnore: true*/ ".data", "audit-anchors.jsonl");

const anchorFile = z
  .string()
  .optional()
  // A path chosen at run time, not a file of the build: nothing for the bundler to trace.
  .transform((v) => path.resolve(/*turbopackIgnore: true*/ v?.trim() || DEFAULT_ANCHOR_FILE))
  .refine((f) => f !== EMBEDDED_PG_DIR && !f.startsWith(EMBEDDED_PG_DIR + path.sep), {
    message: "must be outside the PostgreSQL data directory (.data/postgres): whoever can rewrite the database's files must not reach the anchor with them",
  });

const webhookUrl = z
  .string()
  .optional()
  .transform((v) => v?.trim() || undefined)
  .refine((v) => v === undefined || (URL.canParse(v) && /^https?:$/.test(new URL(v).protocol)), { message: "must be an http:// or https:// URL" });

const anchorSchema = z.object({
  /** Append-only JSON-lines file that every signed chain head is also written to (lib/audit/anchor.ts). */
  AUDIT_ANCHOR_FILE: anchorFile,
  /** Optional webhook that every signed chain head is POSTed to. */
  AUDIT_ANCHOR_WEBHOOK_URL: webhookUrl,
  AUDIT_ANCHOR_WEBHOOK_TIMEOUT_MS: positiveInt(5_000),
});

/** The replica's background loops (instrumentation.ts); each is turned off on its own. */
const loopsSchema = z.object({
  /** `off`: this replica delivers no control-plane commands (another replica's relay takes the lock). */
  PORTAL_RELAY: onUnlessOff,
  /** `off`: this replica runs no periodic jobs (escalation, overdue steps, notifications, detector). */
  PORTAL_JOBS: onUnlessOff,
  /** `off`: this replica signs no audit-chain heads. */
  PORTAL_AUDIT_HEADS: onUnlessOff,
  PORTAL_RELAY_INTERVAL_MS: positiveInt(DEFAULT_RELAY_INTERVAL_MS),
  PORTAL_JOBS_INTERVAL_MS: positiveInt(10_000),
  PORTAL_AUDIT_HEAD_INTERVAL_MS: positiveInt(15 * 60_000),
  /** A current step waiting longer than this escalates its run once, by itself. */
  PORTAL_AUTO_ESCALATE_MINUTES: positiveInt(15),
  PORTAL_NOTIFY_WEBHOOK_URL: webhookUrl,
  /** The control plane (lib/control-plane/config.ts validates it in full); without it no relay runs. */
  CONTROL_PLANE_URL: z.string().optional().transform((v) => v?.trim() || undefined),
});

/** Variables read where they are used, at call time (tests and scripts change them per process); validated here at start. */
const callTimeSchema = z.object({
  CONTROL_PLANE_TOKEN: z.string().optional(),
  CONTROL_PLANE_TIMEOUT_MS: positiveInt(5_000),
  CONTROL_PLANE_MAX_RETRY_AFTER_SECONDS: positiveInt(300),
  SIMULATOR_URL: webhookUrl,
  ALERTMANAGER_WEBHOOK_TOKEN: z.string().optional(),
  PORTAL_URL: webhookUrl,
  PORTAL_TRUSTED_PROXY_HOPS: nonNegativeInt(0),
  AUDIT_VERIFY_PARALLEL_MIN_EVENTS: nonNegativeInt(100_000),
  RUNBOOKS_DIR: z.string().optional(),
  /** The emergency contacts and quick links file (lib/contacts/load.ts re-reads it when it changes). */
  PORTAL_CONTACTS_FILE: z.string().optional(),
});

const schema = z.object({
  /** The application role the portal serves as (docs/deploy.md, "Database roles"). */
  DATABASE_URL: postgresUrl.optional(),
  /**
   * The owner role, for migrations only. The portal server never needs it (config-check warns when it has it); the
   * launcher and `npm run db:migrate` read it.
   */
  DATABASE_OWNER_URL: postgresUrl.optional(),
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
  ...anchorSchema.shape,
  ...loopsSchema.shape,
  ...callTimeSchema.shape,
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).optional(),
}).superRefine((e, ctx) => {
  if (e.DATABASE_OWNER_URL && !e.DATABASE_URL) {
    ctx.addIssue({ code: "custom", path: ["DATABASE_OWNER_URL"], message: "is set but DATABASE_URL is not: set both (the owner for migrations, the application role for the portal), or neither for the embedded database" });
  }
  if (e.DATABASE_OWNER_URL && e.DATABASE_URL && URL.canParse(e.DATABASE_OWNER_URL) && URL.canParse(e.DATABASE_URL) && new URL(e.DATABASE_OWNER_URL).username === new URL(e.DATABASE_URL).username) {
    ctx.addIssue({ code: "custom", path: ["DATABASE_OWNER_URL"], message: 'logs in as the same role as DATABASE_URL: the portal would own the audit log and could rewrite it. Give each its own role (docs/deploy.md, "Database roles")' });
  }
});

export type Env = z.infer<typeof schema>;

/**
 * Variables the launcher (`npm start`, scripts/launch.ts), Next.js, Auth.js or the simulator read, not the portal's
 * own code: documented in the README's configuration table beside the ones `schema` validates.
 */
export const LAUNCHER_VARIABLES = ["PORT", "HOSTNAME", "AUTH_URL", "SIMULATOR_PORT", "SIMULATOR_SEED", "SIMULATOR_SPEED", "SIMULATOR_PHASE", "SIMULATOR_START_AT"] as const;

/** Every variable the portal validates at start (README, "Configuration", documents each). */
export const VALIDATED_VARIABLES: readonly string[] = Object.keys(schema.shape);

let cached: Env | undefined;

function parseWith<T>(s: z.ZodType<T>, source: Record<string, string | undefined>): T {
  const parsed = s.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${problems}`);
  }
  return parsed.data;
}

/** Parses a set of environment variables; throws naming every variable that is wrong. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  return parseWith(schema, source);
}

export type AnchorSettings = z.infer<typeof anchorSchema>;

/**
 * Where signed chain heads are anchored, read afresh on every call (not cached with env()), so a process that
 * points at another database (a test file, a script) points its anchor elsewhere too.
 */
export function anchorSettings(source: Record<string, string | undefined> = process.env): AnchorSettings {
  return parseWith(anchorSchema, source);
}

/** Environment variables, parsed once. Unset values keep their documented defaults (README, "Configuration"). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export type Loops = { jobs: boolean; headSigner: boolean; relay: boolean };

/**
 * Which background loops this replica starts. Each has its own switch: PORTAL_JOBS=off stops only the periodic
 * jobs, never the relay or the head signer. Without a database none runs; the head signer needs AUDIT_HMAC_KEY and
 * the relay CONTROL_PLANE_URL.
 */
export function loopsToStart(e: Env = env()): Loops {
  const database = Boolean(e.DATABASE_URL);
  return {
    jobs: database && e.PORTAL_JOBS,
    headSigner: database && Boolean(e.AUDIT_HMAC_KEY) && e.PORTAL_AUDIT_HEADS,
    relay: database && Boolean(e.CONTROL_PLANE_URL) && e.PORTAL_RELAY,
  };
}

export function oidcConfigured(e: Env = env()): boolean {
  return Boolean(e.AUTH_OIDC_ISSUER && e.AUTH_OIDC_CLIENT_ID && e.AUTH_OIDC_CLIENT_SECRET);
}

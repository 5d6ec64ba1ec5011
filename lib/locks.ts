/**
 * Every PostgreSQL advisory lock the portal takes, in one place. Fixed ids are single bigint keys; keyed locks hash
 * a prefixed text with `hashtext` (a 32-bit key in the same space, so the prefix keeps their texts apart). A new
 * lock gets its id here, and lib/locks.test.ts checks the ids stay distinct and that the SQL that names an id
 * itself (the audit_append function in its migration) uses the one written here.
 */
export const LOCK_IDS = {
  /** Transaction-scoped, taken by the audit_append function (SQL): the chain never forks. */
  auditChain: 7_231_001,
  /** Session lock of the one relay that delivers control-plane commands (lib/control-plane/relay.ts). */
  relay: 7_231_002,
  /** Session lock of the periodic jobs' leader (lib/jobs/background.ts). */
  jobs: 7_231_003,
  /** Session lock of the signed-head recorder (lib/audit/head-signer.ts). */
  headSigner: 7_231_004,
  /** Transaction-scoped, held for a whole-chain verification (lib/audit/verify-once.ts). */
  verifyChain: 7_231_005,
} as const;

/** Prefixes of the keyed, transaction-scoped locks (`pg_advisory_xact_lock(hashtext(prefix || key))`). */
export const KEYED_LOCKS = {
  /** One onboarding request per repository at a time (lib/onboarding/actions.ts). */
  onboardingRepo: "onboarding-repo:",
  /** Notifications of one Alertmanager group, one at a time (lib/incidents/alertmanager.ts); the bare group key. */
  alertGroup: "",
} as const;

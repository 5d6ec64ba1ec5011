import next from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...next,
  ...nextTs,
  {
    ignores: [".next*/**", "node_modules/**", "lib/generated/**", ".data/**", "test-results*/**", "playwright-report/**", "e2e/.auth*/**", "next-env.d.ts"],
  },
  {
    files: ["lib/**/*.ts"],
    ignores: ["lib/**/*.test.ts", "lib/next/**"],
    rules: {
      // lib/ is framework-free domain logic (house style): no next/* imports, so unit tests import it directly.
      "no-restricted-imports": ["error", { patterns: [{ group: ["next", "next/*"], message: "lib/ stays framework-free; put Next-specific bindings in lib/next/." }] }],
    },
  },
];

export default config;

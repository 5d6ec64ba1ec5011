/**
 * A real OpenID provider for the browser tests: oidc-provider 9 (a certified implementation) on 127.0.0.1 over
 * HTTPS, with a self-signed certificate made here by openssl. Its development login form takes any login name
 * (one of `accounts`) and any password. Like every conformant provider it puts email and groups only in the
 * userinfo answer; this one even leaves them out of the ID token explicitly, so a portal that reads only the
 * ID token cannot pass.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import Provider from "oidc-provider";

export type TestAccount = { email?: string; email_verified?: boolean; name?: string; groups?: string[] };

export type TestProvider = {
  issuer: string;
  /** The certificate the portal must trust (NODE_EXTRA_CA_CERTS). */
  certPath: string;
  /** The query of every authorization request the provider received. */
  authorizationRequests: URLSearchParams[];
  stop: () => Promise<void>;
};

export async function startOidcProvider(opts: {
  port: number;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  accounts: Record<string, TestAccount>;
}): Promise<TestProvider> {
  const dir = mkdtempSync(path.join(tmpdir(), "portal-oidc-"));
  const keyPath = path.join(dir, "key.pem");
  const certPath = path.join(dir, "cert.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyPath, "-out", certPath, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });

  const issuer = `https://127.0.0.1:${opts.port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: opts.clientId, client_secret: opts.clientSecret, redirect_uris: [opts.redirectUri], response_types: ["code"], grant_types: ["authorization_code"] }],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    scopes: ["openid", "email", "profile", "groups"],
    cookies: { keys: ["portal-browser-tests"] },
    features: { devInteractions: { enabled: true } },
    // Refuses an authorization request without PKCE, so the portal must send it.
    pkce: { required: () => true },
    async findAccount(_ctx: unknown, id: string) {
      const account = opts.accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: (use: "id_token" | "userinfo") => (use === "userinfo" ? { sub: id, ...account } : { sub: id }) };
    },
  });
  const authorizationRequests: URLSearchParams[] = [];
  provider.use(async (ctx, next) => {
    if (ctx.path === "/auth" && ctx.method === "GET") authorizationRequests.push(new URLSearchParams(ctx.querystring));
    await next();
  });

  const server = https.createServer({ key: readFileSync(keyPath), cert: readFileSync(certPath) }, provider.callback());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, "127.0.0.1", resolve);
  });
  return {
    issuer,
    certPath,
    authorizationRequests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

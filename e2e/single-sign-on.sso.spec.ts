/**
 * Issue 13: a portal started with AUTH_OIDC_*, AUTH_OIDC_ROLES_CLAIM, AUTH_OIDC_ROLE_MAP and PORTAL_DEV_SIGN_IN=false
 * against a real OpenID provider (oidc-provider over HTTPS on loopback, e2e/sso/oidc-provider.ts) that hands out
 * email and groups only from userinfo.
 */
import { expect, test, type Browser, type BrowserContext } from "@playwright/test";
import pg from "pg";
import { freePort } from "../scripts/lib/ports";
import { startOidcProvider, type TestProvider } from "./sso/oidc-provider";
import { startPortal, type TestPortal } from "./sso/portal";

const ROLE_MAP = "ops-sre=SRE,ops-ic=INCIDENT_COMMANDER,sec=INFOSEC";
const CONTACT = "#ops-access in chat";
const ACCOUNTS = {
  // A stranger to the portal whose group maps to SRE.
  nia: { email: "nia.obi@corp.example", email_verified: true, name: "Nia Obi", groups: ["ops-sre", "all-staff"] },
  // A person the portal knows (seeded, SRE granted here), in no mapped group.
  sam: { email: "sam.rivera@ops.example", email_verified: true, name: "Sam Rivera", groups: ["all-staff"] },
  // A stranger whose groups map to nothing.
  eve: { email: "eve.stone@corp.example", email_verified: true, name: "Eve Stone", groups: ["marketing"] },
  // Claims the email of a person the portal knows, unverified.
  ines: { email: "ines.carter@ops.example", email_verified: false, name: "Ines Carter", groups: ["ops-ic"] },
  // The two seeded InfoSec administrators (InfoSec granted in the portal), in no mapped group.
  omar: { email: "omar.haddad@ops.example", email_verified: true, name: "Omar Haddad", groups: ["all-staff"] },
  mei: { email: "mei.tanaka@ops.example", email_verified: true, name: "Mei Tanaka", groups: ["all-staff"] },
};

let provider: TestProvider;
let portal: TestPortal;

test.beforeAll(async () => {
  test.setTimeout(60_000);
  const [providerPort, portalPort] = [await freePort(), await freePort()];
  provider = await startOidcProvider({
    port: providerPort,
    clientId: "ops-portal",
    clientSecret: "a-client-secret-for-the-browser-tests",
    redirectUri: `http://127.0.0.1:${portalPort}/api/auth/callback/oidc`,
    accounts: ACCOUNTS,
  });
  portal = await startPortal(portalPort, {
    NODE_EXTRA_CA_CERTS: provider.certPath,
    AUTH_OIDC_ISSUER: provider.issuer,
    AUTH_OIDC_CLIENT_ID: "ops-portal",
    AUTH_OIDC_CLIENT_SECRET: "a-client-secret-for-the-browser-tests",
    AUTH_OIDC_NAME: "Corp SSO",
    AUTH_OIDC_SCOPES: "openid email profile groups",
    AUTH_OIDC_ROLES_CLAIM: "groups",
    AUTH_OIDC_ROLE_MAP: ROLE_MAP,
    PORTAL_ACCESS_CONTACT: CONTACT,
  });
});

test.afterAll(async () => {
  await portal?.stop();
  await provider?.stop();
});

/** A fresh browser (no provider session) that goes through the provider's login form as `login`. */
async function signInWithSso(browser: Browser, login: keyof typeof ACCOUNTS): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: portal.url, ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto("/signin");
  await expect(page.getByRole("button", { name: /Sign in as/ })).toHaveCount(0);
  await page.getByRole("button", { name: /^Sign in with/ }).click();
  await page.locator("input[name=login]").fill(login);
  await page.locator("input[name=password]").fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL((url) => url.origin === portal.url);
  return context;
}

async function sql(text: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: portal.databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

test("a stranger whose group maps to SRE is created at first sign-in, with that role, as an audit event", async ({ browser }) => {
  const context = await signInWithSso(browser, "nia");
  const page = context.pages()[0];
  await expect(page).toHaveURL(`${portal.url}/`);
  await expect(page.getByTestId("signed-in-name")).toHaveText("Nia Obi");
  const me = await (await context.request.get("/api/me")).json();
  expect(me).toMatchObject({ email: "nia.obi@corp.example", roles: ["SRE"] });
  expect(me.permissions).toContain("run.start");
  const [person] = await sql(`SELECT "idpRoles", roles, "oidcIssuer", "oidcSubject" FROM person WHERE email = $1`, ["nia.obi@corp.example"]);
  expect(person).toEqual({ idpRoles: "{SRE}", roles: "{}", oidcIssuer: provider.issuer, oidcSubject: "nia" });
  const events = await sql(`SELECT action, details FROM audit_event WHERE "targetId" = (SELECT id::text FROM person WHERE email = $1)`, ["nia.obi@corp.example"]);
  expect(events).toEqual([{ action: "person.create", details: expect.objectContaining({ source: "identity provider (just in time)", idpRoles: ["SRE"], mappedGroups: ["ops-sre"] }) }]);
  await context.close();
});

test("the portal asks with PKCE, state and nonce, and for the configured scopes", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: portal.url, ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with Corp SSO" }).click();
  await expect(page.locator("input[name=login]")).toBeVisible();
  const request = provider.authorizationRequests.at(-1)!;
  expect(request.get("scope")).toBe("openid email profile groups");
  expect(request.get("code_challenge_method")).toBe("S256");
  expect(request.get("code_challenge")).toMatch(/^[\w-]{43}$/);
  expect(request.get("state")).toBeTruthy();
  expect(request.get("nonce")).toBeTruthy();
  await context.close();
});

test("a known person whose email comes only from userinfo signs in, and is bound to the identity", async ({ browser }) => {
  const context = await signInWithSso(browser, "sam");
  const page = context.pages()[0];
  await expect(page.getByTestId("signed-in-name")).toHaveText("Sam Rivera");
  expect(await (await context.request.get("/api/me")).json()).toMatchObject({ email: "sam.rivera@ops.example", roles: ["SRE"] });
  expect(await sql(`SELECT "oidcSubject" FROM person WHERE email = $1`, ["sam.rivera@ops.example"])).toEqual([{ oidcSubject: "sam" }]);
  await context.close();
});

test("a stranger with an unmapped group is refused, told why and whom to ask, and the log says why", async ({ browser }) => {
  const context = await signInWithSso(browser, "eve");
  const page = context.pages()[0];
  await expect(page).toHaveURL(/\/signin\?error=oidc-no-role/);
  const alert = page.getByRole("alert").filter({ hasText: "none of your groups gives access to the portal" });
  await expect(alert).toContainText(`Ask ${CONTACT} for access`);
  expect((await context.request.get("/api/me")).status()).toBe(401);
  expect(await sql(`SELECT 1 FROM person WHERE email = $1`, ["eve.stone@corp.example"])).toEqual([]);
  const refusal = portal.logs().split("\n").find((l) => l.includes('"auth.signin.refused"') && l.includes("eve.stone@corp.example"));
  expect(refusal).toContain('"reason":"oidc-no-role"');
  expect(refusal).toContain("groups sent: marketing");
  await context.close();
});

test("an unverified email is refused at first link, and nothing is bound", async ({ browser }) => {
  const context = await signInWithSso(browser, "ines");
  const page = context.pages()[0];
  await expect(page).toHaveURL(/\/signin\?error=oidc-email-unverified/);
  await expect(page.getByRole("alert").filter({ hasText: "does not confirm that your email address is verified" })).toContainText(CONTACT);
  expect(await sql(`SELECT "oidcSubject", "idpRoles" FROM person WHERE email = $1`, ["ines.carter@ops.example"])).toEqual([{ oidcSubject: null, idpRoles: "{}" }]);
  await context.close();
});

test("after sign-out, the old session cookie gets 401", async ({ browser }) => {
  const context = await signInWithSso(browser, "nia");
  const saved = await context.storageState();
  const page = context.pages()[0];
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/signin/);
  const replay = await browser.newContext({ baseURL: portal.url, storageState: saved });
  const me = await replay.request.get("/api/me");
  expect(me.status()).toBe(401);
  expect(await me.json()).toEqual({ reason: "revoked" });
  await replay.close();
  await context.close();
});

test("the two-person grant of Auditor: one InfoSec administrator asks, a second approves, the grantee's session ends", async ({ browser }) => {
  // Three people through the provider's login form: 42 s of 60 on a saturated machine.
  test.setTimeout(120_000);
  const nia = await signInWithSso(browser, "nia");
  expect((await (await nia.request.get("/api/me")).json()).roles).toEqual(["SRE"]);

  const omar = await signInWithSso(browser, "omar");
  const omarPage = omar.pages()[0];
  await omarPage.goto("/access");
  const row = omarPage.locator('[data-testid="access-person"][data-email="nia.obi@corp.example"]');
  await expect(row.locator('[data-testid="access-role"][data-role="SRE"]')).toContainText("identity provider");
  await row.getByLabel("Role to grant to Nia Obi").selectOption("AUDITOR");
  await row.getByRole("button", { name: "Grant the chosen role to Nia Obi" }).click();
  await expect(row.getByRole("status")).toContainText("Requested Auditor for Nia Obi");
  // Only a request: Nia's session and roles are as they were.
  expect((await (await nia.request.get("/api/me")).json()).roles).toEqual(["SRE"]);

  const mei = await signInWithSso(browser, "mei");
  const meiPage = mei.pages()[0];
  await meiPage.goto("/access");
  await meiPage.getByTestId("pending-grant").filter({ hasText: "Auditor for Nia Obi" }).getByRole("button", { name: "Approve: Auditor for Nia Obi" }).click();
  await expect(meiPage.locator('[data-testid="access-person"][data-email="nia.obi@corp.example"] [data-testid="access-role"][data-role="AUDITOR"]')).toContainText("granted here");

  // The role change ends Nia's open session; signed in again, she holds both roles.
  const ended = await nia.request.get("/api/me");
  expect(ended.status()).toBe(401);
  expect(await ended.json()).toEqual({ reason: "revoked" });
  const again = await signInWithSso(browser, "nia");
  expect((await (await again.request.get("/api/me")).json()).roles).toEqual(["SRE", "AUDITOR"]);
  for (const c of [nia, omar, mei, again]) await c.close();
});

test("disabling a person through the access page ends their open session, and they cannot sign in again", async ({ browser }) => {
  test.setTimeout(120_000);
  const nia = await signInWithSso(browser, "nia");
  expect((await nia.request.get("/api/me")).status()).toBe(200);

  const omar = await signInWithSso(browser, "omar");
  const page = omar.pages()[0];
  await page.goto("/access");
  const row = page.locator('[data-testid="access-person"][data-email="nia.obi@corp.example"]');
  await row.getByRole("button", { name: "Disable Nia Obi" }).click();
  await expect(row).toContainText("Disabled");
  await expect(row.getByRole("button", { name: "Enable Nia Obi" })).toBeVisible();

  const me = await nia.request.get("/api/me");
  expect(me.status()).toBe(401);
  expect(await me.json()).toEqual({ reason: "disabled" });
  const niaPage = nia.pages()[0];
  await niaPage.goto("/runbooks");
  await expect(niaPage).toHaveURL(/\/signin\?error=disabled/);

  const refused = await signInWithSso(browser, "nia");
  await expect(refused.pages()[0]).toHaveURL(/\/signin\?error=oidc-disabled/);
  const [event] = await sql(`SELECT "actorEmail", details FROM audit_event WHERE action = 'access.person.disabled' ORDER BY seq DESC LIMIT 1`);
  expect(event).toMatchObject({ actorEmail: "omar.haddad@ops.example", details: { before: { disabled: false }, after: { disabled: true } } });
  for (const c of [nia, omar, refused]) await c.close();
});

/** The payload of a JWT, unverified: only for an ID token that Auth.js (oauth4webapi) has already validated. */
function jwtPayload(token: string): Record<string, unknown> {
  const part = token.split(".")[1];
  if (!part) throw new Error("The ID token is not a JWT.");
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
}

/**
 * One set of claims from the validated ID token and the userinfo answer. Conformant providers put email, groups
 * and the like only in userinfo when an access token is issued (OIDC Core 5.4), others only in the ID token: both
 * are read, userinfo winning. Issuer and subject always come from the ID token; a userinfo answer about another
 * subject is refused (OIDC Core 5.3.2).
 */
export function mergeOidcClaims(idToken: string | undefined, userinfo: Record<string, unknown> | null | undefined): Record<string, unknown> {
  if (!idToken) throw new Error("The provider returned no ID token.");
  const fromIdToken = jwtPayload(idToken);
  const fromUserinfo = userinfo ?? {};
  if (fromUserinfo.sub !== undefined && fromUserinfo.sub !== fromIdToken.sub) {
    throw new Error(`The userinfo answer names subject ${String(fromUserinfo.sub)}, the ID token ${String(fromIdToken.sub)}.`);
  }
  return { ...fromIdToken, ...fromUserinfo, iss: fromIdToken.iss, sub: fromIdToken.sub };
}

import { paths } from "./paths";

/** Characters a browser reads as "/" ("\") or drops from a URL (tabs, newlines, other controls). */
const UNSAFE = /[\\\u0000-\u001f\u007f]/;
const PLACEHOLDER_ORIGIN = "http://portal.invalid";

/**
 * A redirect target taken from a request (e.g. `callbackUrl`), if it is a path on this portal; otherwise home.
 * Only a path that starts with one "/" is followed: browsers read "/\evil.example", "/\t/evil.example" and, behind
 * a proxy that decodes, "/%5Cevil.example" or "/%2F/evil.example" as "//evil.example", another host. So
 * backslashes and control characters are refused, raw and percent-decoded, and resolving the path against an
 * origin must leave that origin unchanged. The target is returned as given, never re-serialised.
 */
export function safeRedirectPath(target: string | null | undefined): string {
  const home = paths.home();
  if (typeof target !== "string" || !target.startsWith("/") || target.startsWith("//") || UNSAFE.test(target)) return home;
  const path = target.split(/[?#]/, 1)[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return home;
  }
  if (decoded.startsWith("//") || UNSAFE.test(decoded)) return home;
  try {
    if (new URL(target, PLACEHOLDER_ORIGIN).origin !== PLACEHOLDER_ORIGIN) return home;
  } catch {
    return home;
  }
  return target;
}

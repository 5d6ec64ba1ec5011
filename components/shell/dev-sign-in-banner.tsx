/** On every page while passwordless sign-in is forced on a database other than the embedded one. */
export function DevSignInBanner() {
  return (
    <div role="note" data-testid="dev-sign-in-banner" className="bg-red-700 px-4 py-2 text-center text-sm font-medium text-white">
      Passwordless sign-in is on (PORTAL_DEV_SIGN_IN=force) on a database that is not the embedded one: anyone who can reach this
      portal can sign in as any person. Never run a real deployment like this.
    </div>
  );
}

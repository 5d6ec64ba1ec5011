import { Link } from "@/components/ui/link";
import type { ReactNode } from "react";
import { NavLinks } from "./nav-links";
import { ThemeToggle } from "./theme-toggle";
import { UserMenu } from "./user-menu";
import { ControlPlaneBanner } from "./control-plane-banner";
import { DevSignInBanner } from "./dev-sign-in-banner";

/**
 * The portal's frame. It holds nothing per-person on the server, so pages inside it can be prerendered;
 * the person's name and roles load on the client.
 */
export function AppShell({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col">
      <DevSignInBanner />
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <header className="sticky top-0 z-40 border-b border-zinc-200 bg-white/90 backdrop-blur dark:border-zinc-800 dark:bg-zinc-900/90">
        <div className="mx-auto flex h-14 max-w-7xl items-center gap-2 px-4 md:gap-6">
          <Link href="/" className="flex min-h-11 min-w-11 items-center gap-2 font-semibold tracking-tight">
            <span aria-hidden="true" className="grid h-6 w-6 place-items-center rounded bg-indigo-600 text-xs text-white">
              OP
            </span>
            <span className="max-sm:sr-only">Ops Portal</span>
          </Link>
          <NavLinks />
          <div className="ml-auto flex min-w-0 items-center gap-1 sm:gap-2">
            <ThemeToggle />
            <UserMenu />
          </div>
        </div>
      </header>
      <ControlPlaneBanner />
      <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-4 py-6">
        {children}
      </main>
    </div>
  );
}

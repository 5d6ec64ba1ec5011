import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { THEME_SCRIPT } from "@/lib/http/theme-script";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Ops Portal", template: "%s · Ops Portal" },
  description: "Runbooks, runs, live panels and audit for the Multi-LLM Orchestrator",
};

/**
 * Nothing here is per request, so pages that need nothing per person can be prerendered (the runbook index). The
 * theme script is allowed by its hash (proxy.ts). Whether passwordless sign-in is forced is a runtime setting, so its
 * banner is not here: the sign-in page renders it, and the app shell asks the server (/api/me).
 */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-zinc-50 font-sans text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}

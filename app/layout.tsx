import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { DevSignInBanner } from "@/components/shell/dev-sign-in-banner";
import { devSignInOrOff } from "@/lib/auth/dev-sign-in";
import { env } from "@/lib/env";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Ops Portal", template: "%s · Ops Portal" },
  description: "Runbooks, runs, live panels and audit for the Multi-LLM Orchestrator",
};

// Applies the saved (or system) theme before first paint, so dark mode never flashes white.
const themeScript = `(function(){try{var t=localStorage.getItem("theme");var d=t?t==="dark":matchMedia("(prefers-color-scheme: dark)").matches;document.documentElement.classList.toggle("dark",d)}catch(e){}})()`;

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The page's CSP allows inline scripts only with this response's nonce (proxy.ts).
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="min-h-screen bg-zinc-50 font-sans text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        {devSignInOrOff(env()).forced && <DevSignInBanner />}
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}

"use client";

import { useActionState } from "react";
import { signInAsSeededPerson, type SignInState } from "@/lib/next/actions/auth";

export function SeededPeopleList({ people, callbackUrl }: { people: { email: string; name: string; roles: string[] }[]; callbackUrl: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAsSeededPerson, {});
  return (
    <>
      {state.error && (
        <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-300">
          {state.error}
        </p>
      )}
      <ul className="mt-3 divide-y divide-zinc-200 overflow-hidden rounded-lg border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
        {people.map((p) => (
          <li key={p.email}>
            <form action={action}>
              <input type="hidden" name="email" value={p.email} />
              <input type="hidden" name="callbackUrl" value={callbackUrl} />
              <button
                type="submit"
                disabled={pending}
                className="flex w-full items-center justify-between gap-3 px-4 py-3 text-left hover:bg-zinc-50 disabled:opacity-60 dark:hover:bg-zinc-800"
              >
                <span>
                  {/* The button's name is what it shows, after "Sign in as" (so voice control can say what is seen). */}
                  <span className="block text-sm font-medium">
                    <span className="sr-only">Sign in as </span>
                    {p.name}
                  </span>
                  <span className="block text-xs text-zinc-500">{p.email}</span>
                </span>
                <span className="text-xs font-medium text-zinc-600 dark:text-zinc-400">{p.roles.join(", ")}</span>
              </button>
            </form>
          </li>
        ))}
      </ul>
    </>
  );
}

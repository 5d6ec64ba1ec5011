import { useEffect } from "react";

/**
 * A page is on screen, and takes typing and choosing, before its scripts run: seconds on a slow phone. When React
 * takes the page over it leaves what the browser holds in a field it controls, but the state that field stands for
 * still has the value the server rendered, so the field says one thing and the page does another (the runbook search
 * showed "429" over all ten runbooks). Once, right after hydration, this hands what the field holds to `adopt` when it
 * is not what the state says. `read` returns the field's value (undefined: not on the page).
 */
export function useAdoptTypedValue(read: () => string | undefined, current: string, adopt: (value: string) => void): void {
  useEffect(() => {
    const held = read();
    if (held !== undefined && held !== current) adopt(held);
    // Once, after hydration: later changes reach the state through the field's own onChange.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
}

/** The value of the checked radio button named `name` inside `root`, or "" when none is. */
export function checkedValue(root: ParentNode | null | undefined, name: string): string | undefined {
  if (!root) return undefined;
  return root.querySelector<HTMLInputElement>(`input[type="radio"][name="${name}"]:checked`)?.value ?? "";
}

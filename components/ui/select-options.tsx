import type { ReactNode } from "react";

/** A select's options for a list of values: first the empty value, labelled `empty` (“Any role”, “none”), then one per value. */
export function SelectOptions<T extends string>({ empty, values, label = (v) => v }: { empty: string; values: readonly T[]; label?: (value: T) => ReactNode }) {
  return (
    <>
      <option value="">{empty}</option>
      {values.map((v) => (
        <option key={v} value={v}>
          {label(v)}
        </option>
      ))}
    </>
  );
}

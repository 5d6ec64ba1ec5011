import { FILTER_KEYS } from "@/lib/validation/audit";

/** The export's query string: `format` plus the audit page's filters (validated by the export action's schema). */
export function exportInput(search: URLSearchParams): { format: string | null; filter: Record<string, string> } {
  const filter: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const v = search.get(key);
    if (v !== null && v !== "") filter[key] = v;
  }
  return { format: search.get("format"), filter };
}


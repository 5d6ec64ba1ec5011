import { Link } from "@/components/ui/link";
import { ROLES, ROLE_LABELS } from "@/lib/auth/roles";
import { OUTCOMES } from "@/lib/validation/audit";
import { paths } from "@/lib/paths";
import { buttonClass } from "@/components/ui/button";
import { SelectOptions } from "@/components/ui/select-options";

const input = "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-950";

function Field({ name, label, error, children }: { name: string; label: string; error?: string; children: React.ReactNode }) {
  return (
    <label className="block text-xs font-medium text-zinc-600 dark:text-zinc-400" htmlFor={`f-${name}`}>
      {label}
      {children}
      {error && (
        <span id={`f-${name}-error`} className="mt-0.5 block text-xs font-normal text-red-700 dark:text-red-300">
          {error}
        </span>
      )}
    </label>
  );
}

/**
 * The filters, as a plain GET form (works without JavaScript; the URL is the view, so it can be shared and
 * exported). `values` are the raw query values, `errors` the messages for invalid ones.
 */
export function AuditFilterForm({ values, errors, actions, people, scope }: { values: Record<string, string>; errors: Record<string, string>; actions: string[]; people: string[]; scope: "all" | "own" }) {
  const text = (name: string, label: string, props: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <Field name={name} label={label} error={errors[name]}>
      <input id={`f-${name}`} name={name} defaultValue={values[name] ?? ""} className={input} aria-invalid={errors[name] ? true : undefined} aria-describedby={errors[name] ? `f-${name}-error` : undefined} {...props} />
    </Field>
  );
  return (
    <form method="get" action={paths.audit()} role="search" aria-label="Filter audit events" className="grid gap-3 rounded-lg border border-zinc-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4 dark:border-zinc-800 dark:bg-zinc-900">
      {text("from", "From (UTC)", { type: "datetime-local", step: 1 })}
      {text("to", "To (UTC, exclusive)", { type: "datetime-local", step: 1 })}
      {scope === "all" ? text("actor", "Actor (email, id or “system”)", { list: "audit-people", placeholder: "ada.mensah@ops.example" }) : <input type="hidden" name="actor" value="" />}
      <Field name="role" label="Actor's role" error={errors.role}>
        <select id="f-role" name="role" defaultValue={values.role ?? ""} className={input}>
          <SelectOptions empty="Any role" values={ROLES} label={(r) => ROLE_LABELS[r]} />
        </select>
      </Field>
      {text("action", "Action (exact, or a prefix like run.)", { list: "audit-actions", placeholder: "run.step.signed" })}
      <Field name="outcome" label="Outcome" error={errors.outcome}>
        <select id="f-outcome" name="outcome" defaultValue={values.outcome ?? ""} className={input}>
          <SelectOptions empty="Any outcome" values={OUTCOMES} />
        </select>
      </Field>
      {text("targetType", "Target type", { placeholder: "run, command, incident…" })}
      {text("targetId", "Target id")}
      {text("incident", "Incident id")}
      {text("run", "Run id")}
      {text("q", "Text in details", { type: "search", placeholder: "billing-api" })}
      <div className="flex items-end gap-2">
        <button type="submit" className={buttonClass("primary")}>
          Apply filters
        </button>
        <Link href={paths.audit()} className={buttonClass("ghost")}>
          Clear
        </Link>
      </div>
      <datalist id="audit-actions">
        {actions.map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
      <datalist id="audit-people">
        {people.map((p) => (
          <option key={p} value={p} />
        ))}
        <option value="system" />
      </datalist>
    </form>
  );
}

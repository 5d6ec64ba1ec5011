import type { ContactsConfig } from "@/lib/contacts/schema";
import { Card } from "../ui/card";

/** Where a repo owner gets help (the seed's "Support" and "Need help?"), and the dashboards. */
export function SupportLinks({ links }: { links: ContactsConfig["links"] }) {
  return (
    <Card title="Need help?" className="mt-6">
      <ul className="space-y-1 text-sm" data-testid="support-links">
        {links.support.map((s) => (
          <li key={s.label}>
            {s.url ? (
              <a href={s.url} target="_blank" rel="noreferrer" className="font-medium text-indigo-700 underline dark:text-indigo-300">
                {s.label}
              </a>
            ) : (
              <span className="font-medium">{s.label}</span>
            )}
            : {s.detail}
          </li>
        ))}
      </ul>
      {links.dashboards.length > 0 && (
        <p className="mt-3 text-sm">
          Dashboards:{" "}
          {links.dashboards.map((d, i) => (
            <span key={d.url}>
              {i > 0 && " · "}
              <a href={d.url} target="_blank" rel="noreferrer" className="text-indigo-700 underline dark:text-indigo-300">
                {d.label}
              </a>
            </span>
          ))}
        </p>
      )}
    </Card>
  );
}

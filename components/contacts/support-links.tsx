import type { ContactsConfig } from "@/lib/contacts/schema";
import { Card } from "../ui/card";
import { ExternalLinks } from "../ui/external-links";

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
          <ExternalLinks links={links.dashboards} />
        </p>
      )}
    </Card>
  );
}

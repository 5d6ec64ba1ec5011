/** Links to pages outside the portal (status pages, dashboards) in one line, separated by " · ", each opening in a new tab. */
export function ExternalLinks({ links }: { links: readonly { label: string; url: string }[] }) {
  return links.map((l, i) => (
    <span key={`${l.label}:${l.url}`}>
      {i > 0 && " · "}
      <a href={l.url} target="_blank" rel="noreferrer" className="text-indigo-700 underline dark:text-indigo-300">
        {l.label}
      </a>
    </span>
  ));
}

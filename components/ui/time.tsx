/** A timestamp shown in UTC (ops teams span time zones), with the exact instant in the tooltip. */
export function Time({ value }: { value: Date }) {
  const iso = value.toISOString();
  return (
    <time dateTime={iso} title={iso}>
      {iso.slice(0, 19).replace("T", " ")} UTC
    </time>
  );
}

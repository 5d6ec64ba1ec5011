/** Number formatting shared by the panel maths (alert messages) and the panels. Locale-independent on purpose. */
import { groupThousands } from "../compare";

export function usd(value: number): string {
  const abs = Math.abs(value);
  const s = abs >= 1000 ? groupThousands(Math.round(abs)) : abs.toFixed(2);
  return `${value < 0 ? "−" : ""}$${s}`;
}

/** 2000000 → "2M", 1500000 → "1.5M", 250000 → "250K", 812 → "812". */
export function tokens(value: number): string {
  if (value >= 1_000_000) return `${trim(value / 1_000_000)}M`;
  if (value >= 1_000) return `${trim(value / 1_000)}K`;
  return String(Math.round(value));
}

function trim(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

/** 0.853 → "85.3 %" (takes a percentage, not a ratio). */
export function percent(value: number, digits = 1): string {
  return `${Number(value.toFixed(digits))} %`;
}

export function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

/** 5_400_000 → "1 h 30 min"; under a minute → "< 1 min". */
export function duration(ms: number): string {
  if (ms < 60_000) return "< 1 min";
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}

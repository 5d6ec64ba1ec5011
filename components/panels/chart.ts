/** Colours and axis styling shared by the panels' charts (readable on light and dark backgrounds). */
export const COLORS = {
  ok: "#6366f1",
  warning: "#f59e0b",
  critical: "#ef4444",
  line: "#71717a",
  soft: "#f59e0b",
  hard: "#ef4444",
  target: "#10b981",
} as const;

export const AXIS = { fontSize: 11, fill: "#71717a" } as const;

export const CHART_STYLE = (height: number) => ({ width: "100%", height });

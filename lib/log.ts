/** Structured server logs: one JSON object per line on stdout (stderr for errors). */
type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };
/** Read on each call, so a script can set LOG_LEVEL after its imports ran. */
const threshold = () => ORDER[(process.env.LOG_LEVEL as Level) ?? "info"] ?? ORDER.info;

function serialiseError(e: unknown) {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack, cause: e.cause ? String(e.cause) : undefined };
  return { message: String(e) };
}

function write(level: Level, msg: string, fields: Record<string, unknown> = {}) {
  if (ORDER[level] < threshold()) return;
  const entry: Record<string, unknown> = { time: new Date().toISOString(), level, msg };
  for (const [k, v] of Object.entries(fields)) entry[k] = k === "err" ? serialiseError(v) : v;
  const line = JSON.stringify(entry, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  if (level === "error" || level === "warn") process.stderr.write(line + "\n");
  else process.stdout.write(line + "\n");
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};

/**
 * One timer per interval for every clock on the page. A board of twenty running clocks used to start twenty timers,
 * each firing in a task of its own and re-rendering one clock at a time; on a phone, starting them and their ticks
 * were part of the run page's longest tasks (docs/benchmarks.md, "Phone main thread"). Now a tick reaches every clock
 * of that interval in the same task, so React renders them together.
 */
const clocks = new Map<number, { listeners: Set<() => void>; timer: ReturnType<typeof setInterval> }>();

/** Calls `onTick` every `intervalMs` until the returned function is called (calling it twice is harmless). */
export function subscribeToClock(intervalMs: number, onTick: () => void): () => void {
  let clock = clocks.get(intervalMs);
  if (!clock) {
    const listeners = new Set<() => void>();
    clock = { listeners, timer: setInterval(() => listeners.forEach((tick) => tick()), intervalMs) };
    clocks.set(intervalMs, clock);
  }
  // A wrapper of its own, so the same function subscribed twice is two subscriptions.
  const listener = () => onTick();
  clock.listeners.add(listener);
  return () => {
    const current = clocks.get(intervalMs);
    if (!current?.listeners.delete(listener) || current.listeners.size > 0) return;
    clearInterval(current.timer);
    clocks.delete(intervalMs);
  };
}

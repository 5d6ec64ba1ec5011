/**
 * What the control plane remembers per Idempotency-Key, and how many times each key's effect was applied (so tests
 * can prove "exactly once" from the outside).
 */
export type StoredResponse = { status: number; body: unknown; headers?: Record<string, string> };

export type KeyEntry =
  | { state: "in-flight"; action: string; bodyHash: string; since: number }
  | { state: "done"; action: string; bodyHash: string; since: number; response: StoredResponse };

/** Oldest keys are forgotten past this many (a real control plane keeps them for a retention period instead). */
const MAX_KEYS = 200_000;

export class IdempotencyStore {
  private entries = new Map<string, KeyEntry>();

  get(key: string): KeyEntry | undefined {
    return this.entries.get(key);
  }

  begin(key: string, action: string, bodyHash: string): void {
    this.entries.set(key, { state: "in-flight", action, bodyHash, since: Date.now() });
    if (this.entries.size > MAX_KEYS) this.entries.delete(this.entries.keys().next().value as string);
  }

  finish(key: string, response: StoredResponse): void {
    const e = this.entries.get(key);
    if (e) this.entries.set(key, { state: "done", action: e.action, bodyHash: e.bodyHash, since: e.since, response });
  }

  /** Forgets a key whose request had no effect (a fault before the effect), so a retry runs it. */
  release(key: string): void {
    if (this.entries.get(key)?.state === "in-flight") this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

export type EffectsSummary = {
  total: number;
  byKey: Record<string, number>;
  byAction: Record<string, number>;
  /** Keys whose effect was applied more than once: always empty unless idempotency is broken. */
  duplicates: string[];
};

export class EffectCounter {
  private byKey = new Map<string, { action: string; count: number }>();

  record(key: string, action: string): void {
    const e = this.byKey.get(key) ?? { action, count: 0 };
    e.count++;
    this.byKey.set(key, e);
  }

  count(key: string): number {
    return this.byKey.get(key)?.count ?? 0;
  }

  summary(): EffectsSummary {
    const byKey: Record<string, number> = {};
    const byAction: Record<string, number> = {};
    let total = 0;
    for (const [key, e] of this.byKey) {
      byKey[key] = e.count;
      byAction[e.action] = (byAction[e.action] ?? 0) + e.count;
      total += e.count;
    }
    return { total, byKey, byAction, duplicates: Object.keys(byKey).filter((k) => byKey[k] > 1) };
  }

  clear(): void {
    this.byKey.clear();
  }
}

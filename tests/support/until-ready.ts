/**
 * Asks a readiness probe again until it answers 200 or the time is up, as an orchestrator does: a cold process's
 * first database query can outlast the probe's 2 s on a saturated machine. Returns the last answer, so the caller
 * asserts on it and a probe that never got ready fails with its reason.
 */
export async function untilReady(probe: () => Promise<Response>, opts: { withinMs: number; everyMs: number }): Promise<Response> {
  const deadline = Date.now() + opts.withinMs;
  let res = await probe();
  while (res.status !== 200 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, opts.everyMs));
    res = await probe();
  }
  return res;
}

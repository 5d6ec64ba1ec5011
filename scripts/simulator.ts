/**
 * `npm run simulator`: the orchestrator control-plane simulator on 127.0.0.1. Point the portal at the URL it prints
 * (CONTROL_PLANE_URL). Options (flags or environment):
 *   --port / SIMULATOR_PORT      port (default: a free one)
 *   --seed / SIMULATOR_SEED      seed of the flow generator (default 42)
 *   --speed / SIMULATOR_SPEED    simulated seconds per real second (default 1; 0 freezes the clock)
 *   --phase / SIMULATOR_PHASE    pilot | phase6 | phase7 (default phase6)
 *   --start-at / SIMULATOR_START_AT  simulated start time, ISO 8601 (default now)
 * The first line on stdout is `CONTROL_PLANE_URL=http://127.0.0.1:<port>` so a launcher can read it.
 */
import { parseArgs } from "node:util";
import { PHASES, type Phase } from "../lib/control-plane/contract";
import { startSimulator } from "../simulator/server";

function fail(message: string): never {
  console.error(`[simulator] ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    seed: { type: "string" },
    speed: { type: "string" },
    phase: { type: "string" },
    "start-at": { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log("Usage: npm run simulator -- [--port N] [--seed N] [--speed X] [--phase pilot|phase6|phase7] [--start-at ISO]");
  process.exit(0);
}

const num = (name: string, text: string | undefined, check: (n: number) => boolean): number | undefined => {
  if (text === undefined || text === "") return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || !check(n)) fail(`${name} must be a valid number, got "${text}"`);
  return n;
};

const port = num("port", values.port ?? process.env.SIMULATOR_PORT, (n) => Number.isInteger(n) && n >= 0 && n <= 65535) ?? 0;
const seed = num("seed", values.seed ?? process.env.SIMULATOR_SEED, Number.isInteger);
const speed = num("speed", values.speed ?? process.env.SIMULATOR_SPEED, (n) => n >= 0);
const phaseText = values.phase ?? process.env.SIMULATOR_PHASE;
if (phaseText && !(PHASES as readonly string[]).includes(phaseText)) fail(`phase must be one of ${PHASES.join(", ")}, got "${phaseText}"`);
const startAt = values["start-at"] ?? process.env.SIMULATOR_START_AT;
if (startAt && Number.isNaN(Date.parse(startAt))) fail(`start-at must be an ISO 8601 time, got "${startAt}"`);

let sim: Awaited<ReturnType<typeof startSimulator>>;
try {
  sim = await startSimulator({ port, seed, speed, phase: phaseText as Phase | undefined, startAt });
} catch (e) {
  const code = (e as { code?: string }).code;
  fail(code === "EADDRINUSE" ? `port ${port} is busy; choose another with SIMULATOR_PORT or --port (0 picks a free one)` : e instanceof Error ? e.message : String(e));
}

console.log(`CONTROL_PLANE_URL=${sim.url}`);
console.log(
  `[simulator] Control-plane simulator on ${sim.url} (seed ${sim.state.model.seed}, speed ${sim.state.speed}×, clock ${new Date(sim.state.model.now()).toISOString()}). ` +
    `Contract: ${sim.url}/openapi.json · admin: ${sim.url}/admin/state`,
);

const shutdown = () => {
  void sim.stop().then(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

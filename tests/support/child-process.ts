import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startSimulator } from "@/simulator/server";
// Renamed: a name starting with "use" reads as a React hook to the linter, which refuses it inside an async function.
import { useFreshDatabase as freshDatabase } from "../integration/db";

/** For a test that runs the relay in a child process: a fresh database, a simulator seeded with `seed`, and a scratch folder for the child's script. */
export async function childProcessSetUp(seed: number, dirPrefix: string) {
  const { client: db, url } = await freshDatabase();
  const sim = await startSimulator({ seed, speed: 0, startAt: "2025-11-20T10:00:00Z" });
  return { db, url, sim, dir: mkdtempSync(path.join(tmpdir(), dirPrefix)) };
}

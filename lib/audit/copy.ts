/**
 * Raw PostgreSQL connections for reading the audit log with `COPY … TO STDOUT (FORMAT binary)`, the cheapest way to
 * get a million rows out of PostgreSQL and into Node: no per-column text conversion on the server, no row objects in
 * the driver. Verification's fast path (lib/audit/parallel.ts) reads through this.
 */
import pg from "pg";
import { connectionStringOf } from "../db-connection";

/**
 * A connection to read a COPY from. `abort()` cuts a COPY short where the connection is ours to close (a caller's own
 * connection is left alone: the rest of its COPY is drained instead); `release(broken)` gives the connection back or
 * closes it, `broken` when its COPY did not end normally.
 */
export type CopyConnection = { client: pg.ClientBase; abort: () => void; release: (broken: boolean) => Promise<void> };

/**
 * How to get connections for COPY: at most `connections` may be open at once. A runner over one `pg` Client offers
 * that client itself (one at a time), so a COPY sees the caller's transaction; a pool or a Prisma client's database
 * offers fresh connections.
 */
export type CopyAccess = { connections: number; connect: () => Promise<CopyConnection>; ownConnection: boolean };

/** The most connections a verification may read ranges over at once from a pool or a database. */
const COPY_CONNECTIONS = 4;

/** COPY access over a Prisma client built by createDb (fresh connections to its database), if it is one. */
export function copyAccessForDatabase(client: object): CopyAccess | undefined {
  const url = connectionStringOf(client);
  if (!url) return undefined;
  return {
    connections: COPY_CONNECTIONS,
    ownConnection: false,
    connect: async () => {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
      c.on("error", () => {}); // a connection cut off on purpose (see release) reports here; the COPY has its own error
      await c.connect();
      return { client: c, abort: () => cutOff(c), release: (broken) => (broken ? destroy(c) : c.end()) };
    },
  };
}

/** COPY access over a `pg` Client (that client itself) or Pool (connections from it). */
export function copyAccessForPg(client: pg.ClientBase | pg.Pool): CopyAccess {
  if (client instanceof pg.Pool) {
    return {
      connections: COPY_CONNECTIONS,
      ownConnection: false,
      connect: async () => {
        const c = await client.connect();
        return {
          client: c,
          abort: () => cutOff(c),
          release: async (broken) => {
            if (broken) cutOff(c);
            c.release(broken || undefined);
          },
        };
      },
    };
  }
  let busy = false;
  return {
    connections: 1,
    ownConnection: true,
    connect: async () => {
      if (busy) throw new Error("the runner's connection is already reading a COPY");
      busy = true;
      return { client, abort: () => {}, release: async () => void (busy = false) };
    },
  };
}

/** Closes the socket under a connection at once: a COPY still streaming would keep a polite end() waiting. */
function cutOff(c: pg.ClientBase) {
  (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

async function destroy(c: pg.Client) {
  cutOff(c);
  await c.end().catch(() => {});
}

type Connection = { stream: { pause(): void; resume(): void }; query(text: string): void };

/**
 * Runs `COPY (…) TO STDOUT` on `client` and hands each CopyData message (in a binary COPY, the header, one row, or
 * the trailer) to `onData`, which must copy what it keeps: the buffer is the driver's and is reused. `flow` gets
 * functions that pause and resume reading from the socket (back-pressure); once the COPY is over the socket reads
 * again whatever they were last told, as the connection may be used for more. Resolves when the COPY is complete.
 */
export function copyOut(client: pg.ClientBase, sql: string, onData: (chunk: Buffer) => void, flow?: { attach: (pause: () => void, resume: () => void) => void }): Promise<void> {
  let stream: Connection["stream"] | null = null;
  let paused = false;
  const settled = () => {
    if (paused) stream?.resume();
    stream = null;
  };
  return new Promise<void>((resolve, reject) => {
    let failed: unknown = null;
    const submittable = {
      submit(connection: Connection) {
        stream = connection.stream;
        flow?.attach(
          () => {
            if (stream && !paused) {
              paused = true;
              stream.pause();
            }
          },
          () => {
            if (stream && paused) {
              paused = false;
              stream.resume();
            }
          },
        );
        connection.query(sql);
      },
      handleCopyData(msg: { chunk: Buffer }) {
        if (failed) return;
        try {
          onData(msg.chunk);
        } catch (e) {
          failed = e;
        }
      },
      handleRowDescription() {},
      handleDataRow() {},
      handleCommandComplete() {},
      handleEmptyQuery() {},
      handlePortalSuspended() {},
      handleCopyInResponse(connection: { sendCopyFail(msg: string): void }) {
        connection.sendCopyFail("not a COPY TO");
      },
      handleReadyForQuery() {
        settled();
        if (failed) reject(failed);
        else resolve();
      },
      handleError(err: unknown) {
        settled();
        reject(err);
      },
    };
    client.query(submittable as unknown as pg.QueryConfig);
  });
}

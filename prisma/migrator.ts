/**
 * The project's migration runner: Prisma's own schema engine compiled to WebAssembly
 * (@prisma/schema-engine-wasm), driven over @prisma/adapter-pg. It replaces `prisma migrate deploy|dev`,
 * whose native engine cannot be downloaded in air-gapped networks, and fills `_prisma_migrations` the same way.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPg } from "@prisma/adapter-pg";

const SCHEMA_PATH = path.resolve(import.meta.dirname, "schema.prisma");
const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "migrations");
const FILTERS = { externalTables: [], externalEnums: [] };

/* eslint-disable @typescript-eslint/no-explicit-any -- the WASM engine and adapter internals are untyped */

async function listMigrations(baseDir: string) {
  const entries = await fs.readdir(baseDir, { withFileTypes: true }).catch(() => []);
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return {
    baseDir,
    shadowDbInitScript: "",
    lockfile: {
      path: "migration_lock.toml",
      content: await fs.readFile(path.join(baseDir, "migration_lock.toml"), "utf8").catch(() => null),
    },
    migrationDirectories: await Promise.all(
      dirs.map(async (dir) => ({
        path: dir,
        migrationFile: {
          path: "migration.sql",
          content: await fs.readFile(path.join(baseDir, dir, "migration.sql"), "utf8").then(
            (value) => ({ tag: "ok", value }),
            (e) => ({ tag: "error", value: String(e) }),
          ),
        },
      })),
    ),
  };
}

/**
 * Works around four adapter-pg 7.10 behaviours that only show in migrations: it cannot type the internal `"char"`
 * column (OID 18) the describer selects; its executeScript splits on every `;` (breaking literals and `$$` bodies);
 * its shadow database takes the main URL's database; and it drops the shadow database while the pool still uses it.
 */
function patchConnection(db: any) {
  const query = db.client.query.bind(db.client);
  db.client.query = async (...args: any[]) => {
    const result = await query(...args);
    result.fields?.forEach((f: any) => {
      if (f.dataTypeID === 18) f.dataTypeID = 25;
    });
    return result;
  };
  db.executeScript = (sql: string) => query(sql).then(() => undefined, (e: unknown) => db.onError(e));
  return db;
}

class MigrationAdapter extends PrismaPg {
  readonly opened: { dispose: () => Promise<void> }[] = [];
  constructor(readonly url: string) {
    super({ connectionString: url });
  }
  override async connect() {
    const db = patchConnection(await super.connect());
    this.opened.push(db);
    return db;
  }
  override async connectToShadowDb() {
    const main = await this.connect();
    const database = `prisma_migrate_shadow_db_${randomUUID().replace(/-/g, "")}`;
    await main.executeScript(`CREATE DATABASE "${database}"`);
    const url = new URL(this.url);
    url.pathname = `/${database}`;
    const shadowAdapter = new MigrationAdapter(url.toString());
    const shadow = await shadowAdapter.connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await main.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
    };
    return shadow;
  }
  async closeAll() {
    await Promise.allSettled(this.opened.map((db) => db.dispose()));
  }
}

let wasmReady: Promise<any> | undefined;
/** Instantiates the engine's WASM module once per process (its package entry expects a bundler). */
function loadEngineModule(): Promise<any> {
  wasmReady ??= (async () => {
    (globalThis as any).PRISMA_WASM_PANIC_REGISTRY = {
      set_message: (m: string) => console.error("schema engine panic:", m),
    };
    const bg: any = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const require = createRequire(import.meta.url);
    const wasmPath = path.join(
      path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")),
      "schema_engine_bg.wasm",
    );
    const instance = new WebAssembly.Instance(new WebAssembly.Module(await fs.readFile(wasmPath)), {
      "./schema_engine_bg.js": bg,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as any).__wbindgen_start();
    return bg;
  })();
  return wasmReady;
}

async function withEngine<T>(url: string, fn: (engine: any, schema: any) => Promise<T>): Promise<T> {
  const bg = await loadEngineModule();
  const content = await fs.readFile(SCHEMA_PATH, "utf8");
  const schema = { files: [{ path: SCHEMA_PATH, content }] };
  const adapter = new MigrationAdapter(url);
  const engine = await bg.SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, content]] },
    (m: string) => process.env.DEBUG_MIGRATIONS && console.error(m),
    bindMigrationAwareSqlAdapterFactory(adapter),
  );
  try {
    return await fn(engine, schema);
  } finally {
    engine.free();
    await adapter.closeAll();
  }
}

/**
 * Database objects created by hand-written migrations because prisma/schema.prisma cannot express them. Where
 * Prisma's diff sees such an object it treats it as a stray and drops it in the next generated migration; migrateDev
 * leaves those DROP statements out instead. (The schema engine 7.10 does not describe expression indexes, so today it
 * generates nothing for the trigram index; the entry keeps it safe if a later engine does, and
 * tests/integration/migrate-hand-managed.test.ts checks the mechanism with an index the engine does see.) Add an
 * entry with the migration that creates the object; remove it with the object.
 */
export const HAND_MANAGED: readonly { kind: "INDEX"; name: string; createdBy: string; why: string }[] = [
  {
    kind: "INDEX",
    name: "audit_event_details_trgm_idx",
    createdBy: "20261128150000_audit_details_trgm, redefined by 20261128160000_audit_details_joined_trgm",
    why: "trigram GIN index on translate(details::text, '-_.', 'qqq') for the audit review's free-text search",
  },
  {
    kind: "INDEX",
    name: "access_request_one_pending",
    createdBy: "20261129120000_access_administration",
    why: "partial unique index: at most one pending grant request per person and role",
  },
];

/**
 * A generated migration script without the statements (and their `-- Step` comment lines) that drop a hand-managed
 * object; `script` is null when nothing but comments is left. `skipped` lists the statements left out.
 */
export function withoutHandManagedDrops(script: string, objects: typeof HAND_MANAGED = HAND_MANAGED): { script: string | null; skipped: string[] } {
  const skipped: string[] = [];
  let out = script;
  for (const o of objects) {
    const name = o.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const drop = new RegExp(`(^--[^\\n]*\\n)?^DROP ${o.kind} (IF EXISTS )?("[^"]+"\\.)?"?${name}"?( CASCADE)?;[ \\t]*\\n?`, "gm");
    out = out.replace(drop, (m) => {
      skipped.push(m.trim());
      return "";
    });
  }
  const rest = out.replace(/^--.*$/gm, "").trim();
  return { script: rest === "" ? null : out.replace(/\n{3,}/g, "\n\n").replace(/^\n+/, ""), skipped };
}

export type MigratorOptions = {
  /** The migrations directory (default prisma/migrations); tests point it at a temporary copy. */
  migrationsDir?: string;
  /** The hand-managed objects whose DROP statements migrateDev leaves out (default HAND_MANAGED). */
  handManaged?: typeof HAND_MANAGED;
};

/** Applies pending migrations (like `prisma migrate deploy`); returns the names applied. */
export async function migrateDeploy(url: string, opts: MigratorOptions = {}): Promise<string[]> {
  const dir = opts.migrationsDir ?? MIGRATIONS_DIR;
  return withEngine(url, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList: await listMigrations(dir), filters: FILTERS });
    return result.appliedMigrationNames as string[];
  });
}

/**
 * Creates a migration from the schema's difference to the migration history and applies it (like `prisma migrate
 * dev`). Statements that would drop a hand-managed object (HAND_MANAGED) are left out; when nothing else remains, no
 * migration is written.
 */
export async function migrateDev(url: string, name: string, opts: MigratorOptions = {}): Promise<{ created: string | null; applied: string[]; skipped: string[] }> {
  const baseDir = opts.migrationsDir ?? MIGRATIONS_DIR;
  return withEngine(url, async (engine, schema) => {
    await engine.applyMigrations({ migrationsList: await listMigrations(baseDir), filters: FILTERS });
    const migrationsList = await listMigrations(baseDir);
    const diagnostic = await engine.devDiagnostic({ migrationsList, filters: FILTERS });
    if (diagnostic.action.tag === "reset") {
      throw new Error(`The database has drifted from the migration history; migrate dev would reset it: ${diagnostic.action.reason}`);
    }
    const out = await engine.createMigration({ draft: false, migrationName: name, migrationsList, schema, filters: FILTERS });
    if (out.migrationScript === null) return { created: null, applied: [], skipped: [] };
    const { script, skipped } = withoutHandManagedDrops(out.migrationScript as string, opts.handManaged);
    if (script === null) return { created: null, applied: [], skipped };
    const dir = path.join(baseDir, out.generatedMigrationName);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, `migration.${out.extension}`), script);
    await fs.writeFile(
      path.join(baseDir, "migration_lock.toml"),
      `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${out.connectorType}"\n`,
    );
    const applied = await engine.applyMigrations({ migrationsList: await listMigrations(baseDir), filters: FILTERS });
    return { created: out.generatedMigrationName as string, applied: applied.appliedMigrationNames, skipped };
  });
}

/**
 * Evidence-store backends for tests: a SQLite file in a temporary directory, and a fresh database
 * on the PostgreSQL server of ANNEXA_TEST_POSTGRES_URL (.ci/run starts one with
 * scripts/postgres-test-server.sh). `raw` runs SQL on the tables with the append-only triggers
 * off: what an attacker with database access can do, and what verification must catch.
 */
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { EvidenceStore } from '../../src/evidence/store.js';
import { tempTree } from './scan-output.js';

export const TOOL = { name: 'annexa', version: 'test' };

export interface TestBackend {
  name: 'sqlite' | 'postgres';
  /** Where a new, empty store is (file path or URL). */
  location: string;
  /** The signing key file used for this store. */
  keyFile: string;
  open(): Promise<EvidenceStore>;
  /** SQL on the raw tables (`{records}`, `{checkpoints}` name them), append-only triggers disabled. */
  raw(sql: string, params?: Array<string | number>): Promise<Array<Record<string, unknown>>>;
}

/** Why PostgreSQL tests cannot run here, or undefined when a server answers. */
export const postgresUnavailable: string | undefined = await probePostgres();

async function probePostgres(): Promise<string | undefined> {
  const url = process.env.ANNEXA_TEST_POSTGRES_URL;
  if (!url) return 'ANNEXA_TEST_POSTGRES_URL is not set: no PostgreSQL server (start one with scripts/postgres-test-server.sh, as .ci/run does)';
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `the PostgreSQL server of ANNEXA_TEST_POSTGRES_URL does not answer: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function sqliteBackend(): TestBackend {
  const dir = tempTree();
  const location = join(dir, 'evidence.db');
  const keyFile = `${location}.ed25519.pem`;
  return {
    name: 'sqlite',
    location,
    keyFile,
    open: () => EvidenceStore.open(location, { tool: TOOL }),
    async raw(sql, params = []) {
      const db = new Database(location);
      try {
        const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all() as Array<{ name: string; sql: string }>;
        for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`);
        const statement = db.prepare(sql.replaceAll('{records}', 'records').replaceAll('{checkpoints}', 'checkpoints'));
        const result = statement.reader ? (statement.all(...params) as Array<Record<string, unknown>>) : (statement.run(...params), []);
        for (const t of triggers) db.exec(t.sql);
        return result;
      } finally {
        db.close();
      }
    },
  };
}

/** A new database on the test server, dropped when the test file ends. */
export async function postgresBackend(): Promise<TestBackend> {
  const admin = process.env.ANNEXA_TEST_POSTGRES_URL!;
  const name = `annexa_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  after(async () => {
    const dropper = new pg.Client({ connectionString: admin });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await dropper.end();
  });
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const location = url.toString();
  const keyFile = join(tempTree(), 'signing.pem');
  return {
    name: 'postgres',
    location,
    keyFile,
    open: () => EvidenceStore.open(location, { tool: TOOL, signingKey: keyFile }),
    async raw(sql, params = []) {
      const c = new pg.Client({ connectionString: location });
      await c.connect();
      try {
        await c.query('BEGIN');
        await c.query('ALTER TABLE annexa_records DISABLE TRIGGER USER');
        await c.query('ALTER TABLE annexa_checkpoints DISABLE TRIGGER USER');
        let n = 0;
        const text = sql.replaceAll('{records}', 'annexa_records').replaceAll('{checkpoints}', 'annexa_checkpoints').replace(/\?/g, () => `$${++n}`);
        const result = await c.query(text, params);
        await c.query('ALTER TABLE annexa_records ENABLE TRIGGER USER');
        await c.query('ALTER TABLE annexa_checkpoints ENABLE TRIGGER USER');
        await c.query('COMMIT');
        return result.rows as Array<Record<string, unknown>>;
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * PostgreSQL backend (`pg`), for many clusters and teams writing to one store. Appends take a
 * transaction-level advisory lock before reading the head, so concurrent writers (webhook
 * replicas) queue and never continue the same head; the UNIQUE prev_hash column is a second guard.
 */
import pg from 'pg';
import { redactUrl } from './location.js';
import { EvidenceError, type AppendPlan, type ChainHead, type CheckpointRow, type RecordFilter, type StoreBackend, type StoredRow } from './types.js';

/** Arbitrary constant naming the store's write lock (pg_advisory_xact_lock takes a bigint). */
const APPEND_LOCK = 0x616e6e6578; // "annex"
const MIGRATION_LOCK = APPEND_LOCK + 1;

const MIGRATIONS: string[] = [
  `CREATE TABLE annexa_records (
     seq BIGINT PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     type TEXT NOT NULL,
     time TEXT NOT NULL,
     body TEXT NOT NULL,
     hash TEXT NOT NULL,
     prev_hash TEXT NOT NULL UNIQUE
   );
   CREATE INDEX annexa_records_type_time ON annexa_records (type, time);
   CREATE INDEX annexa_records_time ON annexa_records (time);
   CREATE TABLE annexa_checkpoints (
     seq BIGINT NOT NULL,
     hash TEXT NOT NULL,
     time TEXT NOT NULL,
     signature TEXT NOT NULL,
     public_key TEXT NOT NULL,
     n BIGSERIAL PRIMARY KEY
   );
   CREATE INDEX annexa_checkpoints_seq ON annexa_checkpoints (seq);
   CREATE TABLE annexa_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE FUNCTION annexa_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN RAISE EXCEPTION 'evidence records are append-only'; END $$;
   CREATE TRIGGER annexa_records_append_only BEFORE UPDATE OR DELETE ON annexa_records FOR EACH ROW EXECUTE FUNCTION annexa_append_only();
   CREATE TRIGGER annexa_checkpoints_append_only BEFORE UPDATE OR DELETE ON annexa_checkpoints FOR EACH ROW EXECUTE FUNCTION annexa_append_only();`,
];

export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;


interface RowColumns {
  seq: string;
  id: string;
  type: string;
  time: string;
  body: string;
  hash: string;
  prev_hash: string;
}

const toRow = (r: RowColumns): StoredRow => ({ seq: Number(r.seq), id: r.id, type: r.type, time: r.time, body: r.body, hash: r.hash, prevHash: r.prev_hash });

export class PostgresBackend implements StoreBackend {
  readonly kind = 'postgres' as const;
  readonly location: string;

  private constructor(private readonly client: pg.Client, url: string) {
    this.location = redactUrl(url);
  }

  static async open(url: string): Promise<PostgresBackend> {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
    } catch (error) {
      throw new EvidenceError(`${redactUrl(url)}: cannot connect: ${(error as Error).message}`);
    }
    const backend = new PostgresBackend(client, url);
    await backend.migrate();
    return backend;
  }

  private async inTransaction<T>(lock: number, work: () => Promise<T>): Promise<T> {
    await this.client.query('BEGIN');
    try {
      await this.client.query('SELECT pg_advisory_xact_lock($1)', [lock]);
      const result = await work();
      await this.client.query('COMMIT');
      return result;
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  private async migrate(): Promise<void> {
    await this.inTransaction(MIGRATION_LOCK, async () => {
      await this.client.query('CREATE TABLE IF NOT EXISTS annexa_schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
      const current = Number((await this.client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM annexa_schema_migrations')).rows[0]?.v ?? 0);
      if (current > MIGRATIONS.length) throw new EvidenceError(`${this.location}: evidence schema version ${current} is newer than this annexa knows (${MIGRATIONS.length}); upgrade annexa`);
      for (let version = current + 1; version <= MIGRATIONS.length; version++) {
        await this.client.query(MIGRATIONS[version - 1]!);
        await this.client.query('INSERT INTO annexa_schema_migrations (version, applied_at) VALUES ($1, $2)', [version, new Date().toISOString()]);
      }
    });
  }

  async schemaVersion(): Promise<number> {
    return Number((await this.client.query<{ v: number }>('SELECT MAX(version) AS v FROM annexa_schema_migrations')).rows[0]!.v);
  }

  async append(plan: (head: ChainHead | undefined) => AppendPlan): Promise<StoredRow[]> {
    return this.inTransaction(APPEND_LOCK, async () => {
      const found = (await this.client.query<{ seq: string; hash: string }>('SELECT seq, hash FROM annexa_records ORDER BY seq DESC LIMIT 1')).rows[0];
      const { rows, checkpoint } = plan(found ? { seq: Number(found.seq), hash: found.hash } : undefined);
      // Multi-row inserts in slices: one round trip per slice instead of per row.
      for (let start = 0; start < rows.length; start += 500) {
        const slice = rows.slice(start, start + 500);
        const values: Array<string | number> = [];
        const tuples = slice.map((r, i) => {
          values.push(r.seq, r.id, r.type, r.time, r.body, r.hash, r.prevHash);
          const b = i * 7;
          return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`;
        });
        await this.client.query(`INSERT INTO annexa_records (seq, id, type, time, body, hash, prev_hash) VALUES ${tuples.join(', ')}`, values);
      }
      await this.client.query('INSERT INTO annexa_checkpoints (seq, hash, time, signature, public_key) VALUES ($1, $2, $3, $4, $5)',
        [checkpoint.seq, checkpoint.hash, checkpoint.time, checkpoint.signature, checkpoint.publicKey]);
      return rows;
    });
  }

  async page(afterSeq: number, limit: number, filter: RecordFilter = {}): Promise<StoredRow[]> {
    const where = ['seq > $1'];
    const params: Array<string | number> = [afterSeq];
    const add = (condition: string, value: string) => {
      params.push(value);
      where.push(`${condition} $${params.length}`);
    };
    if (filter.type !== undefined) add('type =', filter.type);
    if (filter.since !== undefined) add('time >=', filter.since);
    if (filter.until !== undefined) add('time <', filter.until);
    params.push(limit);
    const result = await this.client.query<RowColumns>(`SELECT seq, id, type, time, body, hash, prev_hash FROM annexa_records WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $${params.length}`, params);
    return result.rows.map(toRow);
  }

  async find(selector: string | number): Promise<StoredRow | undefined> {
    const column = typeof selector === 'number' ? 'seq' : 'id';
    const result = await this.client.query<RowColumns>(`SELECT seq, id, type, time, body, hash, prev_hash FROM annexa_records WHERE ${column} = $1`, [selector]);
    return result.rows[0] && toRow(result.rows[0]);
  }

  async checkpoints(): Promise<CheckpointRow[]> {
    const result = await this.client.query<{ seq: string; hash: string; time: string; signature: string; public_key: string }>(
      'SELECT seq, hash, time, signature, public_key FROM annexa_checkpoints ORDER BY seq, n');
    return result.rows.map((r) => ({ seq: Number(r.seq), hash: r.hash, time: r.time, signature: r.signature, publicKey: r.public_key }));
  }

  async metaValue(key: string, initial: string): Promise<string> {
    await this.client.query('INSERT INTO annexa_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, initial]);
    return (await this.client.query<{ value: string }>('SELECT value FROM annexa_meta WHERE key = $1', [key])).rows[0]!.value;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

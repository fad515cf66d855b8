/**
 * SQLite backend (better-sqlite3 v12; v13 needs Node 22). WAL mode: readers do not block the
 * writer, and a process killed mid-transaction leaves the last committed state. Appends run in
 * BEGIN IMMEDIATE transactions, so concurrent writers (several processes) queue instead of forking
 * the chain.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EvidenceError, type AppendPlan, type ChainHead, type CheckpointRow, type RecordFilter, type StoreBackend, type StoredRow } from './types.js';

/** Versioned migrations: index + 1 is the schema version. Never edit one that has shipped; add another. */
const MIGRATIONS: string[] = [
  `CREATE TABLE records (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     type TEXT NOT NULL,
     time TEXT NOT NULL,
     body TEXT NOT NULL,
     hash TEXT NOT NULL,
     prev_hash TEXT NOT NULL UNIQUE
   );
   CREATE INDEX records_type_time ON records (type, time);
   CREATE INDEX records_time ON records (time);
   CREATE TABLE checkpoints (
     seq INTEGER NOT NULL,
     hash TEXT NOT NULL,
     time TEXT NOT NULL,
     signature TEXT NOT NULL,
     public_key TEXT NOT NULL
   );
   CREATE INDEX checkpoints_seq ON checkpoints (seq);
   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TRIGGER records_append_only_update BEFORE UPDATE ON records BEGIN SELECT RAISE(ABORT, 'evidence records are append-only'); END;
   CREATE TRIGGER records_append_only_delete BEFORE DELETE ON records BEGIN SELECT RAISE(ABORT, 'evidence records are append-only'); END;
   CREATE TRIGGER checkpoints_append_only_update BEFORE UPDATE ON checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
   CREATE TRIGGER checkpoints_append_only_delete BEFORE DELETE ON checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;`,
];

export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

interface RowColumns {
  seq: number;
  id: string;
  type: string;
  time: string;
  body: string;
  hash: string;
  prev_hash: string;
}

const toRow = (r: RowColumns): StoredRow => ({ seq: r.seq, id: r.id, type: r.type, time: r.time, body: r.body, hash: r.hash, prevHash: r.prev_hash });

export class SqliteBackend implements StoreBackend {
  readonly kind = 'sqlite' as const;
  readonly location: string;
  private readonly db: Database.Database;

  constructor(file: string) {
    this.location = resolve(file);
    mkdirSync(dirname(this.location), { recursive: true });
    this.db = new Database(this.location, { timeout: 30_000 });
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL: a commit survives a killed process; only a power loss may drop the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.migrate();
  }

  private migrate(): void {
    const run = this.db.transaction(() => {
      this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
      const current = (this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
      if (current > MIGRATIONS.length) throw new EvidenceError(`${this.location}: evidence schema version ${current} is newer than this annexa knows (${MIGRATIONS.length}); upgrade annexa`);
      for (let version = current + 1; version <= MIGRATIONS.length; version++) {
        this.db.exec(MIGRATIONS[version - 1]!);
        this.db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, new Date().toISOString());
      }
    });
    run.immediate();
  }

  async schemaVersion(): Promise<number> {
    return (this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v;
  }

  private statements: { insertRow: Database.Statement; insertCheckpoint: Database.Statement; head: Database.Statement } | undefined;

  async append(plan: (head: ChainHead | undefined) => AppendPlan): Promise<StoredRow[]> {
    const s = (this.statements ??= {
      insertRow: this.db.prepare('INSERT INTO records (seq, id, type, time, body, hash, prev_hash) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      insertCheckpoint: this.db.prepare('INSERT INTO checkpoints (seq, hash, time, signature, public_key) VALUES (?, ?, ?, ?, ?)'),
      head: this.db.prepare('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1'),
    });
    // The head is read inside the IMMEDIATE transaction, which holds the write lock.
    const write = this.db.transaction(() => {
      const { rows, checkpoint } = plan(s.head.get() as ChainHead | undefined);
      for (const r of rows) s.insertRow.run(r.seq, r.id, r.type, r.time, r.body, r.hash, r.prevHash);
      s.insertCheckpoint.run(checkpoint.seq, checkpoint.hash, checkpoint.time, checkpoint.signature, checkpoint.publicKey);
      return rows;
    });
    return write.immediate();
  }

  async page(afterSeq: number, limit: number, filter: RecordFilter = {}): Promise<StoredRow[]> {
    const where = ['seq > ?'];
    const params: Array<string | number> = [afterSeq];
    if (filter.type !== undefined) (where.push('type = ?'), params.push(filter.type));
    if (filter.since !== undefined) (where.push('time >= ?'), params.push(filter.since));
    if (filter.until !== undefined) (where.push('time < ?'), params.push(filter.until));
    params.push(limit);
    const rows = this.db.prepare(`SELECT seq, id, type, time, body, hash, prev_hash FROM records WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`).all(...params) as RowColumns[];
    return rows.map(toRow);
  }

  async find(selector: string | number): Promise<StoredRow | undefined> {
    const column = typeof selector === 'number' ? 'seq' : 'id';
    const row = this.db.prepare(`SELECT seq, id, type, time, body, hash, prev_hash FROM records WHERE ${column} = ?`).get(selector) as RowColumns | undefined;
    return row && toRow(row);
  }

  async checkpoints(): Promise<CheckpointRow[]> {
    const rows = this.db.prepare('SELECT seq, hash, time, signature, public_key FROM checkpoints ORDER BY seq, rowid').all() as Array<Omit<CheckpointRow, 'publicKey'> & { public_key: string }>;
    return rows.map(({ public_key, ...rest }) => ({ ...rest, publicKey: public_key }));
  }

  async metaValue(key: string, initial: string): Promise<string> {
    this.db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(key, initial);
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string }).value;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** What every benchmark module receives from `npm run bench` (bench/run.ts). */
export interface BenchContext {
  /** A directory holding a deterministic generated corpus of about `resources` resources (cached per run). */
  corpusDir(resources: number): string;
  /** True with `npm run bench -- --quick`: smaller sizes for a fast look. */
  quick: boolean;
  /** Prints a titled table and keeps it for bench/out/results.json. */
  table(title: string, rows: Array<Record<string, string | number>>): void;
}

export type Benchmark = (ctx: BenchContext) => Promise<void>;

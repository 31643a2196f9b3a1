/**
 * The benchmark contract: a `*.bench.ts` file default-exports a BenchFile.
 * The harness (bench/run.ts) runs its cases interleaved, sample by sample,
 * so that a baseline measured in the same run shares the machine's noise:
 * ratios hold on noisy machines where absolute times do not.
 */

export interface BenchCase {
  name: string;
  /** One sample: the harness times the call. */
  run(): Promise<void> | void;
}

export interface BenchTarget {
  /** The case the target applies to. */
  case: string;
  /** Median at most this many milliseconds. */
  maxMedianMs?: number;
  /** 99th percentile at most this many milliseconds. */
  maxP99Ms?: number;
  /** Median at most `ratio` times the median of case `baseline`. */
  maxRatio?: { baseline: string; ratio: number };
}

interface BenchCommon {
  title: string;
  /** What the cases run against, e.g. "RealSysfs on tmpfs (/dev/shm), simulated host". */
  adapter: string;
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  targets?: BenchTarget[];
  /** Case name → the case it is compared with in the report's ratio column. */
  baselines?: Record<string, string>;
  /** What the numbers mean and where the time goes, printed under the table. */
  notes?: string[];
}

/** Cases the harness times itself, one call of `run()` per sample. */
export interface TimedBench extends BenchCommon {
  /** Samples per case (default 30) and unrecorded warm-up runs per case (default 3). */
  samples?: number;
  warmup?: number;
  cases(): BenchCase[];
}

/**
 * A file that takes its own samples, where one timed call is not one sample:
 * many callers at once (each call's latency is a sample), or a process's
 * memory and CPU over a window.
 */
export interface MeasuredBench extends BenchCommon {
  measure(): Promise<Measurement>;
}

export interface Measurement {
  /** Samples in milliseconds per case, in the order they were taken. */
  cases: { name: string; rawMs: number[] }[];
  /** Targets on quantities that are not a case's times (MiB, CPU %), checked by the file. */
  checked?: TargetResult[];
  /** Numbers of this run that are not times (throughput, memory, CPU %). */
  tables?: BenchTable[];
  /** What this run found that neither the cases nor the tables hold. */
  notes?: string[];
}

export type BenchFile = TimedBench | MeasuredBench;

export function defineBench(file: BenchFile): BenchFile {
  return file;
}

export interface CaseStats {
  name: string;
  samples: number;
  medianMs: number;
  p99Ms: number;
  minMs: number;
  maxMs: number;
  /** (p90 − p10) / median: how much the middle 80 % of samples spread. */
  spread: number;
  /** Against the case's baseline, when it has one. */
  ratio?: BaselineRatio;
  rawMs: number[];
}

/**
 * Ratios to a baseline measured in the same run. `paired` is the median of
 * sample-by-sample ratios (case sample i ÷ baseline sample i, taken next to
 * each other): it cancels load that drifts during the run, so targets use it.
 */
export interface BaselineRatio {
  baseline: string;
  /** Median of paired per-round ratios. */
  paired: number;
  /** Median ÷ baseline median. */
  medians: number;
  /** Fastest ÷ baseline fastest: the least-disturbed samples. */
  minimums: number;
}

export function ratioTo(stats: CaseStats, base: CaseStats): BaselineRatio {
  const n = Math.min(stats.rawMs.length, base.rawMs.length);
  const paired = Array.from({ length: n }, (_, i) => stats.rawMs[i]! / base.rawMs[i]!).sort(
    (a, b) => a - b,
  );
  return {
    baseline: base.name,
    paired: quantile(paired, 0.5),
    medians: stats.medianMs / base.medianMs,
    minimums: stats.minMs / base.minMs,
  };
}

export function formatRatio(r: BaselineRatio): string {
  const rest = `medians ${r.medians.toFixed(2)}×, minimums ${r.minimums.toFixed(2)}×`;
  return `${r.paired.toFixed(2)}× ${r.baseline} (${rest})`;
}

export function summarize(name: string, rawMs: readonly number[]): CaseStats {
  const sorted = [...rawMs].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  return {
    name,
    samples: sorted.length,
    medianMs: median,
    p99Ms: quantile(sorted, 0.99),
    minMs: sorted[0] ?? Number.NaN,
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    spread: median > 0 ? (quantile(sorted, 0.9) - quantile(sorted, 0.1)) / median : 0,
    rawMs: [...rawMs],
  };
}

/** Linear interpolation between closest ranks, on sorted input. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export interface TargetResult {
  case: string;
  description: string;
  met: boolean;
}

export function checkTargets(
  targets: readonly BenchTarget[],
  stats: readonly CaseStats[],
): TargetResult[] {
  const byName = new Map(stats.map((s) => [s.name, s]));
  const results: TargetResult[] = [];
  for (const target of targets) {
    const s = byName.get(target.case);
    if (s === undefined) continue;
    if (target.maxMedianMs !== undefined) {
      results.push({
        case: target.case,
        description: `median ≤ ${target.maxMedianMs} ms (is ${s.medianMs.toFixed(2)} ms)`,
        met: s.medianMs <= target.maxMedianMs,
      });
    }
    if (target.maxP99Ms !== undefined) {
      results.push({
        case: target.case,
        description: `p99 ≤ ${target.maxP99Ms} ms (is ${s.p99Ms.toFixed(2)} ms)`,
        met: s.p99Ms <= target.maxP99Ms,
      });
    }
    if (target.maxRatio !== undefined) {
      const base = byName.get(target.maxRatio.baseline);
      if (base === undefined) continue;
      const ratio = ratioTo(s, base);
      results.push({
        case: target.case,
        description:
          `≤ ${target.maxRatio.ratio}× ${target.maxRatio.baseline}, paired (is ${ratio.paired.toFixed(2)}×; ` +
          `medians ${ratio.medians.toFixed(2)}×, minimums ${ratio.minimums.toFixed(2)}×)`,
        met: ratio.paired <= target.maxRatio.ratio,
      });
    }
  }
  return results;
}

/** The JSON written to bench/results/<area>-<name>.json. */
export interface BenchResult {
  schema: 1;
  area: string;
  name: string;
  title: string;
  adapter: string;
  /** The command that reproduces this result. */
  command: string;
  environment: BenchEnvironment;
  cases: CaseStats[];
  targets: TargetResult[];
  notes: string[];
  /** Results that are not timings (counts per configuration), rendered as tables. */
  tables?: BenchTable[];
}

export interface BenchTable {
  title: string;
  columns: string[];
  rows: string[][];
}

export interface BenchEnvironment {
  date: string;
  node: string;
  cpu: string;
  cpus: number;
  platform: string;
  commit: string;
}

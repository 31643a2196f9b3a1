/**
 * `npm run bench [-- FILTER...]`: runs every bench/<area>/<name>.bench.ts
 * (or those whose path contains a FILTER), prints a table per file with
 * Node version, CPU, commit and adapter in the header, and writes the raw
 * samples to bench/results/<area>-<name>.json (git-ignored). BENCHMARKS.md is
 * regenerated from those files by `npm run bench:report`.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  type BenchEnvironment,
  type BenchFile,
  type BenchResult,
  type CaseStats,
  checkTargets,
  formatRatio,
  type Measurement,
  ratioTo,
  summarize,
  type TimedBench,
} from "./support/bench.js";
import { environment } from "./support/environment.js";

const BENCH_DIR = fileURLToPath(new URL(".", import.meta.url));
const ROOT = join(BENCH_DIR, "..");

function benchFiles(filters: readonly string[]): string[] {
  return readdirSync(BENCH_DIR, { recursive: true, encoding: "utf8" })
    .filter((path) => path.endsWith(".bench.ts") && !path.startsWith("results"))
    .filter((path) => filters.length === 0 || filters.some((f) => path.includes(f)))
    .sort();
}

/** Times each case's `run()`, interleaved: every case's sample i runs next to the others' sample i. */
async function timeCases(bench: TimedBench): Promise<CaseStats[]> {
  const samples = bench.samples ?? 30;
  const warmup = bench.warmup ?? 3;
  const cases = bench.cases();
  const raw = cases.map(() => [] as number[]);
  for (let round = 0; round < warmup + samples; round++) {
    for (const [i, c] of cases.entries()) {
      const start = process.hrtime.bigint();
      await c.run();
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (round >= warmup) raw[i]!.push(ms);
    }
  }
  return cases.map((c, i) => summarize(c.name, raw[i]!));
}

async function runFile(path: string, env: BenchEnvironment): Promise<BenchResult> {
  const module = (await import(pathToFileURL(join(BENCH_DIR, path)).href)) as {
    default: BenchFile;
  };
  const bench = module.default;
  const [area = "misc", file = path] = path.split("/");
  const name = file.replace(/\.bench\.ts$/, "");
  await bench.setup?.();
  let stats: CaseStats[];
  let measured: Measurement | null = null;
  try {
    if ("measure" in bench) {
      measured = await bench.measure();
      stats = measured.cases.map((c) => summarize(c.name, c.rawMs));
    } else {
      stats = await timeCases(bench);
    }
  } finally {
    await bench.teardown?.();
  }
  for (const s of stats) {
    const baseline = bench.baselines?.[s.name];
    const base = stats.find((b) => b.name === baseline);
    if (baseline && base) s.ratio = ratioTo(s, base);
  }
  return {
    schema: 1,
    area,
    name,
    title: bench.title,
    adapter: bench.adapter,
    command: `npm run bench -- ${area}/${name}`,
    environment: env,
    cases: stats,
    targets: [...checkTargets(bench.targets ?? [], stats), ...(measured?.checked ?? [])],
    notes: [...(bench.notes ?? []), ...(measured?.notes ?? [])],
    ...(measured?.tables === undefined ? {} : { tables: measured.tables }),
  };
}

function format(result: BenchResult): string {
  const e = result.environment;
  const lines = [
    `## ${result.title}  (${result.area}/${result.name})`,
    `node ${e.node} | ${e.cpu} × ${e.cpus} | ${e.platform} | commit ${e.commit}`,
    `adapter: ${result.adapter}`,
    "",
  ];
  const header = ["case", "samples", "median ms", "p99 ms", "min ms", "max ms", "spread", "ratio"];
  const rows = result.cases.map((s) => [
    s.name,
    String(s.samples),
    s.medianMs.toFixed(2),
    s.p99Ms.toFixed(2),
    s.minMs.toFixed(2),
    s.maxMs.toFixed(2),
    `${(s.spread * 100).toFixed(0)}%`,
    s.ratio ? formatRatio(s.ratio) : "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows])
    lines.push(
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    );
  for (const t of result.targets)
    lines.push(`${t.met ? "MET " : "MISS"} ${t.case}: ${t.description}`);
  for (const table of result.tables ?? []) {
    lines.push(`${table.title}:`, `  ${table.columns.join(" | ")}`);
    for (const row of table.rows) lines.push(`  ${row.join(" | ")}`);
  }
  for (const n of result.notes) lines.push(`- ${n}`);
  return `${lines.join("\n")}\n`;
}

const filters = process.argv.slice(2);
const files = benchFiles(filters);
if (files.length === 0) {
  process.stderr.write(`no bench files match ${filters.join(" ") || "(all)"}\n`);
  process.exitCode = 2;
} else {
  const env = environment(ROOT);
  const resultsDir = join(BENCH_DIR, "results");
  mkdirSync(resultsDir, { recursive: true });
  for (const path of files) {
    const result = await runFile(path, env);
    const out = join(resultsDir, `${result.area}-${result.name}.json`);
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${format(result)}raw: ${relative(ROOT, out)}\n\n`);
  }
}

/**
 * Updates BENCHMARKS.md from the raw results in bench/results/*.json
 * (written by `npm run bench`, kept out of git). A section is replaced when
 * a result carries its title; every other section stays as it stands, so a
 * fresh clone that measured one area rewrites that area only. Each section
 * names the command that produced it, so every number can be reproduced.
 *
 *   npm run bench:report            write BENCHMARKS.md
 *   npm run bench:report -- --check exit 1 if BENCHMARKS.md is out of date
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchResult, formatRatio } from "../bench/support/bench.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const RESULTS = join(ROOT, "bench/results");
const OUTPUT = join(ROOT, "BENCHMARKS.md");

export function loadResults(dir: string): BenchResult[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), "utf8")) as BenchResult)
    .filter((result) => result.schema === 1);
}

const ms = (value: number) => value.toFixed(2);

/**
/**
 * Some sections come from the docs rather than bench/results, carried over as
 * they stand: the real-kernel timings, from guest runs (`npm run test:vm --
 * --entry agent-timing`, `npm run test:vm:systemd`, docs/vm-tests.md), and
 * how long `npm test` takes (docs/testing.md).
 */
const VM_DOC = new URL("../docs/vm-tests.md", import.meta.url);
const TESTING_DOC = new URL("../docs/testing.md", import.meta.url);

interface CarriedSection {
  doc: URL;
  heading: string;
  title: string;
  command: string;
}

const CARRIED: readonly CarriedSection[] = [
  {
    doc: VM_DOC,
    heading: "## The agent against the bare writes (TCG, for ratios only)",
    title: "## Real kernel (qemu guest): the agent against the bare writes",
    command:
      "Command: `npm run test:vm -- --entry agent-timing` (copied from docs/vm-tests.md; TCG, for ratios only)",
  },
  {
    doc: VM_DOC,
    heading: "## The systemd guest: unit start to boot bindings done",
    title: "## Real kernel under systemd (qemu guest): unit start → boot bindings done",
    command:
      "Command: `npm run test:vm:systemd` (copied from docs/vm-tests.md; TCG on a shared machine)",
  },
  {
    doc: TESTING_DOC,
    heading: "## How long `npm test` takes",
    title: "## The test suite: `npm test`",
    command: "Copied from docs/testing.md, which says how the tests run and why.",
  },
];

/** One carried section of `doc` under the benchmarks' title, or null when the doc lacks it. */
function carried(doc: string, s: CarriedSection): string | null {
  const start = doc.indexOf(s.heading);
  if (start < 0) return null;
  const next = doc.indexOf("\n## ", start + s.heading.length);
  const body = doc.slice(start + s.heading.length, next < 0 ? undefined : next).trim();
  return [s.title, "", s.command, "", body].join("\n");
}

export function vmTimingSection(doc: string): string | null {
  return carried(doc, CARRIED[0] as CarriedSection);
}

export function testTimeSection(doc: string): string | null {
  return carried(doc, CARRIED[2] as CarriedSection);
}

/** Every carried section of the docs that exist, in order. */
export function carriedSections(readDoc: (doc: URL) => string | null): string[] {
  return CARRIED.map((s) => {
    const text = readDoc(s.doc);
    return text === null ? null : carried(text, s);
  }).filter((x): x is string => x !== null);
}

const PREAMBLE = [
  "# Benchmarks",
  "",
  "Written by `npm run bench:report` from `bench/results/*.json`: a section is replaced",
  "when a new result carries its title, and the others stay as they were measured.",
  "Run `npm run bench` (or `npm run bench -- <area>/<name>`) to measure again, then",
  "report. Cases of one table run interleaved, sample by sample, so ratios to a",
  "baseline in the same run hold on noisy machines where absolute times do not.",
  "Spread is (p90 − p10) / median. Ratios are paired: the median of sample-by-sample",
  "ratios to the baseline run next to it (medians and minimums ratios follow in brackets).",
].join("\n");

/** One result as its section, starting with its "## " title line. */
function resultSection(r: BenchResult): string {
  const e = r.environment;
  const out = [
    `## ${r.title}`,
    "",
    `Command: \`${r.command}\`  `,
    `Adapter: ${r.adapter}  `,
    `Environment: Node ${e.node}, ${e.cpu} × ${e.cpus}, ${e.platform}, commit \`${e.commit}\`, ${e.date}`,
    "",
    "| case | samples | median ms | p99 ms | min ms | spread | ratio |",
    "|---|---:|---:|---:|---:|---:|---|",
  ];
  for (const c of r.cases) {
    const ratio = c.ratio ? formatRatio(c.ratio) : "";
    out.push(
      `| ${c.name} | ${c.samples} | ${ms(c.medianMs)} | ${ms(c.p99Ms)} | ${ms(c.minMs)} | ${(c.spread * 100).toFixed(0)} % | ${ratio} |`,
    );
  }
  if (r.targets.length > 0) {
    out.push("", "Targets:", "");
    for (const t of r.targets) {
      out.push(`- ${t.met ? "met" : "**missed**"}: ${t.case}, ${t.description}`);
    }
  }
  for (const table of r.tables ?? []) {
    out.push("", `${table.title}:`, "", `| ${table.columns.join(" | ")} |`);
    out.push(`|${table.columns.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`);
    for (const row of table.rows) out.push(`| ${row.join(" | ")} |`);
  }
  // Results written before notes existed have none.
  const notes = r.notes ?? [];
  if (notes.length > 0) out.push("", "Notes:", "", ...notes.map((n) => `- ${n}`));
  return out.join("\n");
}

/** The "## " sections of a document, in order, each keyed by its title line. */
export function sectionsOf(doc: string): { title: string; text: string }[] {
  const starts = [...doc.matchAll(/^## .*$/gm)].map((m) => m.index);
  return starts.map((start, i) => {
    const text = doc.slice(start, starts[i + 1] ?? doc.length).trimEnd();
    return { title: text.slice(0, text.indexOf("\n") < 0 ? undefined : text.indexOf("\n")), text };
  });
}

/** When a section was measured: the date its Environment line names, or null. */
function measuredAt(section: string): string | null {
  return /^Environment: .*, (\d{4}-\d\d-\d\dT\S+)\s*$/m.exec(section)?.[1] ?? null;
}

/**
 * The report: `current`'s sections in their order, each replaced by the
 * result or carried section of the same title when there is one (a result
 * older than the section it would replace is left out); new ones after them.
 */
export function renderReport(
  results: readonly BenchResult[],
  extra: readonly string[] = [],
  current = "",
): string {
  const fresh = new Map<string, string>();
  for (const section of [...results.map(resultSection), ...extra]) {
    fresh.set(sectionsOf(section)[0]?.title ?? section, section);
  }
  const out = [PREAMBLE];
  for (const { title, text } of sectionsOf(current)) {
    const next = fresh.get(title);
    fresh.delete(title);
    const [was, now] = [measuredAt(text), next && measuredAt(next)];
    out.push(next === undefined || (was && now && now < was) ? text : next);
  }
  out.push(...fresh.values());
  return `${out.join("\n\n")}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sections = carriedSections((doc) => (existsSync(doc) ? readFileSync(doc, "utf8") : null));
  const current = existsSync(OUTPUT) ? readFileSync(OUTPUT, "utf8") : "";
  const text = renderReport(loadResults(RESULTS), sections, current);
  if (process.argv.includes("--check")) {
    if (current !== text) {
      process.stderr.write("BENCHMARKS.md is out of date: run npm run bench:report\n");
      process.exitCode = 1;
    }
  } else {
    writeFileSync(OUTPUT, text);
    process.stdout.write(`wrote ${OUTPUT}\n`);
  }
}

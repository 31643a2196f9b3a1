import t from "tap";
import {
  type BenchResult,
  checkTargets,
  formatRatio,
  quantile,
  ratioTo,
  summarize,
} from "../../bench/support/bench.js";
import {
  carriedSections,
  renderReport,
  testTimeSection,
  vmTimingSection,
} from "../../scripts/bench-report.js";

t.test("quantiles interpolate between ranks", async (t) => {
  t.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  t.equal(quantile([5], 0.99), 5);
  t.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), 9.1);
  t.ok(Number.isNaN(quantile([], 0.5)));
});

t.test("a summary has median, p99, extremes and spread", async (t) => {
  const s = summarize("case", [10, 12, 11, 13, 100]);
  t.equal(s.samples, 5);
  t.equal(s.medianMs, 12);
  t.equal(s.minMs, 10);
  t.equal(s.maxMs, 100);
  t.ok(s.p99Ms > 90 && s.p99Ms <= 100);
  // p10 = 10.4, p90 = 65.2 → (65.2 − 10.4) / 12
  t.equal(Number(s.spread.toFixed(3)), 4.567);
  t.same(s.rawMs, [10, 12, 11, 13, 100], "raw samples kept in run order");
});

t.test("targets are met or missed on medians and ratios", async (t) => {
  const stats = [summarize("base", [10, 10, 10]), summarize("cli", [12, 12, 14])];
  const results = checkTargets(
    [
      { case: "cli", maxRatio: { baseline: "base", ratio: 1.3 } },
      { case: "cli", maxMedianMs: 11 },
      { case: "absent", maxMedianMs: 1 },
    ],
    stats,
  );
  t.same(
    results.map((r) => [r.case, r.met]),
    [
      ["cli", true],
      ["cli", false],
    ],
  );
  t.match(results[0]!.description, "≤ 1.3× base, paired (is 1.20×; medians 1.20×, minimums 1.20×)");
});

t.test("paired ratios cancel load that drifts during a run", async (t) => {
  // The machine slows down tenfold half-way; the case is always 1.2× its neighbour.
  const base = summarize("base", [10, 10, 10, 100, 100, 100]);
  const slow = summarize("case", [12, 12, 12, 120, 120, 120]);
  const ratio = ratioTo(slow, base);
  t.equal(Number(ratio.paired.toFixed(3)), 1.2);
  t.equal(Number(ratio.minimums.toFixed(3)), 1.2);
  t.equal(formatRatio(ratio), "1.20× base (medians 1.20×, minimums 1.20×)");
  const skewed = ratioTo(summarize("c", [12, 12, 12, 12, 120, 120]), base);
  t.equal(Number(skewed.paired.toFixed(3)), 1.2);
  t.ok(skewed.medians < 0.5, "medians alone would be fooled by the drift");
});

t.test("the report names the command behind each table", async (t) => {
  const result: BenchResult = {
    schema: 1,
    area: "cli",
    name: "status",
    title: "Start-up",
    adapter: "built CLI",
    command: "npm run bench -- cli/status",
    environment: {
      date: "2026-01-01T00:00:00.000Z",
      node: "v20.0.0",
      cpu: "CPU",
      cpus: 2,
      platform: "linux",
      commit: "abc1234",
    },
    cases: [{ ...summarize("node -e 0", [50, 52]), ratio: undefined }],
    targets: [{ case: "node -e 0", description: "median ≤ 60 ms", met: true }],
    notes: ["Start-up is mostly module loading."],
  };
  const text = renderReport([result]);
  t.match(text, "## Start-up");
  t.match(text, "Command: `npm run bench -- cli/status`");
  t.match(text, "| node -e 0 | 2 | 51.00 |");
  t.match(text, "- met: node -e 0, median ≤ 60 ms");
  t.match(text, "commit `abc1234`");
  t.match(text, "- Start-up is mostly module loading.");

  // Measuring one area rewrites that area only, in place; an older result changes nothing.
  const current = [
    "# Benchmarks\n\nold preamble",
    "## Fleet\n\nEnvironment: x, 2025-06-01T00:00:00.000Z\n\n| kept by hand |",
    "## Start-up\n\nEnvironment: y, 2025-12-01T00:00:00.000Z\n\n| old numbers |",
    "## Holder scan\n\n| kept too |",
  ].join("\n\n");
  const merged = renderReport([result], [], current);
  const titles = [...merged.matchAll(/^## .*$/gm)].map((m) => m[0]);
  t.same(titles, ["## Fleet", "## Start-up", "## Holder scan"], "same sections, same order");
  t.match(merged, "| kept by hand |");
  t.match(merged, "| kept too |");
  t.match(merged, "| node -e 0 | 2 | 51.00 |");
  t.notMatch(merged, "| old numbers |");
  t.notMatch(merged, "old preamble");
  const newer = current.replace("2025-12-01", "2026-06-01");
  t.match(renderReport([result], [], newer), "| old numbers |", "an older result is left out");
  t.equal(renderReport([], [], merged), merged, "no results: the document as it stands");
});

t.test("the real-kernel timing section is carried over from the VM doc", async (t) => {
  const doc =
    "# x\n\n## The agent against the bare writes (TCG, for ratios only)\n\n| a | b |\n\n## Next\nno";
  const section = vmTimingSection(doc);
  t.match(section, /^## Real kernel \(qemu guest\)/);
  t.match(section, /\| a \| b \|/);
  t.notMatch(section, /Next/);
  t.equal(vmTimingSection("# nothing here"), null);
  t.match(renderReport([], [section!]), /## Real kernel/);
});

t.test("the systemd guest's section is carried over too, after the first", async (t) => {
  const doc =
    "## The systemd guest: unit start to boot bindings done\n\n| start | 9 |\n\n## Other\n" +
    "## The agent against the bare writes (TCG, for ratios only)\n\n| a |\n";
  const sections = carriedSections((url) => (url.pathname.endsWith("vm-tests.md") ? doc : null));
  t.equal(sections.length, 2);
  t.match(sections[0], /^## Real kernel \(qemu guest\)/);
  t.match(sections[1], /^## Real kernel under systemd[^\n]*\n\nCommand: `npm run test:vm:systemd`/);
  t.match(sections[1], /\| start \| 9 \|/);
  t.notMatch(sections[1], /Other/);
});

t.test("the npm test timing section is carried over from the testing doc", async (t) => {
  const doc =
    "# x\n\n## How long `npm test` takes\n\nCommand: `npm test`\n\n| wall |\n\n## Next\nno";
  const section = testTimeSection(doc);
  t.match(section, /^## The test suite: `npm test`\n\nCopied from docs\/testing\.md/);
  t.match(section, /Command: `npm test`\n\n\| wall \|$/);
  t.notMatch(section, /Next/);
  t.equal(testTimeSection("# nothing here"), null);
});

/**
 * `npm run test:vm`: builds (or reuses) the guest image, boots one qemu
 * guest per (entry, configuration), and prints every guest result as TAP.
 * Exit 1 on any failure; exit 0 with a SKIP line where qemu cannot run here
 * (unless ENI_VM_REQUIRE=1, as CI sets it, which turns the skip into a failure).
 *
 *   npm run test:vm -- [--entry smoke] [--config viommu] [--jobs 2] [--verbose] [--build-only]
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { GUEST_CONFIGS, type GuestConfigName } from "./guest-entry.js";
import { harnessEnv } from "./harness-env.js";
import { buildGuestImage } from "./image/build-guest-image.js";
import { Apt, onPath } from "./image/debian-packages.js";
import { loadEntries } from "./load-entries.js";
import { type BootOutcome, boot, detectAccel } from "./qemu.js";
import { mapLimit, type TapWriter } from "./tap-writer.js";

const QEMU = "qemu-system-x86_64";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      entry: { type: "string", multiple: true },
      config: { type: "string", multiple: true },
      jobs: { type: "string" },
      verbose: { type: "boolean", default: false },
      "build-only": { type: "boolean", default: false },
    },
  });
  const { vmDir, cacheDir, log, tap, wallStart, skip } = harnessEnv("vm tests");
  // The guest runs the host's own node binary, so the host must be x86-64 too.
  if (process.arch !== "x64") return skip(`the guest is x86-64; this host is ${process.arch}`);
  if (!Apt.usable()) return skip("building the guest needs root with apt-get, apt-cache, dpkg-deb");
  const apt = new Apt(log);
  if (!onPath(QEMU)) {
    try {
      apt.install(["qemu-system-x86"]);
    } catch (err) {
      return skip(`${QEMU} is missing and could not be installed: ${(err as Error).message}`);
    }
  }
  mkdirSync(join(cacheDir, "logs"), { recursive: true });

  const wantEntries = values.entry;
  const wantConfigs = values.config as GuestConfigName[] | undefined;
  const entries = (await loadEntries(join(vmDir, "entries"))).filter(
    (e) => wantEntries === undefined || wantEntries.includes(e.name),
  );
  const image = await buildGuestImage({
    vmDir,
    cacheDir,
    entryNames: entries.map((e) => e.name),
    apt,
    log,
  });
  const mb = (image.initrdBytes / 2 ** 20).toFixed(1);
  log(
    `image: ${image.built} in ${(image.buildMs / 1000).toFixed(1)} s; kernel ${image.kernelVersion}, initramfs ${mb} MiB`,
  );
  if (values["build-only"]) return 0;

  const accel = (process.env.ENI_VM_ACCEL as "tcg" | "kvm" | undefined) ?? detectAccel();
  const boots = entries.flatMap((e) =>
    e.configs
      .filter((c) => wantConfigs === undefined || wantConfigs.includes(c))
      .map((c) => ({ entry: e, config: GUEST_CONFIGS[c] })),
  );
  const jobs = Number(values.jobs ?? process.env.ENI_VM_JOBS ?? defaultJobs());
  log(`${boots.length} boots, accel ${accel}, ${jobs} at a time`);
  const timings: Record<string, unknown>[] = [];
  await mapLimit(boots, jobs, async ({ entry, config }) => {
    const label = `${config.name}/${entry.name}`;
    let logPath = join(cacheDir, "logs", `${config.name}-${entry.name}.log`);
    const spec = {
      kernel: image.kernel,
      initrd: image.initrd,
      config,
      entry: entry.name,
      nics: entry.nics,
      virtioNic: entry.virtioNic,
      accel,
      nonce: randomBytes(8).toString("hex"),
      memoryMb: 1024,
      timeoutMs: entry.timeoutMs,
      logPath,
      verbose: values.verbose,
    };
    let outcome = await boot(spec);
    // A guest that died before its program started says nothing about
    // eni-agent (a kernel starved by a busy host); boot it once more.
    if (outcome.beginMs === undefined) {
      log(`${label}: ${outcome.error} (log ${logPath}); booting again`);
      logPath = logPath.replace(/\.log$/, ".retry.log");
      outcome = await boot({ ...spec, logPath, nonce: randomBytes(8).toString("hex") });
    }
    report(tap, label, outcome, logPath);
    timings.push({ boot: label, ...summarize(outcome) });
  });

  const wallS = ((performance.now() - wallStart) / 1000).toFixed(1);
  writeFileSync(
    join(cacheDir, "last-run.json"),
    JSON.stringify(
      { accel, jobs, image: { ...image, buildMs: image.buildMs }, wallS, timings },
      null,
      2,
    ),
  );
  tap.end(`${boots.length} boots, image ${image.built}, wall ${wallS} s`);
  return tap.failed > 0 ? 1 : 0;
}

/** One TAP line per guest result, plus one for the boot itself. */
function report(tap: TapWriter, label: string, o: BootOutcome, logPath: string): void {
  const s = summarize(o);
  const timing = `qemu→program ${s.toProgramS ?? "-"} s, results ${s.toResultsS ?? "-"} s, exit ${s.exitS} s`;
  const tail = o.log.split("\n").slice(-40).join("\n");
  tap.point(o.error === undefined, `${label}: guest booted and reported (${timing})`, {
    ...(o.error === undefined ? {} : { error: o.error, log: logPath, tail }),
  });
  for (const r of o.results) {
    const diagnostics: Record<string, string> = {};
    if (r.report !== undefined) diagnostics.report = r.report;
    if (!r.ok) Object.assign(diagnostics, { detail: r.detail ?? "", log: logPath });
    tap.point(r.ok, `${label}: ${r.id}`, diagnostics);
  }
}

function summarize(o: BootOutcome) {
  const s = (ms: number | undefined) =>
    ms === undefined ? undefined : Number((ms / 1000).toFixed(2));
  return {
    toProgramS: s(o.beginMs),
    toResultsS: s(o.endMs),
    exitS: s(o.exitMs),
    guestUptimeAtStartS: o.guestUptimeS,
    entryRunS: s(o.runMs),
    results: o.results.length,
    error: o.error,
  };
}

/** TCG runs each single-vCPU guest on about one host core. */
function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stdout.write(
      `not ok - vm harness crashed\n# ${String((err as Error)?.stack ?? err)}\n`,
    );
    process.exitCode = 1;
  },
);

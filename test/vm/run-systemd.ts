/**
 * `npm run test:vm:systemd`: the systemd guest. Builds (or reuses) its image,
 * boots it twice on one disk (systemd-install, then systemd-reboot), and
 * prints every guest result as TAP. Exit 1 on any failure; exit 0 with a
 * SKIP line where it cannot run here (unless ENI_VM_REQUIRE=1).
 *
 *   npm run test:vm:systemd -- [--build-only] [--keep-disk]
 */
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { GUEST_CONFIGS } from "./guest-entry.js";
import { harnessEnv } from "./harness-env.js";
import { Apt, onPath } from "./image/debian-packages.js";
import { type BootOutcome, boot, detectAccel } from "./qemu.js";
import { buildSystemdImage, SYSTEMD_ENTRIES } from "./systemd/systemd-image.js";
import type { TapWriter } from "./tap-writer.js";

const QEMU = "qemu-system-x86_64";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      "build-only": { type: "boolean", default: false },
      "keep-disk": { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
    },
  });
  const { vmDir, repoRoot, cacheDir, log, tap, wallStart, skip } = harnessEnv("systemd vm tests");
  if (process.arch !== "x64") return skip(`the guest is x86-64; this host is ${process.arch}`);
  if (!Apt.usable()) return skip("building the guest needs root with apt-get, apt-cache, dpkg-deb");
  const apt = new Apt(log);
  try {
    const missing = [
      ...(onPath(QEMU) ? [] : ["qemu-system-x86"]),
      ...(onPath("mmdebstrap") ? [] : ["mmdebstrap"]),
      ...(onPath("mkfs.ext4") ? [] : ["e2fsprogs"]),
    ];
    if (missing.length > 0) apt.install(missing);
  } catch (err) {
    return skip(`cannot install what the guest needs: ${(err as Error).message}`);
  }
  mkdirSync(join(cacheDir, "logs"), { recursive: true });
  const image = await buildSystemdImage({ vmDir, repoRoot, cacheDir, apt, log });
  log(
    `image: built ${image.built.join(", ") || "nothing (cached)"} in ${(image.buildMs / 1000).toFixed(1)} s; kernel ${image.kernelVersion}, ${image.tarball}`,
  );
  if (values["build-only"]) return 0;

  const accel = (process.env.ENI_VM_ACCEL as "tcg" | "kvm" | undefined) ?? detectAccel();
  // The guest writes to its disk, and the second boot must find what the first left.
  const disk = join(cacheDir, "systemd-run.img");
  copyFileSync(image.disk, disk);
  const timings: Record<string, unknown>[] = [];
  for (const entry of SYSTEMD_ENTRIES) {
    const logPath = join(cacheDir, "logs", `systemd-${entry}.log`);
    const consoleLogPath = join(cacheDir, "logs", `systemd-${entry}.console.log`);
    const started = performance.now();
    const outcome = await boot({
      kernel: image.kernel,
      initrd: image.initrd,
      config: GUEST_CONFIGS.viommu,
      entry,
      nics: 3,
      virtioNic: false,
      accel,
      nonce: randomBytes(8).toString("hex"),
      memoryMb: 1536,
      timeoutMs: entry === "systemd-install" ? 1_500_000 : 600_000,
      logPath,
      verbose: values.verbose,
      disk: { path: disk, consoleLogPath },
      extraCmdline: ["net.ifnames=0", "systemd.show_status=false"],
      isolatedNetwork: true,
    });
    report(tap, entry, outcome, logPath, consoleLogPath);
    timings.push({
      boot: entry,
      wallS: Number(((performance.now() - started) / 1000).toFixed(1)),
      toProgramS: outcome.beginMs === undefined ? null : outcome.beginMs / 1000,
      guestUptimeAtStartS: outcome.guestUptimeS,
      entryRunS: outcome.runMs === undefined ? null : outcome.runMs / 1000,
      error: outcome.error,
    });
    if (outcome.error !== undefined) break;
  }
  if (!values["keep-disk"]) rmSync(disk, { force: true });
  const wallS = ((performance.now() - wallStart) / 1000).toFixed(1);
  writeFileSync(
    join(cacheDir, "last-systemd-run.json"),
    JSON.stringify({ accel, image, wallS, timings }, null, 2),
  );
  tap.end(
    `systemd guest: ${timings.length} boots, image ${image.built.join("+") || "cached"}, wall ${wallS} s`,
  );
  return tap.failed > 0 ? 1 : 0;
}

function report(
  tap: TapWriter,
  entry: string,
  o: BootOutcome,
  logPath: string,
  consoleLogPath: string,
): void {
  const s = (ms: number | undefined) => (ms === undefined ? "-" : (ms / 1000).toFixed(1));
  const timing = `qemu→program ${s(o.beginMs)} s (guest uptime ${o.guestUptimeS ?? "-"} s), results ${s(o.endMs)} s, exit ${s(o.exitMs)} s`;
  tap.point(o.error === undefined, `systemd/${entry}: guest booted and reported (${timing})`, {
    ...(o.error === undefined
      ? {}
      : {
          error: o.error,
          log: logPath,
          console: consoleLogPath,
          tail: o.log.split("\n").slice(-40).join("\n"),
        }),
  });
  for (const r of o.results) {
    const diagnostics: Record<string, string> = {};
    if (r.report !== undefined) diagnostics.report = r.report;
    if (!r.ok)
      Object.assign(diagnostics, { detail: r.detail ?? "", log: logPath, console: consoleLogPath });
    tap.point(r.ok, `systemd/${entry}: ${r.id}`, diagnostics);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stdout.write(
      `not ok - systemd vm harness crashed\n# ${String((err as Error)?.stack ?? err)}\n`,
    );
    process.exitCode = 1;
  },
);

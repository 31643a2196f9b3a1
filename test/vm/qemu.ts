import { spawn } from "node:child_process";
import { accessSync, appendFileSync, constants, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseEvent } from "./guest/protocol.js";
import type { GuestConfig, GuestResult } from "./guest-entry.js";

export type Accel = "tcg" | "kvm";

/**
 * KVM only where a hardware KVM module is loaded. On the machines this
 * project's CI uses, /dev/kvm exists but is a nested-virtualization layer
 * that cannot boot a stock kernel, so its mere presence means nothing.
 */
export function detectAccel(sysRoot = "/sys", devRoot = "/dev"): Accel {
  const hardware = ["kvm_intel", "kvm_amd"].some((m) => existsSync(join(sysRoot, "module", m)));
  if (!hardware) return "tcg";
  try {
    accessSync(join(devRoot, "kvm"), constants.R_OK | constants.W_OK);
    return "kvm";
  } catch {
    return "tcg";
  }
}

export interface BootSpec {
  kernel: string;
  initrd: string;
  config: GuestConfig;
  entry: string;
  nics: number;
  virtioNic: boolean;
  accel: Accel;
  nonce: string;
  memoryMb: number;
  timeoutMs: number;
  /** Where the whole serial console is saved. */
  logPath: string;
  /** Keep kernel boot messages on the console (slower under TCG). */
  verbose: boolean;
  /**
   * A raw disk image attached as virtio-blk (the systemd guest's root). With
   * it the guest also gets a second serial port: the console (ttyS0) goes to
   * `consoleLogPath` and the protocol comes back on ttyS1, away from what
   * systemd and the kernel print.
   */
  disk?: { path: string; consoleLogPath: string };
  /** More words for the kernel command line. */
  extraCmdline?: readonly string[];
  /** Keep the guest's user-mode network from reaching anything outside qemu. */
  isolatedNetwork?: boolean;
}

/** The qemu command line for one boot (without the binary). */
export function qemuArgs(spec: BootSpec): string[] {
  const accel =
    spec.accel === "kvm" ? ["-accel", "kvm", "-cpu", "host"] : ["-accel", "tcg", "-cpu", "max"];
  const machine = spec.config.iommu
    ? ["-machine", "q35,kernel-irqchip=split", "-device", "intel-iommu,intremap=on"]
    : ["-machine", "q35"];
  // Each NIC behind its own root port (00:10.0, 00:11.0, …), so each sits
  // on its own bus (01:00.0, 02:00.0, …) and in its own IOMMU group.
  const nics: string[] = [];
  for (let i = 0; i < spec.nics; i++) {
    const addr = (0x10 + i).toString(16);
    nics.push(
      "-device",
      `pcie-root-port,id=rp${i},bus=pcie.0,chassis=${i + 1},addr=${addr}`,
      "-device",
      // romfile= : no option ROM; PVH boot needs none, and the host may lack ipxe.
      `e1000e,bus=rp${i},netdev=n${i},romfile=`,
      "-netdev",
      // restrict: nothing leaves qemu; no IPv6: no router advertisement gives
      // every NIC a default route.
      `user,id=n${i}${spec.isolatedNetwork ? ",restrict=on,ipv6=off" : ""}`,
    );
  }
  if (spec.virtioNic) {
    const i = spec.nics;
    nics.push(
      "-device",
      `pcie-root-port,id=rp${i},bus=pcie.0,chassis=${i + 1},addr=${(0x10 + i).toString(16)}`,
      "-device",
      `virtio-net-pci,bus=rp${i},netdev=n${i},romfile=`,
      "-netdev",
      `user,id=n${i}`,
    );
  }
  const cmdline = [
    "console=ttyS0",
    "panic=-1",
    // The kernel checks that the timer ticks within a few ms of emulated time;
    // a TCG vCPU starved by a busy host can miss that, and with interrupt
    // remapping (viommu) the kernel then panics instead of working around it.
    "no_timer_check",
    ...(spec.verbose ? [] : ["quiet"]),
    ...(spec.config.iommu ? ["intel_iommu=on"] : []),
    `eni.entry=${spec.entry}`,
    `eni.config=${spec.config.name}`,
    `eni.nics=${spec.nics}`,
    `eni.virtio=${spec.virtioNic ? 1 : 0}`,
    `eni.nonce=${spec.nonce}`,
    ...(spec.extraCmdline ?? []),
  ].join(" ");
  const disk =
    spec.disk === undefined
      ? []
      : [
          "-drive",
          `file=${spec.disk.path},format=raw,if=none,id=root`,
          "-device",
          "virtio-blk-pci,drive=root,bus=pcie.0,addr=0x8",
        ];
  const serial =
    spec.disk === undefined
      ? ["-serial", "stdio"]
      : ["-serial", `file:${spec.disk.consoleLogPath}`, "-serial", "stdio"];
  return [
    ...accel,
    ...machine,
    "-m",
    String(spec.memoryMb),
    "-smp",
    "1",
    "-nodefaults",
    "-nographic",
    "-no-reboot",
    ...serial,
    "-kernel",
    spec.kernel,
    "-initrd",
    spec.initrd,
    "-append",
    cmdline,
    ...disk,
    ...nics,
  ];
}

export interface BootOutcome {
  results: GuestResult[];
  /** Set when the guest did not report a complete run. */
  error?: string;
  /** ms from qemu start: guest program began, results complete, qemu exited. */
  beginMs?: number;
  endMs?: number;
  exitMs: number;
  /** Guest uptime when its program began (kernel + /init + node start). */
  guestUptimeS?: number;
  /** The entry's own run time in the guest. */
  runMs?: number;
  log: string;
}

/** Boots one guest, collects its protocol events, and saves the console log. */
export function boot(spec: BootSpec, qemu = "qemu-system-x86_64"): Promise<BootOutcome> {
  const started = performance.now();
  const since = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const child = spawn(qemu, qemuArgs(spec), { stdio: ["ignore", "pipe", "pipe"] });
    const out: BootOutcome = { results: [], exitMs: 0, log: "" };
    let pending = "";
    let expected: number | undefined;
    let settled = false;
    const timer = setTimeout(() => {
      out.error ??= `timed out after ${spec.timeoutMs} ms`;
      child.kill("SIGKILL");
    }, spec.timeoutMs);
    // After the results the guest powers off; do not wait forever for that.
    let grace: NodeJS.Timeout | undefined;

    const onLine = (line: string) => {
      let event: ReturnType<typeof parseEvent>;
      try {
        event = parseEvent(spec.nonce, line);
      } catch (err) {
        out.error ??= (err as Error).message;
        return;
      }
      if (event === undefined) return;
      if (event.kind === "begin") {
        out.beginMs = since();
        out.guestUptimeS = event.uptimeS;
      } else if (event.kind === "result") {
        out.results.push(event.result);
      } else {
        out.endMs = since();
        out.runMs = event.runMs;
        expected = event.count;
        grace = setTimeout(() => child.kill("SIGKILL"), 15_000);
      }
    };
    // Decoded by the stream, so a character split across chunks stays whole.
    child.stdout.setEncoding("utf8");
    // The log grows as the guest prints, so a long boot can be followed.
    writeFileSync(spec.logPath, "");
    const onData = (text: string) => {
      appendFileSync(spec.logPath, text);
      out.log += text;
      pending += text;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) onLine(line);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => {
      appendFileSync(spec.logPath, chunk);
      out.log += chunk.toString("utf8");
    });
    const finish = (how: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (grace) clearTimeout(grace);
      if (pending !== "") onLine(pending);
      out.exitMs = since();
      if (out.beginMs === undefined) out.error ??= `guest program never started (${how})`;
      else if (expected === undefined) out.error ??= `guest ended without an end marker (${how})`;
      else if (expected !== out.results.length) {
        out.error ??= `guest announced ${expected} results, sent ${out.results.length}`;
      }
      resolve(out);
    };
    child.on("error", (err) => {
      out.error ??= `cannot start ${qemu}: ${err.message}`;
      finish("spawn error");
    });
    child.on("close", (code, signal) => finish(`qemu exit ${code ?? signal}`));
  });
}

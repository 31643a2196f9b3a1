import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import {
  EMULATED_NIC_ID,
  GUEST_CONFIGS,
  type GuestConfigName,
  type GuestContext,
  type GuestEntryModule,
  type GuestResult,
} from "../guest-entry.js";
import { CHILD_FLAG } from "./guest-child.js";
import { formatEvent, parseCmdline } from "./protocol.js";

/** Paths the guest's /init prepares (see init.sh). */
export const GUEST_PATHS = {
  stateDir: "/var/lib/eni-agent",
  configPath: "/etc/eni-agent/config.json",
} as const;

/**
 * The guest's program: picks the entry and configuration named on the
 * kernel command line (eni.entry, eni.config, eni.nonce), runs the entry's
 * setup snippet and then the entry, and reports every result on stdout, which
 * /init wires to the serial console. Never throws: a crash becomes a failed
 * result so the host always gets an `end` line when node survives.
 */
export async function runGuest(entries: Record<string, GuestEntryModule>): Promise<void> {
  if (process.argv[2] === CHILD_FLAG) return runChild(entries, process.argv.slice(3));
  const args = parseCmdline(readFileSync("/proc/cmdline", "utf8"));
  const nonce = args.get("eni.nonce") ?? "missing-nonce";
  const entryName = args.get("eni.entry") ?? "";
  const configName = (args.get("eni.config") ?? "") as GuestConfigName;
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const uptimeS = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
  print(formatEvent(nonce, { kind: "begin", entry: entryName, config: configName, uptimeS }));

  const started = performance.now();
  const nics = {
    nics: Number(args.get("eni.nics") ?? "0"),
    virtioNic: args.get("eni.virtio") === "1",
  };
  const results = await runEntry(entries[entryName], configName, entryName, nics);
  for (const result of results) print(formatEvent(nonce, { kind: "result", result }));
  const runMs = Math.round(performance.now() - started);
  print(formatEvent(nonce, { kind: "end", count: results.length, runMs }));
}

/**
 * A child program of an entry (see GuestEntryModule.children), started by
 * spawnGuestChild. Its failure is its exit status; the parent decides.
 */
async function runChild(
  entries: Record<string, GuestEntryModule>,
  [entryName = "", childName = "", ...args]: readonly string[],
): Promise<void> {
  const child = entries[entryName]?.children?.[childName];
  if (child === undefined) {
    process.stderr.write(`guest: no child ${childName} in entry ${entryName}\n`);
    process.exitCode = 2;
    return;
  }
  await child(args);
}

async function runEntry(
  entry: GuestEntryModule | undefined,
  configName: GuestConfigName,
  entryName: string,
  nics: Pick<GuestContext, "nics" | "virtioNic">,
): Promise<GuestResult[]> {
  const config = GUEST_CONFIGS[configName];
  if (typeof entry?.run !== "function" || config === undefined) {
    return [{ id: "guest", ok: false, detail: `no entry ${entryName} / config ${configName}` }];
  }
  const ctx: GuestContext = {
    config,
    sysRoot: "/sys",
    devRoot: "/dev",
    procRoot: "/proc",
    stateDir: GUEST_PATHS.stateDir,
    configPath: GUEST_PATHS.configPath,
    allowedDevices: [EMULATED_NIC_ID],
    ...nics,
    log: (message) => process.stdout.write(`[${entryName}] ${message}\n`),
  };
  try {
    if (entry.setup !== undefined) {
      execFileSync("/bin/sh", ["-ec", entry.setup], { stdio: "inherit" });
    }
    const results = await entry.run(ctx);
    if (!Array.isArray(results) || results.length === 0) {
      return [{ id: "guest", ok: false, detail: "the entry returned no results" }];
    }
    return results.map((r) => ({
      id: String(r.id),
      ok: r.ok === true,
      detail: r.detail,
      report: r.report,
    }));
  } catch (err) {
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    return [{ id: "guest", ok: false, detail: `the entry threw: ${detail}` }];
  }
}

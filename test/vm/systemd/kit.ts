/**
 * What the systemd guest's entries share: running programs (systemctl,
 * journalctl, the installed eni-agent) and reading what systemd says.
 * Everything here runs inside the guest, as root.
 */
import { spawnSync } from "node:child_process";
import type { GuestContext } from "../guest-entry.js";
import type { Checks } from "../kit/checks.js";

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  input?: string;
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs a program to its end (bounded: 120 s by default). */
export function run(cmd: string, args: readonly string[], o: RunOptions = {}): Ran {
  const started = performance.now();
  const r = spawnSync(cmd, args, {
    encoding: "utf8",
    input: o.input,
    cwd: o.cwd,
    env: { ...process.env, ...o.env },
    timeout: o.timeoutMs ?? 120_000,
    maxBuffer: 64 << 20,
  });
  return {
    code: r.status,
    stdout: r.stdout ?? "",
    stderr: `${r.stderr ?? ""}${r.error ? `\n(${r.error.message})` : ""}`,
    ms: Math.round(performance.now() - started),
  };
}

/** A shell script (sh -e), for the README's steps. */
export function sh(script: string, o: RunOptions = {}): Ran {
  return run("/bin/sh", ["-ec", script], o);
}

/** `cmd` as `user` (their groups included), the way a login would run it. */
export function asUser(
  user: string,
  cmd: string,
  args: readonly string[],
  o: RunOptions = {},
): Ran {
  return run("runuser", ["-u", user, "--", cmd, ...args], o);
}

/** One property of a unit (`systemctl show -p NAME --value`). */
export function unitProp(unit: string, name: string): string {
  return run("systemctl", ["show", unit, "-p", name, "--value"]).stdout.trim();
}

/** A unit's timestamp property in monotonic microseconds (…TimestampMonotonic). */
export function unitMonotonicUs(unit: string, name: string): number {
  return Number(unitProp(unit, `${name}TimestampMonotonic`));
}

/** The daemon's log lines (its JSON on stdout) for this boot, with journald's fields. */
export interface DaemonRecord {
  /** journald's receive time, monotonic µs since boot. */
  monotonicUs: number;
  invocation: string;
  fields: Record<string, unknown>;
  line: Record<string, unknown>;
}

export function daemonRecords(unit = "eni-agent.service"): DaemonRecord[] {
  const r = run("journalctl", ["-b", "-u", unit, "-o", "json", "--no-pager"]);
  const out: DaemonRecord[] = [];
  for (const text of r.stdout.split("\n")) {
    if (text.trim() === "") continue;
    const fields = JSON.parse(text) as Record<string, unknown>;
    const message = fields.MESSAGE;
    if (typeof message !== "string" || !message.startsWith("{")) continue;
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(message) as Record<string, unknown>;
    } catch {
      continue;
    }
    out.push({
      monotonicUs: Number(fields.__MONOTONIC_TIMESTAMP),
      invocation: String(fields._SYSTEMD_INVOCATION_ID ?? ""),
      fields,
      line,
    });
  }
  return out;
}

/** Waits (polling every 100 ms) until `check` is true; false after `ms`. */
export async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  for (;;) {
    if (check()) return true;
    if (performance.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The last lines of the unit's journal, for a failure's detail. */
export function journalTail(unit = "eni-agent.service", lines = 30): string {
  return run("journalctl", ["-b", "-u", unit, "-n", String(lines), "--no-pager", "-o", "cat"])
    .stdout;
}

/** "exit 4: <stderr>" for details. */
export function describe(r: Ran): string {
  return `exit ${r.code} in ${r.ms} ms\nstdout: ${r.stdout.slice(-1500)}\nstderr: ${r.stderr.slice(-1500)}`;
}

/** Runs one step and adds its duration to the report of each result it made. */
export async function timed(
  checks: Checks,
  ctx: GuestContext,
  id: string,
  step: () => unknown,
): Promise<void> {
  const first = checks.results.length;
  const started = performance.now();
  await checks.attempt(id, async () => step());
  const took = `step ${((performance.now() - started) / 1000).toFixed(1)} s`;
  ctx.log(`${id}: ${took}`);
  for (const r of checks.results.slice(first)) r.report = r.report ? `${r.report}; ${took}` : took;
}

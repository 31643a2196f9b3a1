/**
 * What every row and check of the suite shares: the target, the placeholder
 * values, the interface names A, B and C had at the start (eth0, eth1, eth2
 * of the facts stand for them), and the "baseline" every group starts from:
 * the three NICs bound to their kernel driver, no override.
 */

import type { Subject } from "./conformance-rows.js";
import type { ConformanceResult, ConformanceTarget } from "./conformance-types.js";
import { type DevState, establish, parseState, readState, tryWrite } from "./device-state.js";

export interface RunContext {
  target: ConformanceTarget;
  /** Placeholder → value, e.g. "{A}" → "0000:01:00.0". */
  subs: Record<string, string>;
  /** Interface names of A, B, C at the baseline. */
  names: [string, string, string];
  /** Canonical device paths under the sysfs root ("devices/pci0000:00/…/0000:01:00.0"). */
  paths: Record<"A" | "B" | "C", string>;
}

export function addressOf(ctx: RunContext, subject: Subject): string {
  const t = ctx.target;
  if (subject === "hex") return t.unboundHex ?? "";
  const [a, b, c] = t.nics;
  return { A: a, B: b, C: c }[subject];
}

/** Fills placeholders ({A}, {nic}, …) in a file name, value or notation. */
export function expand(ctx: RunContext, text: string): string {
  return text.replace(/\{[A-Za-z]+\}/g, (key) => ctx.subs[key] ?? key);
}

/** Expands a notation or state: placeholders, and eth0/eth1/eth2 → the names A, B, C had. */
export function expandState(ctx: RunContext, spec: string | DevState): DevState {
  const state = typeof spec === "string" ? parseState(expand(ctx, spec)) : { ...spec };
  if (state.drv !== null) state.drv = expand(ctx, state.drv);
  if (state.ovr !== null) state.ovr = expand(ctx, state.ovr);
  if (state.net !== undefined) {
    state.net = state.net.replace(/\beth([012])\b/g, (_, i: string) => ctx.names[Number(i)]!);
  }
  return state;
}

export async function prepareContext(target: ConformanceTarget): Promise<RunContext> {
  const [a, b, c] = target.nics;
  const hex = target.unboundHex ?? "";
  const subs: Record<string, string> = {
    "{A}": a,
    "{B}": b,
    "{C}": c,
    "{Ashort}": a.slice(5),
    "{nic}": target.nicDriver,
    "{nicId}": target.nicId,
    "{nicVendor}": target.nicId.split(" ")[0] ?? "",
    "{absent}": target.absent,
    "{bridge}": target.bridge ?? "",
    "{hex}": hex.toLowerCase(),
    "{HEX}": hex.toUpperCase(),
  };
  const paths = { A: "", B: "", C: "" };
  for (const [key, address] of [
    ["A", a],
    ["B", b],
    ["C", c],
  ] as const) {
    const link = await target.sysfs.readlink(`bus/pci/devices/${address}`);
    paths[key] = link.replace(/^(\.\.\/)+/, "");
  }
  const ctx: RunContext = { target, subs, names: ["", "", ""], paths };
  await normalize(ctx);
  return ctx;
}

/**
 * Binds A, B, C to the NIC driver in that order so that, with lowest-free
 * naming, their names ascend; records the names.
 */
async function normalize(ctx: RunContext): Promise<void> {
  const { sysfs, nics, nicDriver } = ctx.target;
  const states = await Promise.all(nics.map((n) => readState(sysfs, n)));
  const names = states.map((s) => s.net ?? "");
  const ordered = names.every((n, i) => n !== "" && (i === 0 || names[i - 1]! < n));
  const clean = states.every((s) => s.drv === nicDriver && s.ovr === null);
  if (!ordered || !clean) {
    for (const [i, nic] of nics.entries()) {
      if (states[i]!.drv !== null)
        await tryWrite(sysfs, `bus/pci/drivers/${states[i]!.drv}/unbind`, nic);
    }
    for (const nic of nics) await establish(sysfs, nic, { drv: nicDriver, ovr: null });
  }
  const after = await Promise.all(nics.map((n) => readState(sysfs, n)));
  ctx.names = after.map((s) => s.net ?? "?") as [string, string, string];
}

/** Every NIC bound to its kernel driver without override, A first. */
export async function baseline(ctx: RunContext): Promise<string | null> {
  const { sysfs, nics, nicDriver } = ctx.target;
  for (const nic of nics) {
    const problem = await establish(sysfs, nic, { drv: nicDriver, ovr: null });
    if (problem) return problem;
  }
  return null;
}

export function skipped(id: string, expected: string, why: string): ConformanceResult {
  return { id, ok: true, skipped: true, expected, actual: "-", detail: why };
}

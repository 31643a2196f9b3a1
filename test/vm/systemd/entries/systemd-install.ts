/**
 * First boot of the systemd guest: eni-agent installed as the README says,
 * then checked as the unit runs it. Ends by persisting a binding and
 * installing a DPDK application for the second boot (systemd-reboot).
 */
import type { GuestContext, GuestResult } from "../../guest-entry.js";
import { Checks } from "../../kit/checks.js";
import { fakeAws } from "../fake-aws.js";
import { makeTestUsers, runReadmeInstall } from "../guest-setup.js";
import { describe, timed, unitMonotonicUs, unitProp } from "../kit.js";
import { documentedConfigs, killMidBind, persistForReboot, reload } from "../lifecycle-checks.js";
import { stopDuringNotice } from "../notice-checks.js";
import {
  guardsUnderSandbox,
  journalJson,
  memberRoundTrips,
  outsiderRefused,
  readOnlySocket,
  securityScore,
  socketModes,
  unitActive,
  withoutNetlink,
} from "../unit-checks.js";

export const configs = ["viommu"] as const;
export const timeoutMs = 1_500_000;

export const children = {
  "fake-aws": async () => fakeAws(),
};

export async function run(ctx: GuestContext): Promise<GuestResult[]> {
  const checks = new Checks();
  const boot = bootTime();
  checks.check("boot: systemd reached multi-user.target", boot.ok, boot.text, boot.text);
  if (!runReadmeInstall(checks)) return checks.results;
  const users = makeTestUsers();
  checks.check("test users made with systemd-sysusers", users.code === 0, describe(users));
  const steps: [string, () => unknown][] = [
    ["unit-active", () => unitActive(checks)],
    ["journal-json", () => journalJson(checks)],
    ["socket-modes", () => socketModes(checks)],
    ["member-round-trip", () => memberRoundTrips(checks)],
    ["outsider-refused", () => outsiderRefused(checks)],
    ["read-only-socket", () => readOnlySocket(checks)],
    ["guards", () => guardsUnderSandbox(checks)],
    ["reload", () => reload(checks)],
    ["sigkill-mid-bind", () => killMidBind(checks)],
    ["without-netlink", () => withoutNetlink(checks)],
    ["documented-config", () => documentedConfigs(checks)],
    ["stop-during-notice", () => stopDuringNotice(checks)],
    ["security", () => securityScore(checks)],
    ["persist", () => persistForReboot(checks)],
  ];
  for (const [id, step] of steps) await timed(checks, ctx, id, step);
  return checks.results;
}

function bootTime(): { ok: boolean; text: string } {
  const state = unitProp("multi-user.target", "ActiveState");
  const at = unitMonotonicUs("multi-user.target", "ActiveEnter");
  return {
    ok: state === "active",
    text: `multi-user.target ${state} ${(at / 1e6).toFixed(1)} s after the kernel started`,
  };
}

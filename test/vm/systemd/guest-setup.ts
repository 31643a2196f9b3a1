/**
 * The systemd guest's own setup around the README's steps: the test's
 * configuration (the guest's e1000e admitted), test users in and out of the
 * eni-agent group, and the README's install steps run as written.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { Checks } from "../kit/checks.js";
import type { InstallStep } from "./doc-blocks.js";
import { EMULATED_NIC_ID } from "./guest-files.js";
import { describe, type Ran, run, sh } from "./kit.js";

export const LIB = "/usr/lib/eni-vm";
export const CONFIG_PATH = "/etc/eni-agent/config.json";
export const SOCKET = "/run/eni-agent/eni-agent.sock";
export const RO_SOCKET = "/run/eni-agent-ro/eni-agent.sock";
export const MEMBER = "eni-op";
export const OUTSIDER = "eni-other";

/** The test's configuration: e1000e admitted, both sockets, no IMDS (there is none). */
export function testConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    allowedDevices: [EMULATED_NIC_ID],
    listeners: {
      socket: { path: SOCKET, group: "eni-agent", mode: "0660" },
      readOnlySocket: { path: RO_SOCKET },
    },
    guards: { primaryInterface: "eth0" },
    imds: { enabled: false },
    ...extra,
  };
}

export function writeConfig(config: Record<string, unknown> | string): void {
  mkdirSync("/etc/eni-agent", { recursive: true });
  writeFileSync(CONFIG_PATH, typeof config === "string" ? config : JSON.stringify(config, null, 2));
}

/**
 * Runs the README's install section: each shell block as written, in order;
 * in place of its example configuration, the test's. The package step (npm)
 * already ran in this root when the image was built (package-steps.json).
 */
export function runReadmeInstall(checks: Checks): boolean {
  const steps = JSON.parse(readFileSync(`${LIB}/install-steps.json`, "utf8")) as InstallStep[];
  const built = JSON.parse(readFileSync(`${LIB}/package-steps.json`, "utf8")) as {
    text: string;
    code: number | null;
    ms: number;
    output: string;
  }[];
  const times: string[] = [];
  let failed: { step: string; ran: Ran } | null = null;
  for (const step of steps) {
    const before = built.find((b) => b.text === step.text);
    if (before !== undefined) {
      times.push(
        `${(before.ms / 1000).toFixed(1)} s  ${step.text.trim()} (in this root, at build time)`,
      );
      if (before.code !== 0) {
        failed = {
          step: step.text,
          ran: { code: before.code, stdout: before.output, stderr: "", ms: before.ms },
        };
        break;
      }
      continue;
    }
    if (step.kind === "json") {
      writeConfig(testConfig());
      times.push("config written (the test's, in place of the example)");
      continue;
    }
    const ran = sh(step.text, { cwd: "/root", timeoutMs: 900_000 });
    process.stdout.write(
      `[install] ${(ran.ms / 1000).toFixed(1)} s: ${step.text.trim().split("\n")[0]}\n`,
    );
    times.push(`${(ran.ms / 1000).toFixed(1)} s  ${step.text.trim().split("\n").join(" ; ")}`);
    if (ran.code !== 0) {
      failed = { step: step.text, ran };
      break;
    }
  }
  return checks.check(
    "readme-install: the README's install steps, as written, succeed",
    failed === null,
    failed === null ? undefined : `step:\n${failed.step}\n${describe(failed.ran)}`,
    times.join("\n"),
  );
}

/** A group member and an outsider, made the way the package makes its group. */
export function makeTestUsers(): Ran {
  mkdirSync("/etc/sysusers.d", { recursive: true });
  writeFileSync(
    "/etc/sysusers.d/eni-vm-test.conf",
    [
      `u ${MEMBER} - "eni-agent operator" /nonexistent /usr/sbin/nologin`,
      `m ${MEMBER} eni-agent`,
      `u ${OUTSIDER} - "not in eni-agent" /nonexistent /usr/sbin/nologin`,
      "",
    ].join("\n"),
  );
  return run("systemd-sysusers", ["/etc/sysusers.d/eni-vm-test.conf"]);
}

/** The gid of a group in /etc/group. */
export function gidOf(group: string): number {
  for (const line of readFileSync("/etc/group", "utf8").split("\n")) {
    const [name, , gid] = line.split(":");
    if (name === group) return Number(gid);
  }
  return -1;
}

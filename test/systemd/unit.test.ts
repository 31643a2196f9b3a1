// The unit file must load cleanly and keep its hardening. The exposure budget
// is 3.0 on systemd-analyze's 0–10 scale: the remaining exposure is what the
// job needs (root to write sysfs attributes, network for IMDS and EC2, ptrace
// read access for the vfio holder check); see the comments in the unit.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";

const EXPOSURE_BUDGET = 3.0;
const unitPath = new URL("../../systemd/eni-agent.service", import.meta.url);
const hasAnalyze = spawnSync("systemd-analyze", ["--version"]).status === 0;

/** A copy whose ExecStart and ExecStartPost name a binary that exists here, as verify insists. */
function stagedUnit(): string {
  const dir = mkdtempSync(join(tmpdir(), "eni-agent-unit-"));
  const path = join(dir, "eni-agent.service");
  copyFileSync(unitPath, path);
  const text = readFileSync(path, "utf8").replace(
    /^(ExecStart(?:Post)?=)\/usr\/bin\/eni-agent/gm,
    `$1${process.execPath}`,
  );
  writeFileSync(path, text);
  return path;
}

t.test("unit declares the promised hardening", async (t) => {
  const text = readFileSync(unitPath, "utf8");
  for (const line of [
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "ProtectHome=yes",
    "PrivateTmp=yes",
    "LockPersonality=yes",
    "SystemCallFilter=@system-service",
    "Restart=on-failure",
  ]) {
    t.match(text, new RegExp(`^${line}$`, "m"), line);
  }
  t.notMatch(text, /^ExecStart=.*\b(sh|bash)\b/m, "the daemon is not started through a shell");
  t.match(text, /^ReadWritePaths=\/sys\/bus\/pci \/sys\/devices$/m);
});

t.test(
  "systemd-analyze verify accepts the unit",
  { skip: !hasAnalyze && "no systemd-analyze" },
  async (t) => {
    const result = spawnSync("systemd-analyze", ["verify", stagedUnit()], { encoding: "utf8" });
    t.equal(result.status, 0, result.stderr);
  },
);

t.test(
  `exposure stays within ${EXPOSURE_BUDGET}`,
  { skip: !hasAnalyze && "no systemd-analyze" },
  async (t) => {
    const out = execFileSync(
      "systemd-analyze",
      ["security", "--offline=true", "--no-pager", stagedUnit()],
      { encoding: "utf8" },
    );
    const match = /Overall exposure level for [^:]+: ([0-9.]+)/.exec(out);
    t.ok(match, "systemd-analyze printed an exposure level");
    const exposure = Number(match?.[1]);
    t.ok(exposure <= EXPOSURE_BUDGET, `exposure ${exposure} ≤ ${EXPOSURE_BUDGET}`);
  },
);

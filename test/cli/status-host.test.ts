/**
 * The CLI on this machine's real /sys (read only): `eni-agent status --json
 * --all` as a separate process, through its real entry point, against what
 * node:fs reads directly.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import t from "tap";
import type { StatusReport } from "../../src/cli/status/status-report.js";
import { tsNodeArgs } from "../support/ts-node.js";
import { HOST_PCI_DEVICES, hostView } from "../sysfs/host-view.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const skip = existsSync(HOST_PCI_DEVICES) ? false : "no /sys/bus/pci on this machine";

t.test("status --json --all lists every PCI device with its driver", { skip }, async (t) => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    tsNodeArgs("src/cli/main.ts", "status", "--json", "--all"),
    { cwd: ROOT },
  );
  const report = JSON.parse(stdout) as StatusReport;
  t.same(
    report.devices.map((d) => d.address),
    readdirSync(HOST_PCI_DEVICES).sort(),
  );
  for (const device of report.devices) {
    const host = hostView(device.address);
    t.equal(device.driver, host.driver, `${device.address} driver`);
    t.same(
      device.interfaces.map((i) => i.name),
      host.interfaces,
      `${device.address} interfaces`,
    );
  }
});

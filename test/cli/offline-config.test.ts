/**
 * Issue 14: the offline commands read the daemon's configuration file with
 * the daemon's schema, and honour every key the engine uses. Before, `bind
 * --offline --config /etc/eni-agent/config.json` read another format and
 * silently dropped the allowlist, the bindings and the timeouts.
 *
 * On the simulated qemu guest: its e1000e NICs (8086:10d3) are not ENA, so
 * the allowlist and the kernel driver table decide what a command may do.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import t, { type Test } from "tap";
import { engineOptions } from "../../src/agent/agent-engine.js";
import { parseConfig } from "../../src/agent/config-schema.js";
import { runBind } from "../../src/cli/commands/bind.js";
import { runRestore } from "../../src/cli/commands/restore.js";
import { steppingClock } from "../../src/driver/index.js";
import { QEMU_NICS, qemuGuestHost, type SimKernel } from "../../src/sim/index.js";
import { capture, simHost, stateDir } from "./offline-host.js";
import { runCaptured } from "./run.js";

const [A, B, C] = QEMU_NICS;
const NIC_ID = "8086:10d3";
const MAC_B = "52:54:00:12:34:02";

/** A state directory with `config` written as its daemon configuration; argv for --offline. */
async function offline(t: Test, config: unknown): Promise<{ argv: string[]; dir: string }> {
  const dir = await stateDir(t);
  const file = join(dir, "config.json");
  await writeFile(file, JSON.stringify(config));
  return { dir, argv: ["--offline", "--config", file, "--state-dir", join(dir, "state")] };
}

function guest(): SimKernel {
  return qemuGuestHost({ mode: "noiommu" });
}

t.test("allowedDevices admits a device; without it the guard names that key", async (t) => {
  const kernel = guest();
  const without = await offline(t, {});
  const refused = await capture((io) =>
    runBind(["eth1", "uio_pci_generic", ...without.argv], io, () => simHost(kernel)),
  );
  t.equal(refused.code, 4, refused.stderr);
  t.match(refused.stderr, /refused by guard vendor-allowlist/);
  t.match(refused.stderr, /allowedDevices in the configuration/, "the remedy names a real key");
  t.equal(kernel.writeLog().length, 0);

  const withIt = await offline(t, { allowedDevices: [NIC_ID.toUpperCase()] });
  const bound = await capture((io) =>
    runBind(["eth1", "uio_pci_generic", ...withIt.argv], io, () => simHost(kernel)),
  );
  t.equal(bound.code, 0, bound.stderr);
  t.equal(kernel.device(B)?.driver, "uio_pci_generic");
});

t.test("allowedDrivers limits the drivers a command may name", async (t) => {
  const kernel = guest();
  const { argv } = await offline(t, { allowedDevices: [NIC_ID], allowedDrivers: ["vfio-pci"] });
  const out = await capture((io) =>
    runBind(["eth1", "uio_pci_generic", ...argv], io, () => simHost(kernel)),
  );
  t.equal(out.code, 2, out.stderr);
  t.match(out.stderr, /driver "uio_pci_generic" is not allowed; allowed: vfio-pci/);
  t.equal(kernel.writeLog().length, 0);
});

t.test("kernelDrivers names the driver a restore without a journal record binds", async (t) => {
  const kernel = guest();
  // Moved by hand, so the journal never saw its kernel driver.
  await kernel.sysfs.write(`bus/pci/devices/${C}/driver_override`, "uio_pci_generic");
  await kernel.sysfs.write("bus/pci/drivers/e1000e/unbind", C);
  await kernel.sysfs.write("bus/pci/drivers/uio_pci_generic/bind", C);
  t.equal(kernel.device(C)?.driver, "uio_pci_generic");

  const without = await offline(t, { allowedDevices: [NIC_ID] });
  const refused = await capture((io) =>
    runRestore([C, ...without.argv], io, () => simHost(kernel)),
  );
  t.equal(refused.code, 4, refused.stderr);
  t.match(refused.stderr, /no record of the kernel driver of device 0000:03:00\.0 \(8086:10d3\)/);
  t.match(refused.stderr, /"kernelDrivers": \{ "8086:10d3": "<driver>" \}/);
  t.doesNotThrow(
    () => parseConfig({ kernelDrivers: { [NIC_ID]: "e1000e" } }, "config.json"),
    "the key the remedy names is one the schema accepts",
  );

  const withIt = await offline(t, {
    allowedDevices: [NIC_ID],
    kernelDrivers: { "8086:10D3": "e1000e" },
  });
  const restored = await capture((io) =>
    runRestore([C, "--json", ...withIt.argv], io, () => simHost(kernel)),
  );
  t.equal(restored.code, 0, restored.stderr);
  t.match(JSON.parse(restored.stdout), {
    version: 1,
    operation: { kind: "restore", status: "succeeded", toDriver: "e1000e" },
  });
  t.equal(kernel.device(C)?.driver, "e1000e");
  t.equal(kernel.device(C)?.driverOverride, null);
});

t.test("guards.primaryMac keeps the primary interface with the kernel", async (t) => {
  const kernel = guest();
  const { argv } = await offline(t, { allowedDevices: [NIC_ID], guards: { primaryMac: MAC_B } });
  const refused = await capture((io) =>
    runBind(["eth1", "uio_pci_generic", ...argv], io, () => simHost(kernel)),
  );
  t.equal(refused.code, 4, refused.stderr);
  t.match(refused.stderr, /refused by guard primary-interface/);
  t.equal(kernel.device(B)?.driver, "e1000e");
  const other = await capture((io) =>
    runBind(["eth2", "uio_pci_generic", ...argv], io, () => simHost(kernel)),
  );
  t.equal(other.code, 0, other.stderr);
});

t.test("transactions.writeTimeoutMs bounds each sysfs write", async (t) => {
  const kernel = guest();
  const { argv } = await offline(t, {
    allowedDevices: [NIC_ID],
    transactions: { writeTimeoutMs: 250, verifyTimeoutMs: 500 },
  });
  const held = kernel.faults.blockWrite("bus/pci/drivers/e1000e/unbind");
  t.teardown(() => held.release());
  const out = await capture((io) =>
    runBind(["eth1", "uio_pci_generic", ...argv], io, () => simHost(kernel, steppingClock())),
  );
  t.not(out.code, 0);
  t.match(out.stderr, /did not return within 250 ms/);
  held.release();
});

t.test("repairDrift clears an override no operation explains", async (t) => {
  for (const repairDrift of [false, true]) {
    const kernel = guest();
    await kernel.sysfs.write(`bus/pci/devices/${A}/driver_override`, "uio_pci_generic");
    const { argv } = await offline(t, { allowedDevices: [NIC_ID], repairDrift });
    const out = await capture((io) =>
      runBind(["eth2", "uio_pci_generic", ...argv], io, () => simHost(kernel)),
    );
    t.equal(out.code, 0, out.stderr);
    t.match(out.stderr, `${A} has driver_override "uio_pci_generic" that no operation explains`);
    if (repairDrift) {
      t.match(out.stderr, /\(cleared\)/);
      t.equal(kernel.device(A)?.driverOverride, null);
    } else {
      t.match(out.stderr, /set "repairDrift": true in the configuration/);
      t.equal(kernel.device(A)?.driverOverride, "uio_pci_generic");
    }
  }
});

t.test("bindings are read and checked like the daemon's", async (t) => {
  const kernel = guest();
  const { argv } = await offline(t, {
    allowedDevices: [NIC_ID],
    allowedDrivers: ["vfio-pci", "e1000e"],
    bindings: [{ mac: MAC_B, driver: "uio_pci_generic" }],
  });
  const out = await capture((io) =>
    runBind(["eth2", "vfio-pci", ...argv], io, () => simHost(kernel)),
  );
  t.equal(out.code, 2, out.stderr);
  t.match(out.stderr, /config\.json: bindings\[0\]: driver "uio_pci_generic" is not allowed/);
  t.equal(kernel.writeLog().length, 0, "a bad file moves nothing");
});

t.test("stateDir comes from the configuration when --state-dir is not given", async (t) => {
  const kernel = guest();
  const dir = await stateDir(t);
  const file = join(dir, "config.json");
  await writeFile(file, JSON.stringify({ stateDir: join(dir, "s"), allowedDevices: [NIC_ID] }));
  const out = await capture((io) =>
    runBind(["eth1", "uio_pci_generic", "--offline", "--config", file], io, () => simHost(kernel)),
  );
  t.equal(out.code, 0, out.stderr);
  t.match(await readFile(join(dir, "s", "journal.log"), "utf8"), /"kind":"bind"/);
  const ops = await runCaptured(["ops", "--offline", "--json", "--config", file]);
  t.match(JSON.parse(ops.stdout).operations, [{ kind: "bind", status: "succeeded" }]);
});

t.test("the former offline format is refused, naming the replacement", async (t) => {
  const kernel = guest();
  const cases: [unknown, string][] = [
    [{ allowedIds: [NIC_ID] }, "allowedIds: was replaced by allowedDevices"],
    [{ desiredBindings: [] }, "desiredBindings: was replaced by bindings"],
    [{ primary: { interface: "eth0" } }, "primary: was replaced by guards.primaryMac"],
    [{ writeTimeoutMs: 100 }, "writeTimeoutMs: was replaced by transactions.writeTimeoutMs"],
    [{ maxBlockingWrites: 2 }, "maxBlockingWrites: was replaced by transactions.maxBlockingWrites"],
  ];
  for (const [config, message] of cases) {
    const { argv } = await offline(t, config);
    const out = await capture((io) =>
      runBind(["eth1", "uio_pci_generic", ...argv], io, () => simHost(kernel)),
    );
    t.equal(out.code, 2, message);
    t.match(out.stderr, `config.json: ${message}`);
  }
  t.equal(kernel.writeLog().length, 0);
});

t.test("engineOptions maps every engine key of the configuration", async (t) => {
  const config = parseConfig(
    {
      allowedDevices: [NIC_ID],
      allowedDrivers: ["vfio-pci"],
      kernelDrivers: { [NIC_ID]: "e1000e" },
      bindings: [{ mac: MAC_B, driver: "vfio-pci" }],
      repairDrift: true,
      transactions: {
        maxParallel: 3,
        writeTimeoutMs: 1_234,
        maxBlockingWrites: 5,
        verifyTimeoutMs: 4_321,
        holderScanTimeoutMs: 567,
      },
    },
    "config.json",
  );
  t.same(engineOptions(config), {
    allowedIds: [NIC_ID],
    allowedDrivers: ["vfio-pci"],
    kernelDrivers: { [NIC_ID]: "e1000e" },
    desiredBindings: [{ mac: MAC_B, driver: "vfio-pci" }],
    repairDrift: true,
    maxParallel: 3,
    writeTimeoutMs: 1_234,
    maxBlockingWrites: 5,
    verifyTimeoutMs: 4_321,
    holderScanTimeoutMs: 567,
  });
});

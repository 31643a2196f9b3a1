/**
 * Invariant 3: the engine writes nothing but `devices/<bdf>/driver_override`,
 * `drivers/<d>/bind|unbind` and `drivers_probe`, and no request string
 * reaches a path without the strict parsers.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import t from "tap";
import type { DriverName, PciAddress } from "../../src/common/index.js";
import { ec2Host } from "../../src/sim/index.js";
import { harness } from "./engine-harness.js";
import { FAULT_KINDS, runCase, SCENARIOS } from "./fault-cases.js";

const ALLOWED =
  /^bus\/pci\/(devices\/[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]\/driver_override|drivers\/(ena|vfio-pci|uio_pci_generic|igb_uio)\/(bind|unbind)|drivers_probe)$/;

t.test(
  "every write of binds, restores, rollbacks, repairs and drift repair is an allowed file",
  async (t) => {
    const kernel = ec2Host({ enis: 4 });
    await kernel.sysfs.write("bus/pci/devices/0000:00:08.0/driver_override", "uio_pci_generic");
    kernel.clearWriteLog();
    const { engine } = await harness(kernel, { engine: { repairDrift: true } });
    await engine.bind(await engine.resolve("ens6"), "vfio-pci" as DriverName);
    await engine.bind("0000:00:06.0" as PciAddress, "uio_pci_generic" as DriverName);
    kernel.faults.failWrite("bus/pci/drivers/ena/bind", "EIO");
    await engine.restore("0000:00:06.0" as PciAddress).catch(() => undefined);
    await engine.restore("0000:00:06.0" as PciAddress);
    await engine.bind(await engine.resolve("ens7"), "vfio-pci" as DriverName);
    const log = kernel.writeLog();
    t.ok(log.length >= 12);
    for (const w of log) t.match(w.path, ALLOWED, w.path);
    t.notOk(
      log.some((w) => w.data === "" || w.data === "\0"),
      "never clears with an empty write or NUL",
    );
  },
);

t.test("the fault matrix only ever writes allowed files", async (t) => {
  for (const scenario of SCENARIOS) {
    for (const kind of FAULT_KINDS) {
      const result = await runCase("modern", scenario, [{ write: 1, kind }]);
      t.equal(result.violation, null, `${scenario.name} ${kind}`);
    }
  }
});

t.test(
  "hostile request strings are refused by the edge parsers, before any path is built",
  async (t) => {
    const { kernel, engine } = await harness();
    const devices = [
      "../../../etc/passwd",
      "0000:00:06.0/../../x",
      "ens6\n",
      "a b",
      "",
      "0000:00:06.0 ",
    ];
    for (const input of devices) {
      await t.rejects(
        engine.resolve(input).then((device) => engine.bind(device, "vfio-pci" as DriverName)),
        { code: "INVALID_ARGUMENT" },
        JSON.stringify(input),
      );
    }
    const drivers = ["../ena", "vfio_pci", "e1000e", "vfio-pci/../../x", "vfio-pci\n", ""];
    for (const input of drivers) {
      await t.rejects(
        Promise.resolve().then(() =>
          engine.bind("0000:00:06.0" as PciAddress, engine.parseDriver(input)),
        ),
        { code: "INVALID_ARGUMENT" },
        JSON.stringify(input),
      );
    }
    t.equal(kernel.writeLog().length, 0);
  },
);

t.test(
  "only the write gate calls Sysfs.write, and only plan-transaction builds written paths",
  async (t) => {
    const dir = join(import.meta.dirname, "../../src/driver");
    for (const name of await readdir(dir)) {
      const text = await readFile(join(dir, name), "utf8");
      const writes = text.match(/sysfs\.write\(/gi)?.length ?? 0;
      t.equal(writes, name === "write-gate.ts" ? 1 : 0, `${name}: sysfs writes`);
      if (name !== "plan-transaction.ts") {
        t.notMatch(
          text,
          /`bus\/pci\/drivers\/\$\{[^}]+\}\/(un)?bind`/,
          `${name}: builds no bind path`,
        );
      }
    }
  },
);

import fc from "fast-check";
import t from "tap";
import type { DriverName, PciAddress } from "../../src/common/index.js";
import {
  type Binding,
  bindTarget,
  planSteps,
  planTransition,
  snapshotTarget,
  stepWrite,
  takesFromKernel,
} from "../../src/driver/plan-transaction.js";
import type { DeviceSnapshot, Step } from "../../src/driver/types.js";

const dev = "0000:00:06.0" as PciAddress;
const ena = "ena" as DriverName;
const vfio = "vfio-pci" as DriverName;
const uio = "uio_pci_generic" as DriverName;

/** The kernel's rules for these writes (kernel-sysfs facts 1–4), for drivers that match by id table or override. */
function apply(state: Binding, steps: Step[], idTable: readonly string[] = ["ena"]): Binding {
  let { driver, override } = state;
  for (const step of steps) {
    switch (step.kind) {
      case "set-override":
        override = step.value;
        break;
      case "clear-override":
        override = null;
        break;
      case "unbind":
        if (driver !== step.driver) throw new Error(`unbind ${step.driver}: ENODEV`);
        driver = null;
        break;
      case "bind": {
        const match = override !== null ? override === step.driver : idTable.includes(step.driver);
        if (!match) throw new Error(`bind ${step.driver}: ENODEV`);
        if (driver !== null) throw new Error(`bind ${step.driver}: EBUSY`);
        driver = step.driver;
        break;
      }
    }
  }
  return { driver, override };
}

const drivers = fc.constantFrom<DriverName | null>(null, ena, vfio, uio);
const overrides = fc.constantFrom<string | null>(
  null,
  "ena",
  "vfio-pci",
  "uio_pci_generic",
  " vfio-pci ",
  "no-such",
);
const bindings = fc.record({ driver: drivers, override: overrides });

t.test(
  "every plan reaches its target on the kernel model, and its inverse comes back",
  async (t) => {
    fc.assert(
      fc.property(bindings, bindings, (from, to) => {
        const plan = planTransition(dev, from, { ...to, mac: null });
        t.same(apply(from, plan.steps), to);
        t.same(apply(to, plan.inverse), from);
        return true;
      }),
      { numRuns: 500 },
    );
  },
);

t.test("a move steers with the override before unbinding, then binds directly", async (t) => {
  t.same(planSteps({ driver: ena, override: null }, bindTarget(vfio, null)), [
    { kind: "set-override", value: "vfio-pci" },
    { kind: "unbind", driver: "ena" },
    { kind: "bind", driver: "vfio-pci" },
  ]);
  // Restore: steer to ena (keeps other drivers out of the window), then clear.
  t.same(planSteps({ driver: vfio, override: "vfio-pci" }, { driver: ena, override: null }), [
    { kind: "set-override", value: "ena" },
    { kind: "unbind", driver: "vfio-pci" },
    { kind: "bind", driver: "ena" },
    { kind: "clear-override" },
  ]);
});

t.test("same driver: only the override is adjusted; identical: nothing", async (t) => {
  t.same(
    planSteps({ driver: vfio, override: "vfio-pci" }, { driver: vfio, override: "vfio-pci" }),
    [],
  );
  t.same(planSteps({ driver: ena, override: "vfio-pci" }, { driver: ena, override: null }), [
    { kind: "clear-override" },
  ]);
});

t.test("clearing writes a newline, never an empty string or NUL", async (t) => {
  t.same(stepWrite(dev, { kind: "clear-override" }), {
    path: "bus/pci/devices/0000:00:06.0/driver_override",
    data: "\n",
  });
  t.same(stepWrite(dev, { kind: "bind", driver: vfio }), {
    path: "bus/pci/drivers/vfio-pci/bind",
    data: "0000:00:06.0",
  });
});

t.test("an override the kernel could not take back is refused at planning", async (t) => {
  for (const bad of ["", "a\nb", "a\0", "x".repeat(4095)]) {
    t.throws(() => planSteps({ driver: ena, override: null }, { driver: ena, override: bad }), {
      code: "INVALID_ARGUMENT",
    });
  }
});

t.test("targets: DPDK keeps its override; the kernel driver wants its MAC back", async (t) => {
  const home: DeviceSnapshot = {
    address: dev,
    vendor: "1d0f",
    device: "ec20",
    driver: ena,
    driverOverride: null,
    interface: null,
    mac: null,
    mtu: 9001,
    operstate: "down",
    numaNode: 0,
    iommuGroup: null,
    takenAt: "2026-01-01T00:00:00.000Z",
  };
  const withMac = { ...home, mac: "0e:00:00:00:00:01" } as DeviceSnapshot;
  t.same(bindTarget(vfio, withMac), { driver: "vfio-pci", override: "vfio-pci", mac: null });
  t.same(bindTarget(ena, withMac), { driver: "ena", override: null, mac: "0e:00:00:00:00:01" });
  t.same(bindTarget(ena, null), { driver: "ena", override: null, mac: null });
  t.same(snapshotTarget(withMac), { driver: "ena", override: null, mac: "0e:00:00:00:00:01" });
  // A vfio-pci variant matches only through the override and registers no netdev (issue 14).
  const variant = "mlx5_vfio_pci" as DriverName;
  t.same(bindTarget(variant, withMac), { driver: variant, override: variant, mac: null });
});

t.test("a device a user-space driver holds is not taken from the kernel", async (t) => {
  const netdev = [{ name: "ens6" }];
  t.ok(takesFromKernel({ driver: "ena", interfaces: netdev }, "vfio-pci"));
  for (const driver of ["vfio-pci", "mlx5_vfio_pci", "uio_pci_generic", "igb_uio"]) {
    t.notOk(takesFromKernel({ driver, interfaces: netdev }, "ena"), driver);
  }
  t.notOk(takesFromKernel({ driver: "ena", interfaces: [] }, "vfio-pci"), "no interface");
});

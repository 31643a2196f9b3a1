import t from "tap";
import type { DriverName, InterfaceName, Mac, PciAddress } from "../../src/common/index.js";
import { AgentError } from "../../src/common/index.js";
import { checkGuards, type GuardDeps } from "../../src/driver/guards.js";
import { preflight } from "../../src/driver/preflight.js";
import type {
  DefaultRoute,
  DeviceHolder,
  HolderScanner,
  HolderScanOptions,
  PciDevice,
  Sysfs,
} from "../../src/sysfs/index.js";
import { ENA_IDS } from "../../src/sysfs/index.js";

function ena(overrides: Partial<PciDevice> = {}): PciDevice {
  return {
    address: "0000:00:06.0" as PciAddress,
    vendor: "1d0f",
    device: "ec20",
    subsystemVendor: null,
    subsystemDevice: null,
    classCode: "020000",
    revision: null,
    kind: "ena",
    name: "Elastic Network Adapter (ENA)",
    driver: "ena" as DriverName,
    driverOverride: null,
    numaNode: 0,
    iommuGroup: null,
    devNode: null,
    interfaces: [
      {
        name: "ens6" as InterfaceName,
        mac: "0e:00:00:00:00:06" as Mac,
        mtu: 9001,
        operstate: "down",
      },
    ],
    ...overrides,
  };
}

function deps(
  opts: { routes?: DefaultRoute[]; primaryMac?: string; addresses?: string[] } = {},
): GuardDeps {
  return {
    routes: { defaultRoutes: async () => opts.routes ?? [] },
    primary: {
      primary: async () =>
        opts.primaryMac ? { mac: opts.primaryMac as Mac, interface: null } : null,
    },
    addresses: { addresses: async () => opts.addresses ?? [] },
  };
}

const base = { allowedIds: ENA_IDS, force: false, home: null, takesFromKernel: true };

t.test("the vendor allowlist refuses other devices and force does not override it", async (t) => {
  const nvme = ena({ vendor: "1d0f", device: "8061", name: "NVMe EBS Controller" });
  for (const force of [false, true]) {
    await t.rejects(checkGuards(nvme, { ...base, force }, deps()), {
      code: "FAILED_PRECONDITION",
      guard: "vendor-allowlist",
      remedy: /--allow 1d0f:8061/,
    });
  }
  t.same(
    await checkGuards(
      ena({ vendor: "8086", device: "10d3" }),
      { ...base, allowedIds: [...ENA_IDS, "8086:10d3"] },
      deps(),
    ),
    {
      overridden: [],
    },
  );
});

t.test(
  "default route, primary and in-use interfaces refuse; force overrides and names them",
  async (t) => {
    const route: DefaultRoute = { family: 6, interface: "ens6", gateway: "fe80::1", metric: 100 };
    await t.rejects(checkGuards(ena(), base, deps({ routes: [route] })), {
      guard: "default-route",
      message: /ens6 carries the IPv6 default route \(via fe80::1\)/,
    });
    await t.rejects(checkGuards(ena(), base, deps({ primaryMac: "0e:00:00:00:00:06" })), {
      code: "FAILED_PRECONDITION",
      guard: "primary-interface",
    });
    const up = ena({
      interfaces: [{ name: "ens6" as InterfaceName, mac: null, mtu: 1500, operstate: "up" }],
    });
    await t.rejects(checkGuards(up, base, deps({ addresses: ["10.0.0.5/24"] })), {
      code: "FAILED_PRECONDITION",
      guard: "interface-in-use",
      remedy: /ip link set ens6 down/,
    });
    t.same(
      await checkGuards(up, base, deps({ addresses: [] })),
      { overridden: [] },
      "up without addresses is fine",
    );
    t.same(
      await checkGuards(
        ena(),
        { ...base, force: true },
        deps({ routes: [route], primaryMac: "0e:00:00:00:00:06" }),
      ),
      { overridden: ["default-route", "primary-interface"] },
    );
    t.same(await checkGuards(ena(), base, deps({ routes: [{ ...route, interface: "ens5" }] })), {
      overridden: [],
    });
  },
);

t.test("a device without interface and without home is unknown", async (t) => {
  const bare = ena({ driver: null, interfaces: [] });
  await t.rejects(checkGuards(bare, { ...base, takesFromKernel: false }, deps()), {
    code: "FAILED_PRECONDITION",
    guard: "unknown-device",
  });
  t.same(await checkGuards(bare, { ...base, takesFromKernel: false, force: true }, deps()), {
    overridden: ["unknown-device"],
  });
});

/** A read-only port over a set of existing paths and file contents. */
function files(entries: Record<string, string | null>): Sysfs {
  const notFound = (path: string) =>
    new AgentError("NOT_FOUND", `read ${path}: ENOENT`, { errno: "ENOENT", path });
  return {
    description: "files",
    read: async (path) => {
      const v = entries[path];
      if (typeof v !== "string") throw notFound(path);
      return v;
    },
    write: async () => {
      throw new Error("no writes in preflight");
    },
    readlink: async (path) => {
      throw notFound(path);
    },
    list: async (path) => {
      throw notFound(path);
    },
    exists: async (path) => path in entries,
  };
}

const vfio = "vfio-pci" as DriverName;
/** A scanner that answers every scan with `holders` (of the nodes asked about). */
function scannerOf(found: (nodes: readonly string[]) => DeviceHolder[]): HolderScanner {
  return {
    holders: async (nodes) => found(nodes),
    scan: async (nodes) => {
      const holders = found(nodes);
      return holders.length === 0
        ? { status: "free", read: 1, listed: 1 }
        : { status: "held", holders, read: 1, listed: 1 };
    },
  };
}
const noHolders = scannerOf(() => []);

t.test("preflight: the target driver must be loaded, with the module to load", async (t) => {
  await t.rejects(
    preflight(ena(), vfio, { sysfs: files({}), holders: noHolders, holderScanTimeoutMs: 1000 }),
    {
      code: "FAILED_PRECONDITION",
      remedy: "load its module: modprobe vfio-pci",
    },
  );
  await t.rejects(
    preflight(ena(), "igb_uio" as DriverName, {
      sysfs: files({}),
      holders: noHolders,
      holderScanTimeoutMs: 1000,
    }),
    {
      code: "FAILED_PRECONDITION",
      remedy: /insmod igb_uio\.ko/,
    },
  );
});

t.test("preflight: vfio-pci needs an IOMMU group or noiommu mode", async (t) => {
  const loaded = { "bus/pci/drivers/vfio-pci": null };
  const param = "module/vfio/parameters/enable_unsafe_noiommu_mode";
  await t.rejects(
    preflight(ena(), vfio, { sysfs: files(loaded), holders: noHolders, holderScanTimeoutMs: 1000 }),
    {
      message: /no IOMMU group and vfio offers no no-IOMMU mode/,
      remedy: /modprobe vfio enable_unsafe_noiommu_mode=1.*CONFIG_VFIO_NOIOMMU/,
    },
  );
  await t.rejects(
    preflight(ena(), vfio, {
      sysfs: files({ ...loaded, [param]: "N\n" }),
      holders: noHolders,
      holderScanTimeoutMs: 1000,
    }),
    {
      message: /no-IOMMU mode is off/,
    },
  );
  await preflight(ena(), vfio, {
    sysfs: files({ ...loaded, [param]: "Y\n" }),
    holders: noHolders,
    holderScanTimeoutMs: 1000,
  });
  await preflight(ena({ iommuGroup: { id: 6, noiommu: false } }), vfio, {
    sysfs: files(loaded),
    holders: noHolders,
    holderScanTimeoutMs: 1000,
  });
  t.pass("IOMMU group or noiommu mode pass");
});

t.test("preflight: a held vfio device names the holder and is refused", async (t) => {
  const onVfio = ena({
    driver: vfio,
    interfaces: [],
    iommuGroup: { id: 0, noiommu: true },
    devNode: "/dev/vfio/noiommu-0",
  });
  const held = scannerOf((nodes) =>
    nodes.map((node) => ({ pid: 4242, command: "dpdk-testpmd", node })),
  );
  await t.rejects(
    preflight(onVfio, "ena" as DriverName, {
      sysfs: files({ "bus/pci/drivers/ena": null }),
      holders: held,
      holderScanTimeoutMs: 1000,
    }),
    {
      message: /pid 4242 \(dpdk-testpmd\) holds \/dev\/vfio\/noiommu-0/,
      guard: "device-in-use",
      remedy: /kill 4242.*or pass --force/,
    },
  );
});

t.test(
  "preflight: the enable count decides first; the scan only names a holder (issue 18)",
  async (t) => {
    const onVfio = ena({
      driver: vfio,
      interfaces: [],
      iommuGroup: { id: 0, noiommu: true },
      devNode: "/dev/vfio/noiommu-0",
    });
    let asked: HolderScanOptions | undefined;
    const outOfTime: HolderScanner = {
      holders: async () => [],
      scan: async (_nodes, options) => {
        asked = options;
        return { status: "unproven", read: 1200, listed: 20_000, elapsedMs: 250 };
      },
    };
    const enable = "bus/pci/devices/0000:00:06.0/enable";
    const deps = (extra: Record<string, string>, holders: HolderScanner = outOfTime) => ({
      sysfs: files({ "bus/pci/drivers/ena": null, ...extra }),
      holders,
      holderScanTimeoutMs: 250,
    });
    const ena_ = "ena" as DriverName;

    t.same(await preflight(onVfio, ena_, deps({ [enable]: "0\n" })), {
      warnings: [],
      overridden: [],
    });
    t.equal(asked, undefined, "enable 0: no process is read");

    await t.rejects(preflight(onVfio, ena_, deps({ [enable]: "1\n" })), {
      code: "FAILED_PRECONDITION",
      guard: "device-in-use",
      message:
        /device 0000:00:06\.0 is in use: the kernel shows its vfio device open \(enable 1\), holder unknown: no process of the 1200 read \(of 20000\) holds \/dev\/vfio\/noiommu-0; the holder scan stopped after 250 ms/,
      remedy: /stop the DPDK application/,
    });
    t.same(asked, { firstOnly: true, timeoutMs: 250 }, "enable > 0: asks who, bounded");

    await t.rejects(preflight(onVfio, ena_, deps({ [enable]: "2\n" }, noHolders)), {
      message: /enable 2\), holder unknown: no process holds \/dev\/vfio\/noiommu-0/,
    });

    t.match(
      (await preflight(onVfio, ena_, deps({}))).warnings,
      [
        /could not prove device 0000:00:06\.0 is free: no process of the 1200 read \(of 20000\) holds \/dev\/vfio\/noiommu-0.*enable count could not be read; the write deadline bounds a blocked unbind/,
      ],
      "an unreadable count falls back to the scan, which does not block the move",
    );
    t.same(
      (await preflight(onVfio, ena_, deps({ [enable]: "garbage\n" }, noHolders))).warnings,
      [],
      "an unreadable count and a scan that read every process: passes",
    );

    // Force overrides the refusal an open device makes (guard device-in-use, #14).
    const forced = await preflight(onVfio, ena_, deps({ [enable]: "1\n" }), true);
    t.same(forced, { warnings: [], overridden: ["device-in-use"] });
  },
);

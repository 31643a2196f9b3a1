import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import t from "tap";
import { buildHostReport, type HostReportInput } from "../../src/agent/build-host-report.js";
import { RealSysfs, readKernelFacts } from "../../src/sysfs/index.js";
import { tempDir } from "./harness.js";

async function tree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

t.test("kernel facts from a sysfs tree: modules, noiommu, IOMMU groups, hugepages", async (t) => {
  const root = await tempDir(t);
  await tree(root, {
    "module/vfio/initstate": "live\n",
    "module/vfio/parameters/enable_unsafe_noiommu_mode": "Y\n",
    "module/vfio_pci/initstate": "live\n",
    "module/vfio_pci/parameters/ids": "\n",
    // Built in with parameters: a directory without initstate.
    "module/ena/parameters/debug": "-1\n",
    // The groups vfio makes up in no-IOMMU mode carry its name; they are no IOMMU.
    "kernel/iommu_groups/0/name": "vfio-noiommu\n",
    "kernel/iommu_groups/1/name": "vfio-noiommu\n",
    "devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages": "1024\n",
    "devices/system/node/node0/hugepages/hugepages-2048kB/free_hugepages": "1000\n",
    "devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages": "4\n",
    "devices/system/node/node1/hugepages/hugepages-1048576kB/free_hugepages": "4\n",
    "devices/system/node/has_cpu": "0-1\n",
  });
  const facts = await readKernelFacts(new RealSysfs({ root }));
  const byName = Object.fromEntries(facts.modules.map((m) => [m.name, m]));
  t.same(byName.vfio, {
    name: "vfio",
    loaded: true,
    builtin: false,
    parameters: { enable_unsafe_noiommu_mode: "Y" },
  });
  t.equal(byName.ena?.builtin, true);
  t.equal(byName.igb_uio?.loaded, false);
  t.same(facts.noiommu, { available: true, enabled: true });
  t.same(facts.iommu, { present: false, groupCount: 0 });
  t.same(facts.hugepages, [
    { numaNode: 0, pageSizeKib: 2048, totalPages: 1024, freePages: 1000 },
    { numaNode: 1, pageSizeKib: 1048576, totalPages: 4, freePages: 4 },
  ]);
});

t.test(
  "kernel facts: real IOMMU groups count; without NUMA nodes the global pools are node 0",
  async (t) => {
    const root = await tempDir(t);
    await tree(root, {
      "kernel/iommu_groups/3/reserved_regions": "",
      "kernel/iommu_groups/4/reserved_regions": "",
      "kernel/mm/hugepages/hugepages-2048kB/nr_hugepages": "16\n",
      "kernel/mm/hugepages/hugepages-2048kB/free_hugepages": "garbage\n",
    });
    const facts = await readKernelFacts(new RealSysfs({ root }));
    t.same(facts.iommu, { present: true, groupCount: 2 });
    t.same(facts.noiommu, { available: false, enabled: false });
    t.same(facts.hugepages, [{ numaNode: 0, pageSizeKib: 2048, totalPages: 16, freePages: 0 }]);
  },
);

t.test("checks: worst first, from the facts and the devices", async (t) => {
  const input: HostReportInput = {
    agentVersion: "0.1.0-test",
    kernelRelease: "6.1.0-test",
    facts: {
      modules: [{ name: "vfio_pci", loaded: true, builtin: false, parameters: {} }],
      noiommu: { available: true, enabled: false },
      iommu: { present: false, groupCount: 0 },
      hugepages: [],
    },
    devices: [],
    allowedDrivers: ["vfio-pci"],
    imds: {
      enabled: true,
      reachable: false,
      lastSuccessAt: null,
      lastError: "no answer",
      consecutiveErrors: 3,
      endpoint: "http://169.254.169.254",
    },
    instance: null,
    watcher: null,
    pendingNotice: null,
    journal: { healthy: true, directory: "/var/lib/eni-agent", unresolvedEntries: 0, detail: "" },
    health: { serving: true, components: [] },
  };
  const report = buildHostReport(input);
  t.same(
    report.checks.map((c) => [c.name, c.severity]),
    [
      ["vfio-noiommu", "fail"],
      ["hugepages", "warn"],
      // vfio-pci is allowed and loaded: the caveat stands before any device is on it.
      ["write-combining", "warn"],
      ["imds", "warn"],
    ],
  );
  // The words doctor's local preflight uses too (src/driver/host-checks.ts).
  t.match(report.checks[0], {
    message: "no IOMMU and vfio's no-IOMMU mode is off: every vfio-pci bind will fail",
    remedy: /enable_unsafe_noiommu_mode/,
  });
  t.equal(report.imds.detail, "http://169.254.169.254: no answer");
  t.equal(report.terminationWatcher.state, "disabled");
  t.equal(report.writeCombining.affected, false);
});

/**
 * doctor: the daemon's report when one answers, else a local preflight,
 * here on simulated EC2 hosts materialized into temp directories.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import t, { type Test } from "tap";
import { ec2Host, materialize, type SimKernel } from "../../src/sim/index.js";
import { hostReport } from "../server/fake-core.js";
import { cli, startDaemon } from "./daemon-support.js";

/** A materialized host with a proc root and, optionally, hugepages on node 0. */
async function host(t: Test, kernel: SimKernel, hugepages = 0): Promise<string[]> {
  const dir = t.testdir({ proc: { sys: { kernel: { osrelease: "6.1.0-ec2-sim\n" } } } });
  await materialize(kernel, join(dir, "sys"));
  const pool = join(dir, "sys/devices/system/node/node0/hugepages/hugepages-2048kB");
  mkdirSync(pool, { recursive: true });
  writeFileSync(join(pool, "nr_hugepages"), `${hugepages}\n`);
  writeFileSync(join(pool, "free_hugepages"), `${hugepages}\n`);
  return ["--sysfs-root", join(dir, "sys"), "--proc-root", join(dir, "proc")];
}

t.test("a ready EC2 host: no FAIL, exit 0, every finding named", async (t) => {
  const roots = await host(t, ec2Host(), 1024);
  const out = await cli(["doctor", "--json", ...roots]);
  t.equal(out.code, 0, out.stderr);
  const doc = JSON.parse(out.stdout);
  t.match(doc, { version: 1, source: "sysfs", blocking: false });
  const byName = new Map(doc.checks.map((c: { name: string }) => [c.name, c]));
  t.match(byName.get("kernel"), { severity: "ok", message: "kernel 6.1.0-ec2-sim" });
  t.match(byName.get("dpdk-driver"), { severity: "ok", message: /vfio-pci, uio_pci_generic/ });
  t.match(byName.get("vfio-noiommu"), { severity: "warn", message: /unsafe no-IOMMU mode/ });
  t.match(byName.get("hugepages"), { severity: "ok", message: /node0 1024x2048kB/ });
  t.match(byName.get("write-combining"), { severity: "warn", remedy: /igb_uio .*wc_activate=1/ });
  t.match(byName.get("ena-devices"), {
    severity: "ok",
    message: /^4 ENA device\(s\): 0000:00:05\.0 ena ens5/,
  });
  t.same(
    doc.checks.map((c: { severity: string }) => c.severity),
    [...doc.checks.map((c: { severity: string }) => c.severity)].sort(
      (a: string, b: string) =>
        ["fail", "warn", "ok"].indexOf(a) - ["fail", "warn", "ok"].indexOf(b),
    ),
    "worst first",
  );
  t.match(doc.facts, {
    kernelVersion: "6.1.0-ec2-sim",
    noiommu: { available: true, enabled: true },
    iommu: { present: false, groupCount: 0 },
    hugepages: [{ numaNode: 0, pageSizeKib: 2048, totalPages: 1024, freePages: 1024 }],
  });
  t.equal(doc.facts.devices.length, 4);
});

t.test("no-IOMMU mode off with vfio-pci the only DPDK driver: FAIL, exit 4, remedy", async (t) => {
  const kernel = ec2Host({ noiommu: false });
  kernel.unloadModule("uio_pci_generic");
  const roots = await host(t, kernel);
  const out = await cli(["doctor", ...roots]);
  t.equal(out.code, 4);
  t.match(out.stdout, /^FAIL {2}vfio-noiommu +no IOMMU and vfio's no-IOMMU mode is off/m);
  t.match(out.stdout, /remedy: enable an IOMMU .*enable_unsafe_noiommu_mode/);
  t.match(out.stdout, /^WARN {2}hugepages +no hugepages are reserved/m);
  t.match(out.stdout, /\nFacts \(from sysfs\):\n/);
  t.match(out.stderr, /1 finding\(s\) block DPDK use/);
});

t.test("no DPDK driver at all is a FAIL naming the modules to load", async (t) => {
  const kernel = ec2Host();
  for (const m of ["vfio_pci", "uio_pci_generic"]) kernel.unloadModule(m);
  const out = await cli(["doctor", "--json", ...(await host(t, kernel, 16))]);
  t.equal(out.code, 4);
  const doc = JSON.parse(out.stdout);
  t.equal(doc.blocking, true);
  t.match(doc.checks[0], { name: "dpdk-driver", severity: "fail", remedy: /modprobe vfio-pci/ });
});

t.test("with a daemon: its report, exit 4 only when it has a FAIL", async (t) => {
  const d = await startDaemon(t);
  const ok = await d.run(["doctor"]);
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.stdout, /^WARN {2}vfio-noiommu {2}no IOMMU\n/);
  t.match(
    ok.stdout,
    /Facts \(from the daemon\):\n {2}kernel {7}6\.1\.0-test\n {2}instance {5}i-1234567890abcdef0/,
  );
  t.equal(ok.stderr, "");
  const json = JSON.parse((await d.run(["doctor", "--json"])).stdout);
  t.match(json, { source: "daemon", blocking: false, facts: { journal: { healthy: true } } });

  const failing = hostReport(d.core.health());
  failing.checks = [
    {
      name: "journal",
      severity: "fail",
      message: "journal unhealthy",
      remedy: "check the state directory",
    },
  ];
  d.core.getHostReport = async () => failing;
  const bad = await d.run(["doctor"]);
  t.equal(bad.code, 4);
  t.match(bad.stdout, /^FAIL {2}journal {2}journal unhealthy\n +remedy: check the state directory/);
});

t.test("no daemon: says so and checks the host from sysfs", async (t) => {
  const dir = t.testdir({});
  const out = await cli(["doctor", "--json", "--socket", join(dir, "none.sock")]);
  t.match(
    out.stderr,
    /^note: no eni-agent daemon answers at .*none\.sock \(ENOENT: no socket there\); checking this host from sysfs\n/,
  );
  t.equal(JSON.parse(out.stdout).source, "sysfs");
  t.ok([0, 4].includes(out.code), "this machine's own verdict");
});

t.test("a sysfs root that is none: exit 3", async (t) => {
  const out = await cli(["doctor", "--sysfs-root", t.testdir({})]);
  t.equal(out.code, 3);
  t.match(out.stderr, /bus\/pci\/devices does not exist/);
});

import t from "tap";
import type { StatusReport } from "../../src/cli/status/status-report.js";
import { fixtureHost } from "../sysfs/fixtures.js";
import { runCaptured } from "./run.js";

const ec2 = fixtureHost("ec2-mixed");
const roots = ["--sysfs-root", ec2.sys, "--proc-root", ec2.proc];

/** Section title → the addresses listed under it, from the table text. */
function sections(table: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current = "";
  for (const line of table.split("\n")) {
    if (/^[A-Z][a-z]/.test(line)) {
      current = line;
      out.set(current, []);
    }
    const address = /^([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])\s/.exec(line)?.[1];
    if (address) out.get(current)!.push(address);
  }
  return out;
}

t.test("the table groups network devices like dpdk-devbind", async (t) => {
  const { code, stdout, stderr } = await runCaptured(["status", ...roots]);
  t.equal(code, 0);
  t.equal(stderr, "");
  t.same(
    [...sections(stdout)],
    [
      ["Network devices using a DPDK-compatible driver", ["0000:00:07.0", "0000:00:08.0"]],
      [
        "Network devices using a kernel driver",
        ["0000:00:05.0", "0000:00:06.0", "0000:00:0a.0", "0000:00:0b.0"],
      ],
      ["Network devices without a driver", ["0000:00:09.0"]],
    ],
  );
  const ens5 = stdout.split("\n").find((l) => l.startsWith("0000:00:05.0"))!;
  t.match(
    ens5,
    /1d0f:ec20\s+Elastic Network Adapter \(ENA\)\s+ena\s+-\s+ens5\s+0e:49:61:0f:c3:11\s+0\s+-\s+\*Active\*$/,
  );
  t.equal(stdout.match(/\*Active\*/g)?.length, 1, "only the default-route device is active");
  const vfio = stdout.split("\n").find((l) => l.startsWith("0000:00:07.0"))!;
  t.match(vfio, /vfio-pci\s+vfio-pci\s+-\s+-\s+0\s+noiommu-0$/);
  const unbound = stdout.split("\n").find((l) => l.startsWith("0000:00:09.0"))!;
  t.match(unbound, /\s-\s+" vfio-pci "\s/, "an override with spaces is quoted");
});

t.test("--all adds the other devices in their own sections", async (t) => {
  const { code, stdout } = await runCaptured(["status", "--all", ...roots]);
  t.equal(code, 0);
  const s = sections(stdout);
  t.same(s.get("Other devices using a kernel driver"), ["0000:00:04.0"]);
  t.same(s.get("Other devices without a driver"), ["0000:00:00.0"]);
  t.same(s.get("Other devices using a DPDK-compatible driver"), []);
  t.match(stdout, /Other devices using a DPDK-compatible driver\n=+\n\(none\)/);
  const plain = await runCaptured(["status", ...roots]);
  t.notMatch(plain.stdout, /0000:00:04\.0|Other devices/);
});

t.test("empty groups say so", async (t) => {
  const viommu = fixtureHost("viommu");
  const { stdout } = await runCaptured([
    "status",
    "--sysfs-root",
    viommu.sys,
    "--proc-root",
    viommu.proc,
  ]);
  t.match(stdout, /Network devices without a driver\n=+\n\(none\)\n$/);
  t.notMatch(stdout, /\*Active\*/, "no default route, nothing active");
});

t.test("--json follows the documented schema", async (t) => {
  const { code, stdout } = await runCaptured(["status", "--json", ...roots]);
  t.equal(code, 0);
  const report = JSON.parse(stdout) as StatusReport;
  t.same(Object.keys(report), [
    "version",
    "source",
    "sysfsRoot",
    "procRoot",
    "all",
    "defaultRoutes",
    "devices",
  ]);
  t.equal(report.version, 1);
  t.equal(report.sysfsRoot, ec2.sys);
  t.equal(report.all, false);
  t.same(report.defaultRoutes, [
    { family: 4, interface: "ens5", gateway: "192.168.0.1", metric: 512 },
  ]);
  t.same(
    report.devices.map((d) => d.address),
    [
      "0000:00:05.0",
      "0000:00:06.0",
      "0000:00:07.0",
      "0000:00:08.0",
      "0000:00:09.0",
      "0000:00:0a.0",
      "0000:00:0b.0",
    ],
  );
  t.same(
    report.devices.find((d) => d.address === "0000:00:05.0"),
    {
      address: "0000:00:05.0",
      vendor: "1d0f",
      device: "ec20",
      subsystemVendor: "1d0f",
      subsystemDevice: "0000",
      classCode: "020000",
      revision: "00",
      name: "Elastic Network Adapter (ENA)",
      kind: "ena",
      network: true,
      group: "kernel",
      driver: "ena",
      driverOverride: null,
      numaNode: 0,
      iommuGroup: null,
      devNode: null,
      interfaces: [
        { name: "ens5", mac: "0e:49:61:0f:c3:11", mtu: 9001, operstate: "up", active: true },
      ],
      active: true,
    },
  );
  const vfio = report.devices.find((d) => d.address === "0000:00:07.0")!;
  t.same(
    [vfio.group, vfio.devNode, vfio.iommuGroup],
    ["dpdk", "/dev/vfio/noiommu-0", { id: 0, noiommu: true }],
  );
  t.same(
    report.devices.map((d) => d.group),
    ["kernel", "kernel", "dpdk", "dpdk", "unbound", "kernel", "kernel"],
  );
  const all = JSON.parse(
    (await runCaptured(["status", "--json", "--all", ...roots])).stdout,
  ) as StatusReport;
  t.equal(all.all, true);
  t.equal(all.devices.length, 9);
  t.same(
    all.devices.filter((d) => !d.network).map((d) => d.kind),
    ["other", "other"],
  );
});

t.test("usage errors exit 2 with a message naming the problem", async (t) => {
  const cases: [string[], RegExp][] = [
    [["status", "--bogus"], /unknown option "--bogus"/],
    [["status", "-x"], /unknown option "-x"/],
    [["status", "--sysfs-root"], /option --sysfs-root needs a value/],
    [["status", "--sysfs-root", "--json"], /option --sysfs-root needs a value/],
    [["status", "--json=yes"], /option --json takes no value/],
    [["status", "extra"], /unexpected argument "extra"/],
  ];
  for (const [argv, message] of cases) {
    const { code, stdout, stderr } = await runCaptured(argv);
    t.equal(code, 2, argv.join(" "));
    // With --json on the line, the failure is also a JSON document on stdout.
    if (argv.includes("--json")) {
      t.match(JSON.parse(stdout), { version: 1, error: { code: "INVALID_ARGUMENT" }, exitCode: 2 });
    } else t.equal(stdout, "");
    t.match(stderr, message);
    t.match(stderr, /eni-agent status --help/);
  }
});

t.test("a missing sysfs tree exits 3 and names the directory", async (t) => {
  const { code, stderr } = await runCaptured(["status", "--sysfs-root", "/nonexistent-root"]);
  t.equal(code, 3);
  t.match(stderr, /cannot list \/nonexistent-root\/bus\/pci\/devices: ENOENT/);
  t.match(stderr, /--sysfs-root/);
});

t.test("status --help is a manual page", async (t) => {
  for (const argv of [
    ["status", "--help"],
    ["status", "-h"],
    ["help", "status"],
  ]) {
    const { code, stdout } = await runCaptured(argv);
    t.equal(code, 0);
    for (const heading of [
      "NAME",
      "SYNOPSIS",
      "DESCRIPTION",
      "OPTIONS",
      "EXIT STATUS",
      "EXAMPLES",
    ]) {
      t.match(stdout, new RegExp(`^${heading}$`, "m"), `${argv.join(" ")}: ${heading}`);
    }
    t.match(stdout, /--sysfs-root DIR/);
  }
});

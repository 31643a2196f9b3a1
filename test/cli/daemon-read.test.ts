/**
 * The read-only commands against a real gRPC server on a temp socket:
 * status (and its sysfs fallback), get, ops, version; their JSON shapes and
 * exit codes.
 */
import { join } from "node:path";
import t from "tap";
import { AgentError, type DriverName, type PciAddress } from "../../src/common/index.js";
import { device, operation } from "../server/fake-core.js";
import { cli, startDaemon } from "./daemon-support.js";

const DEVICE_KEYS = [
  "pciAddress",
  "vendorId",
  "deviceId",
  "driver",
  "driverOverride",
  "state",
  "stateDetail",
  "identity",
  "numaNode",
  "iommuGroup",
  "management",
  "desiredDriver",
  "activeOperationId",
  "holders",
];

t.test("status lists the daemon's devices; --json says where they came from", async (t) => {
  const d = await startDaemon(t);
  d.core.devices[2] = device(7, {
    driver: "vfio-pci" as DriverName,
    state: "degraded",
    stateDetail: "driver_override is vfio-pci but no driver is bound",
  });
  const out = await d.run(["status"]);
  t.equal(out.code, 0, out.stderr);
  t.equal(out.stderr, "");
  t.match(
    out.stdout,
    /^ADDRESS\s+DRIVER\s+STATE\s+INTERFACE\s+MAC\s+ENI\s+DEV#\s+NUMA\s+IOMMU\s+DESIRED\s+NOTES\n/,
  );
  t.match(
    out.stdout,
    /\n0000:00:05\.0\s+ena\s+kernel\s+ens5\s+0e:49:61:0f:c3:05\s+eni-0f95d3625f5c52105\s+0\s+-\s+-\s+-\s+management\n/,
  );
  t.match(out.stdout, /\n0000:00:07\.0\s+vfio-pci\s+DEGRADED\s/);
  t.match(out.stdout, /\n {2}0000:00:07\.0: driver_override is vfio-pci but no driver is bound\n$/);
  t.same(d.core.calls("listDevices")[0]?.args, [{ fresh: true }], "an operator sees sysfs now");

  const doc = JSON.parse((await d.run(["status", "--json"])).stdout);
  t.same(Object.keys(doc), ["version", "source", "socket", "devices", "pendingConfirmations"]);
  t.match(doc, { version: 1, source: "daemon", socket: d.socketPath });
  t.same(Object.keys(doc.devices[0]), DEVICE_KEYS);
  t.match(doc.devices[0], {
    pciAddress: "0000:00:05.0",
    driver: "ena",
    driverOverride: null,
    state: "kernel",
    numaNode: null,
    iommuGroup: null,
    management: true,
    identity: {
      mac: "0e:49:61:0f:c3:05",
      eniId: "eni-0f95d3625f5c52105",
      deviceNumber: 0,
      mtu: 9001,
      recordedAt: "2026-01-07T01:03:47.250Z",
    },
  });
  t.equal(doc.devices[2].state, "degraded");
});

t.test("status without a daemon reads sysfs and says so", async (t) => {
  const dir = t.testdir({});
  const socket = join(dir, "none.sock");
  const out = await cli(["status", "--json", "--socket", socket]);
  t.equal(out.code, 0, out.stderr);
  t.match(
    out.stderr,
    /^note: no eni-agent daemon answers at .*none\.sock \(ENOENT: no socket there\); showing what sysfs says\n$/,
  );
  const doc = JSON.parse(out.stdout);
  t.match(doc, { version: 1, source: "sysfs", sysfsRoot: "/sys" });
  const env = await cli(["status"], { env: { ENI_AGENT_SOCKET: socket } });
  t.match(env.stderr, /none\.sock/, "ENI_AGENT_SOCKET names the socket");
  t.match(env.stdout, /^Network devices using a DPDK-compatible driver\n/);
});

t.test("status falls back when the daemon fails the call, and says why", async (t) => {
  const d = await startDaemon(t);
  d.core.failures.set("listDevices", new AgentError("UNAVAILABLE", "the agent is stopping"));
  const out = await d.run(["status", "--json"]);
  t.equal(out.code, 0);
  t.match(out.stderr, /did not list devices \(the agent is stopping.*\); showing what sysfs says/);
  t.equal(JSON.parse(out.stdout).source, "sysfs");
});

t.test("get shows one device by any of its names", async (t) => {
  const d = await startDaemon(t);
  d.core.operations = [operation("op-7", { pciAddress: "0000:00:06.0" as PciAddress })];
  for (const name of [
    "ens6",
    "0000:00:06.0",
    "00:06.0",
    "0E:49:61:0F:C3:06",
    "eni-0f95d3625f5c52106",
  ]) {
    const out = await d.run(["get", name]);
    t.equal(out.code, 0, `${name}: ${out.stderr}`);
    t.match(out.stdout, /^PCI address: +0000:00:06\.0\n/, name);
  }
  const text = (await d.run(["get", "ens6"])).stdout;
  t.match(text, /\nENI: +eni-0f95d3625f5c52106\n/);
  t.match(text, /\nDevice number: +1 \(network card 0\)\n/);
  t.match(
    text,
    /\nLast operation: +op-7 bind ena -> vfio-pci: succeeded at 2026-01-07T01:03:47\.250Z\n/,
  );
  const selectors = d.core.calls("getDevice").map((c) => c.args[0]);
  t.same(selectors.slice(0, 5), [
    { by: "interface", interfaceName: "ens6" },
    { by: "pci", pciAddress: "0000:00:06.0" },
    { by: "pci", pciAddress: "0000:00:06.0" },
    { by: "mac", mac: "0e:49:61:0f:c3:06" },
    { by: "eni", eniId: "eni-0f95d3625f5c52106" },
  ]);
  const doc = JSON.parse((await d.run(["get", "ens6", "--json"])).stdout);
  t.same(Object.keys(doc), ["version", "device", "devNode", "lastOperation"]);
  t.same(Object.keys(doc.device), DEVICE_KEYS);
  t.match(doc, { devNode: null, lastOperation: { id: "op-7", durationMs: 0 } });
});

t.test("get names the device node the daemon reports", async (t) => {
  const d = await startDaemon(t);
  d.core.devices[1] = device(6, {
    driver: "vfio-pci" as DriverName,
    state: "dpdk",
    iommuGroup: "3",
    devNode: "/dev/vfio/noiommu-3",
  });
  const out = await d.run(["get", "ens6"]);
  t.match(out.stdout, /^Device node:\s+\/dev\/vfio\/noiommu-3$/m);
  t.equal(
    JSON.parse((await d.run(["get", "ens6", "--json"])).stdout).devNode,
    "/dev/vfio/noiommu-3",
  );
});

t.test("get: exit codes per error kind, and usage errors before any call", async (t) => {
  const d = await startDaemon(t);
  const cases: [AgentError, number][] = [
    [new AgentError("NOT_FOUND", "no such device"), 3],
    [new AgentError("PERMISSION_DENIED", "nope"), 5],
    [new AgentError("INTERNAL", "broken"), 1],
    [new AgentError("FAILED_PRECONDITION", "not ready"), 4],
    [new AgentError("ABORTED", "raced"), 7],
  ];
  for (const [error, code] of cases) {
    d.core.failures.set("getDevice", error);
    t.equal((await d.run(["get", "ens6"])).code, code, error.code);
  }
  for (const argv of [["get"], ["get", "a", "b"], ["get", "not/a/name"], ["get", "eni-xyz"]]) {
    t.equal((await d.run(argv)).code, 2, argv.join(" "));
  }
  t.equal(d.core.calls("getDevice").length, cases.length, "usage errors never reached the daemon");
});

t.test("ops lists newest first, pages up to --limit, filters by any device name", async (t) => {
  const d = await startDaemon(t);
  d.core.operations = Array.from({ length: 30 }, (_, i) =>
    operation(`op-${30 - i}`, {
      pciAddress: (i % 2 ? "0000:00:06.0" : "0000:00:07.0") as PciAddress,
      ...(i === 0
        ? {
            status: "rolled_back" as const,
            error: {
              code: "FAILED_PRECONDITION" as const,
              message: "probe failed",
              errno: "EIO",
              syscall: "write",
              guard: undefined,
            },
          }
        : {}),
    }),
  );
  const out = await d.run(["ops"]);
  t.equal(out.code, 0, out.stderr);
  const lines = out.stdout.split("\n").filter((l) => l.startsWith("op-"));
  t.equal(lines.length, 20, "default limit 20");
  t.match(
    lines[0],
    /^op-30\s+2026-01-07T01:03:47\.250Z\s+bind\s+0000:00:07\.0\s+ena -> vfio-pci\s+rolled_back\s+0 ms$/,
  );
  t.match(out.stdout, /\n {2}op-30: FAILED_PRECONDITION: probe failed \[EIO from write\]\n/);

  const many = JSON.parse((await d.run(["ops", "--limit", "25", "--json"])).stdout);
  t.equal(many.operations.length, 25);
  // More than one page (500 at most): the command follows next_page_token.
  d.core.operations = Array.from({ length: 520 }, (_, i) => operation(`op-${520 - i}`));
  const before = d.core.calls("listOperations").length;
  const all = JSON.parse((await d.run(["ops", "--limit", "510", "--json"])).stdout);
  t.equal(all.operations.length, 510);
  t.same(
    d.core
      .calls("listOperations")
      .slice(before)
      .map((c) => (c.args[0] as { pageSize: number }).pageSize),
    [500, 10],
  );
  d.core.operations = d.core.operations.slice(0, 30).map((o, i) => ({
    ...o,
    pciAddress: (i % 2 ? "0000:00:06.0" : "0000:00:07.0") as PciAddress,
  }));

  const mine = JSON.parse((await d.run(["ops", "--device", "ens6", "--json"])).stdout);
  t.ok(mine.operations.every((o: { pciAddress: string }) => o.pciAddress === "0000:00:06.0"));
  t.equal(mine.operations.length, 15);

  // A PCI address is used as it is: a device that is gone still has its history.
  const asked = d.core.calls("getDevice").length;
  const gone = await d.run(["ops", "--device", "0000:00:1f.0"]);
  t.equal(gone.code, 0, gone.stderr);
  t.equal(gone.stdout, "no operations\n");
  t.equal(d.core.calls("getDevice").length, asked, "no device lookup for a PCI address");

  // What is wrong with the journal comes first, on standard error, or in the JSON (#17).
  d.core.journalNotes = ["journal line 4 skipped at start-up: checksum: checksum mismatch"];
  const noted = await d.run(["ops"]);
  t.equal(noted.code, 0);
  t.equal(noted.stderr, "note: journal line 4 skipped at start-up: checksum: checksum mismatch\n");
  const json = JSON.parse((await d.run(["ops", "--json"])).stdout);
  t.same(json.journalNotes, d.core.journalNotes);
});

t.test("ops ID shows every step; an unknown id exits 3", async (t) => {
  const d = await startDaemon(t);
  d.core.operations = [
    operation("op-1", {
      status: "rolled_back",
      steps: [
        {
          description: "set driver_override",
          path: "bus/pci/devices/0000:00:06.0/driver_override",
          value: "vfio-pci",
          status: "undone",
        },
        {
          description: "bind to vfio-pci",
          path: "bus/pci/drivers/vfio-pci/bind",
          value: "0000:00:06.0",
          status: "failed",
        },
        { description: "verify", path: null, value: null, status: "skipped" },
      ],
      error: {
        code: "FAILED_PRECONDITION",
        message: "bind failed: rolled back",
        errno: "ENODEV",
        remedy: "load vfio-pci",
      },
    }),
  ];
  const out = await d.run(["ops", "op-1"]);
  t.equal(out.code, 0, out.stderr);
  t.match(out.stdout, /^Operation: +op-1\n/);
  t.match(
    out.stdout,
    /\n {3}1\. undone {3}set driver_override {2}\("vfio-pci" > bus\/pci\/devices\/0000:00:06\.0\/driver_override\)\n/,
  );
  t.match(out.stdout, /\n {3}2\. FAILED {3}bind to vfio-pci/);
  t.match(out.stdout, /\n {3}3\. skipped {2}verify\n/);
  t.match(
    out.stdout,
    /\nError: +FAILED_PRECONDITION: bind failed: rolled back \[ENODEV\]\nRemedy: +load vfio-pci\n/,
  );
  const doc = JSON.parse((await d.run(["ops", "op-1", "--json"])).stdout);
  t.match(doc.operation, {
    id: "op-1",
    status: "rolled_back",
    error: { errno: "ENODEV", remedy: "load vfio-pci" },
  });
  t.notOk("guard" in doc.operation.error, "unset detail fields are left out");
  const missing = await d.run(["ops", "op-404"]);
  t.equal(missing.code, 3);
  t.match(missing.stderr, /no operation op-404/);
  t.equal((await d.run(["ops", "op-1", "--limit", "2"])).code, 2);
});

t.test("version: this command's version, and the daemon's health when it answers", async (t) => {
  const d = await startDaemon(t);
  const out = await d.run(["version", "--json"]);
  t.equal(out.code, 0, out.stderr);
  const doc = JSON.parse(out.stdout);
  t.match(doc, {
    version: 1,
    cli: { version: /^\d+\.\d+\.\d+/, node: process.version },
    daemon: {
      endpoint: d.socketPath,
      reachable: true,
      serving: "SERVING",
      version: "0.1.0-test",
      error: null,
    },
  });
  t.match((await d.run(["version"])).stdout, /: SERVING \(eni-agent 0\.1\.0-test\)\n/);
  t.same(
    doc.daemon.components.map((c: { name: string }) => c.name),
    ["journal", "imds"],
  );
  const dir = t.testdir({});
  const none = await cli(["version", "--socket", join(dir, "s.sock")]);
  t.equal(none.code, 0, "a missing daemon is reported, not an error");
  t.match(
    none.stdout,
    /^eni-agent \d+\.\d+\.\d+ \(node v\d+.*\)\ndaemon at .*s\.sock: no eni-agent daemon answers/,
  );
});

t.test("commands that need the daemon exit 8 without one", async (t) => {
  const socket = join(t.testdir({}), "none.sock");
  for (const argv of [
    ["get", "ens6"],
    ["ops"],
    ["ops", "op-1"],
    ["drain", "--dry-run"],
    ["watch"],
    ["restore", "ens6"],
  ]) {
    const out = await cli([...argv, "--socket", socket, "--json"]);
    t.equal(out.code, 8, argv.join(" "));
    t.match(JSON.parse(out.stdout), {
      error: { code: "UNAVAILABLE", errno: "ENOENT", syscall: "connect" },
      exitCode: 8,
    });
  }
});

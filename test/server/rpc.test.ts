import t from "tap";
import type { DriverName, PciAddress } from "../../src/common/index.js";
import { deviceFromProto } from "../../src/server/to-proto.js";
import { device, operation, T0 } from "./fake-core.js";
import { startHarness } from "./harness.js";

t.test("ListDevices maps every field of the device record", async (t) => {
  const h = await startHarness(t);
  h.core.devices = [
    device(6, {
      driver: "vfio-pci" as DriverName,
      driverOverride: "vfio-pci",
      state: "degraded",
      stateDetail: "driver_override left set",
      numaNode: 1,
      iommuGroup: "12",
      desiredDriver: "vfio-pci" as DriverName,
      activeOperationId: "op-9",
      holders: [{ pid: 4242, command: "testpmd", node: "/dev/vfio/noiommu-0" }],
    }),
    device(7, { identity: { ...device(7).identity, deviceNumber: null, mtu: null } }),
  ];
  const devices = await h.client.listDevices();
  t.equal(devices.length, 2);
  const [a, b] = devices;
  t.match(a, {
    pciAddress: "0000:00:06.0",
    vendorId: "1d0f",
    deviceId: "ec20",
    driver: "vfio-pci",
    driverOverride: "vfio-pci",
    state: "DEVICE_STATE_DEGRADED",
    stateDetail: "driver_override left set",
    numaNode: 1,
    iommuGroup: "12",
    management: false,
    desiredDriver: "vfio-pci",
    activeOperationId: "op-9",
    holders: [{ pid: 4242, command: "testpmd", node: "/dev/vfio/noiommu-0" }],
    identity: {
      macAddress: "0e:49:61:0f:c3:06",
      eniId: "eni-0f95d3625f5c52106",
      interfaceName: "ens6",
      mtu: 9001,
      deviceNumber: 1,
      networkCard: 0,
      recordedTime: { seconds: String(Math.floor(T0.getTime() / 1000)), nanos: 250_000_000 },
    },
  });
  t.equal(b?.numaNode, -1, "no NUMA affinity reads -1");
  t.equal(b?.identity?.deviceNumber, -1, "unknown device number reads -1");
  t.equal(b?.identity?.mtu, undefined, "unknown MTU is unset (optional, #14)");
  t.equal(b?.driverOverride, undefined, "no override is unset (optional, #14)");
  t.equal(h.core.calls("listDevices")[0]?.ctx.caller.identity, `unix:${h.socketPath}`);
});

t.test("a device read back off the wire is the record the agent sent (#14)", async (t) => {
  const sent = [
    device(6, {
      driver: "vfio-pci" as DriverName,
      driverOverride: "vfio-pci",
      state: "dpdk",
      stateDetail: "bound",
      numaNode: 1,
      iommuGroup: "12",
      desiredDriver: "vfio-pci" as DriverName,
      activeOperationId: "op-9",
      holders: [{ pid: 4242, command: "testpmd", node: "/dev/vfio/12" }],
      devNode: "/dev/vfio/12",
    }),
    device(7, {
      identity: {
        mac: null,
        eniId: null,
        interfaceName: null,
        mtu: null,
        deviceNumber: null,
        networkCard: null,
        recordedAt: null,
      },
    }),
  ];
  const h = await startHarness(t);
  h.core.devices = sent;
  const read = (await h.client.listDevices()).map(deviceFromProto);
  // The record as JSON has it: times as ISO 8601 strings, nothing else changed.
  t.strictSame(read, JSON.parse(JSON.stringify(sent)));
  t.equal(read[0]?.identity.recordedAt, T0.toISOString());
});

t.test("GetDevice accepts every selector kind and hands the core canonical values", async (t) => {
  const h = await startHarness(t);
  const bySelector = [
    { pciAddress: "00:06.0" },
    { interfaceName: "ens6" },
    { macAddress: "0E-49-61-0F-C3-06" },
    { eniId: "eni-0f95d3625f5c52106" },
  ];
  for (const selector of bySelector) {
    const found = await h.client.getDevice(selector);
    t.equal(found.pciAddress, "0000:00:06.0", JSON.stringify(selector));
  }
  t.same(
    h.core.calls("getDevice").map((c) => c.args[0]),
    [
      { by: "pci", pciAddress: "0000:00:06.0" },
      { by: "interface", interfaceName: "ens6" },
      { by: "mac", mac: "0e:49:61:0f:c3:06" },
      { by: "eni", eniId: "eni-0f95d3625f5c52106" },
    ],
  );
});

t.test("BindDevice passes driver and flags and returns the operation", async (t) => {
  const h = await startHarness(t);
  const op = await h.client.bindDevice({
    selector: { pciAddress: "0000:00:06.0" },
    driver: "vfio-pci",
    force: true,
    dryRun: false,
    persist: true,
  });
  t.match(op, {
    id: "op-1",
    kind: "OPERATION_KIND_BIND",
    status: "OPERATION_STATUS_SUCCEEDED",
    pciAddress: "0000:00:06.0",
    fromDriver: "ena",
    toDriver: "vfio-pci",
    force: true,
    overriddenGuards: ["default-route"],
    persist: true,
    requestedBy: `unix:${h.socketPath}`,
    steps: [
      {
        path: "bus/pci/devices/0000:00:06.0/driver_override",
        value: "vfio-pci",
        status: "STEP_STATUS_DONE",
      },
      { path: "", value: "", status: "STEP_STATUS_DONE" },
    ],
  });
  t.equal(op.finishTime?.nanos, 250_000_000);
  t.same(h.core.calls("bindDevice")[0]?.args[0], {
    selector: { by: "pci", pciAddress: "0000:00:06.0" },
    driver: "vfio-pci",
    force: true,
    dryRun: false,
    persist: true,
    confirmWithinMs: null,
  });
  const planned = await h.client.bindDevice({
    selector: { eniId: "eni-0f95d3625f5c52107" },
    driver: "uio_pci_generic",
    dryRun: true,
  });
  t.equal(planned.status, "OPERATION_STATUS_PLANNED");
  t.equal(planned.dryRun, true);
  t.same(planned.overriddenGuards, []);
});

t.test("BindDevice on trial: confirm_within in bounds, and ConfirmOperation", async (t) => {
  const h = await startHarness(t);
  const selector = { pciAddress: "0000:00:06.0" };
  await h.client.bindDevice({
    selector,
    driver: "vfio-pci",
    confirmWithin: { seconds: 60, nanos: 500_000_000 },
  });
  t.match(h.core.calls("bindDevice")[0]?.args[0], { confirmWithinMs: 60_500 });
  for (const confirmWithin of [
    { seconds: 0, nanos: 999_000_000 },
    { seconds: 86_401 },
    { seconds: 1, nanos: 1 },
  ]) {
    await t.rejects(
      h.client.bindDevice({ selector, driver: "vfio-pci", confirmWithin }),
      { code: "INVALID_ARGUMENT", message: /confirm_within: must be from 1 s to 24 h/ },
      JSON.stringify(confirmWithin),
    );
  }
  t.equal(h.core.calls("bindDevice").length, 1, "refused at the edge");
  h.core.operations.unshift(
    operation("op-try", {
      status: "awaiting_confirmation",
      confirmation: {
        deadline: new Date("2026-01-01T00:01:00Z"),
        state: "pending",
        by: null,
        updatedAt: null,
      },
    }),
  );
  const confirmed = await h.client.confirmOperation("op-try");
  t.match(confirmed, {
    status: "OPERATION_STATUS_SUCCEEDED",
    confirmation: {
      state: "CONFIRMATION_STATE_CONFIRMED",
      by: "request",
      deadlineTime: { seconds: "1767225660" },
    },
  });
  await t.rejects(h.client.confirmOperation("op-nope"), { code: "NOT_FOUND" });
  await t.rejects(h.client.confirmOperation("../x"), { code: "INVALID_ARGUMENT" });
});

t.test("RestoreDevice, GetOperation and ListOperations", async (t) => {
  const h = await startHarness(t);
  const restored = await h.client.restoreDevice({ selector: { interfaceName: "ens7" } });
  t.equal(restored.kind, "OPERATION_KIND_RESTORE");
  t.equal(restored.pciAddress, "0000:00:07.0");
  const fetched = await h.client.getOperation(restored.id);
  t.equal(fetched.id, restored.id);
  t.equal(h.core.calls("getOperation")[0]?.args[0], restored.id);

  h.core.operations = Array.from({ length: 7 }, (_, i) =>
    operation(`op-${i}`, {
      pciAddress: (i % 2 === 0 ? "0000:00:06.0" : "0000:00:07.0") as PciAddress,
    }),
  );
  const first = await h.client.listOperations({ pageSize: 3 });
  t.same(
    first.operations.map((o) => o.id),
    ["op-0", "op-1", "op-2"],
  );
  t.equal(first.nextPageToken, "p3");
  const second = await h.client.listOperations({ pageSize: 3, pageToken: first.nextPageToken });
  t.same(
    second.operations.map((o) => o.id),
    ["op-3", "op-4", "op-5"],
  );
  const last = await h.client.listOperations({ pageSize: 3, pageToken: second.nextPageToken });
  t.same(
    last.operations.map((o) => o.id),
    ["op-6"],
  );
  t.equal(last.nextPageToken, "", "the last page has no token");
  const oneDevice = await h.client.listOperations({ pciAddress: "00:07.0" });
  t.same(
    oneDevice.operations.map((o) => o.id),
    ["op-1", "op-3", "op-5"],
  );
  t.match(h.core.calls("listOperations").at(-1)?.args[0], {
    pciAddress: "0000:00:07.0",
    pageSize: 50,
    pageToken: null,
  });
});

t.test("GetHostReport maps the preflight report", async (t) => {
  const h = await startHarness(t);
  const report = await h.client.getHostReport();
  t.match(report, {
    kernelVersion: "6.1.0-test",
    modules: [{ name: "vfio_pci", loaded: true, parameters: { ids: "" } }],
    noiommu: { available: true, enabled: true },
    iommu: { present: false, groupCount: 0 },
    hugepages: [{ numaNode: 0, pageSizeKib: "2048", totalPages: "1024", freePages: "1000" }],
    writeCombining: { affected: true },
    imds: { reachable: true },
    identity: { instanceId: "i-1234567890abcdef0", primaryMacAddress: "0e:49:61:0f:c3:11" },
    terminationWatcher: { state: "WATCHER_STATE_RUNNING", lastError: "", pendingNotice: null },
    journal: { healthy: true, unresolvedEntries: 0 },
    checks: [{ name: "vfio-noiommu", severity: "CHECK_SEVERITY_WARN" }],
    health: { serving: true, components: [{ name: "journal", healthy: true }, { name: "imds" }] },
  });
});

t.test("PrepareTermination plans (dry run) and runs", async (t) => {
  const h = await startHarness(t);
  const dry = await h.client.prepareTermination({ dryRun: true });
  t.equal(dry.operation, null, "a dry run has no operation");
  t.match(dry.plan, {
    notice: { source: "TERMINATION_SOURCE_MANUAL", action: "terminate", noticeId: "manual-1" },
    deadlineTime: null,
    steps: [
      {
        eniId: "eni-0f95d3625f5c52106",
        action: "TERMINATION_ACTION_RESTORE_KERNEL_DRIVER",
        status: "STEP_STATUS_PENDING",
      },
    ],
  });
  const run = await h.client.prepareTermination({ dryRun: false });
  t.equal(run.operation?.kind, "OPERATION_KIND_TERMINATION");
  t.equal(run.plan?.steps[0]?.status, "STEP_STATUS_DONE");
  t.same(
    h.core.calls("prepareTermination").map((c) => c.args[0]),
    [{ dryRun: true }, { dryRun: false }],
  );
});

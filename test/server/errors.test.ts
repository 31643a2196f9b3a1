import * as grpc from "@grpc/grpc-js";
import t from "tap";
import { errorFromStatus } from "../../src/client/error-from-status.js";
import { AgentError, ERROR_CODES, type ErrorCode } from "../../src/common/index.js";
import { ERROR_METADATA_KEY, grpcCode, statusForError } from "../../src/server/error-status.js";
import { rejection, startHarness } from "./harness.js";

const EXPECTED: Record<ErrorCode, grpc.status> = {
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  NOT_FOUND: grpc.status.NOT_FOUND,
  ALREADY_EXISTS: grpc.status.ALREADY_EXISTS,
  FAILED_PRECONDITION: grpc.status.FAILED_PRECONDITION,
  ABORTED: grpc.status.ABORTED,
  UNAVAILABLE: grpc.status.UNAVAILABLE,
  DEADLINE_EXCEEDED: grpc.status.DEADLINE_EXCEEDED,
  PERMISSION_DENIED: grpc.status.PERMISSION_DENIED,
  INTERNAL: grpc.status.INTERNAL,
};

t.test("every AgentError code maps to its canonical status", async (t) => {
  for (const code of ERROR_CODES) t.equal(grpcCode(code), EXPECTED[code], code);
  t.equal(new Set(ERROR_CODES.map(grpcCode)).size, ERROR_CODES.length, "no two codes collide");
});

t.test("every code crosses the socket with its details, status and message", async (t) => {
  const h = await startHarness(t);
  // A raw grpc-js view of the same call, to check the wire status itself.
  for (const code of ERROR_CODES) {
    h.core.failures.set(
      "bindDevice",
      new AgentError(code, `refused: ${code}`, {
        errno: "EBUSY",
        syscall: "write",
        path: "bus/pci/drivers/ena/unbind",
        device: "0000:00:06.0",
        guard: "management-interface",
        awsCode: "RequestLimitExceeded",
        remedy: "pass force to move the management interface",
        operationId: "op-42",
      }),
    );
    const error = await rejection(
      t,
      h.client.bindDevice({ selector: { pciAddress: "0000:00:06.0" }, driver: "vfio-pci" }),
      code,
    );
    t.equal(error.message, `refused: ${code}`);
    t.same(error.details(), {
      errno: "EBUSY",
      syscall: "write",
      path: "bus/pci/drivers/ena/unbind",
      device: "0000:00:06.0",
      guard: "management-interface",
      awsCode: "RequestLimitExceeded",
      remedy: "pass force to move the management interface",
      operationId: "op-42",
    });
  }
});

t.test(
  "the wire carries the status code and a JSON ErrorDetail in trailing metadata",
  async (t) => {
    const h = await startHarness(t);
    h.core.failures.set(
      "getDevice",
      new AgentError("FAILED_PRECONDITION", "guard refused", {
        guard: "holders",
        remedy: "stop it",
      }),
    );
    const raw = new grpc.Client(`unix://${h.socketPath}`, grpc.credentials.createInsecure());
    t.teardown(() => raw.close());
    const status = await new Promise<grpc.StatusObject>((resolve) => {
      const call = raw.makeUnaryRequest(
        "/eniagent.v1.EniAgentService/GetDevice",
        () => Buffer.from([0x0a, 0x04, 0x0a, 0x02, 0x30, 0x30]), // selector { pci_address: "00" }
        (b: Buffer) => b,
        {},
        () => {},
      );
      call.on("status", resolve);
    });
    // "00" is not a PCI address: refused at the edge before the core's failure could fire.
    t.equal(status.code, grpc.status.INVALID_ARGUMENT);
    const detail = JSON.parse(String(status.metadata.get(ERROR_METADATA_KEY)[0]));
    t.equal(detail.code, "INVALID_ARGUMENT");
    t.match(detail.message, /selector\.pci_address: not a PCI address/);
    t.equal(h.core.calls("getDevice").length, 0, "the core never saw the request");
  },
);

t.test("a non-AgentError from the core is INTERNAL, never OK", async (t) => {
  const h = await startHarness(t);
  h.core.failures.set("listDevices", new TypeError("boom"));
  const error = await rejection(t, h.client.listDevices(), "INTERNAL", /internal error: boom/);
  t.equal(error.remedy, undefined);
  h.core.failures.set("getHostReport", "a string");
  await rejection(t, h.client.getHostReport(), "INTERNAL", /a string/);
});

t.test("NOT_FOUND from the core for each RPC that looks something up", async (t) => {
  const h = await startHarness(t);
  await rejection(t, h.client.getDevice({ pciAddress: "0000:00:1f.0" }), "NOT_FOUND");
  await rejection(t, h.client.getOperation("op-missing"), "NOT_FOUND");
  await rejection(t, h.client.restoreDevice({ selector: { eniId: "eni-00000000" } }), "NOT_FOUND");
});

t.test("edge validation answers INVALID_ARGUMENT naming the field", async (t) => {
  const h = await startHarness(t);
  const cases: [Promise<unknown>, RegExp][] = [
    [h.client.getDevice({}), /selector: exactly one of/],
    [h.client.getDevice({ pciAddress: "../../etc" }), /selector\.pci_address/],
    [h.client.getDevice({ interfaceName: "eth 0" }), /selector\.interface_name/],
    [h.client.getDevice({ macAddress: "0e:49" }), /selector\.mac_address/],
    [h.client.getDevice({ eniId: "eni-XYZ" }), /selector\.eni_id/],
    [
      h.client.bindDevice({ selector: { pciAddress: "00:06.0" }, driver: "vfio_pci" }),
      /driver: .*the driver is "vfio-pci"/,
    ],
    [h.client.bindDevice({ selector: { pciAddress: "00:06.0" } }), /driver: must be set/],
    [h.client.bindDevice({ selector: { pciAddress: "00:06.0" }, driver: "e1000e" }), /allowed/],
    [h.client.getOperation(""), /operation_id/],
    [h.client.getOperation("op/../../x"), /operation_id/],
    [h.client.listOperations({ pageSize: 501 }), /page_size/],
    [h.client.listOperations({ pageToken: "a b" }), /page_token/],
    [h.client.listOperations({ pciAddress: "nope" }), /pci_address/],
  ];
  for (const [promise, message] of cases) {
    const error = await rejection(t, promise, "INVALID_ARGUMENT", message);
    t.ok(error.message.length < 300, "the message stays readable");
  }
  t.equal(h.core.received.length, 0, "no invalid request reached the core");
});

t.test("errorFromStatus maps foreign statuses to the nearest meaning", async (t) => {
  const cases: [grpc.status, ErrorCode][] = [
    [grpc.status.CANCELLED, "ABORTED"],
    [grpc.status.UNKNOWN, "INTERNAL"],
    [grpc.status.RESOURCE_EXHAUSTED, "UNAVAILABLE"],
    [grpc.status.UNAUTHENTICATED, "PERMISSION_DENIED"],
    [grpc.status.UNIMPLEMENTED, "FAILED_PRECONDITION"],
    [grpc.status.OUT_OF_RANGE, "INVALID_ARGUMENT"],
    [grpc.status.DATA_LOSS, "INTERNAL"],
  ];
  for (const [code, expected] of cases) {
    t.equal(errorFromStatus({ code, details: "x" }).code, expected, grpc.status[code]);
  }
  const corrupt = new grpc.Metadata();
  corrupt.set(ERROR_METADATA_KEY, Buffer.from("{not json"));
  const error = errorFromStatus({ code: grpc.status.ABORTED, details: "lost", metadata: corrupt });
  t.equal(error.code, "ABORTED", "unreadable details fall back to the status");
  t.equal(error.message, "lost");
});

t.test("statusForError keeps metadata small for huge messages", async (t) => {
  const status = statusForError(new AgentError("INTERNAL", "x".repeat(100_000)));
  const value = status.metadata.get(ERROR_METADATA_KEY)[0] as Buffer;
  t.ok(value.length < 2_000, `detail is ${value.length} bytes`);
  t.ok(status.details.length < 2_000, "so is the status message");
});

t.test("requests over the size limit are refused before the core", async (t) => {
  const h = await startHarness(t, () => ({ limits: { maxReceiveMessageBytes: 1024 } }));
  const error = await rejection(
    t,
    h.client.getDevice({ interfaceName: "x".repeat(4096) }),
    "UNAVAILABLE",
    /larger than max/,
  );
  t.ok(error.message.length > 0);
  t.equal(h.core.received.length, 0);
  t.equal((await h.client.listDevices()).length, 3, "the connection still serves small calls");
});

t.test("a daemon's UNAVAILABLE without a remedy keeps its details", async (t) => {
  const h = await startHarness(t);
  h.core.failures.set(
    "bindDevice",
    new AgentError("UNAVAILABLE", "unbind: EBUSY", { errno: "EBUSY", device: "0000:00:06.0" }),
  );
  const error = await rejection(
    t,
    h.client.bindDevice({ selector: { pciAddress: "0000:00:06.0" }, driver: "vfio-pci" }),
    "UNAVAILABLE",
  );
  t.equal(error.message, "unbind: EBUSY", "not dressed up as a connection failure");
  t.same(error.details(), { errno: "EBUSY", device: "0000:00:06.0" });
});

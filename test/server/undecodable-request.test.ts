/**
 * Issue #17: a request body that is not a valid protobuf message. On the
 * read-only socket a mutating method answers PERMISSION_DENIED first (as the
 * docs promise: refused before the request is even looked at); otherwise
 * INVALID_ARGUMENT with the decoder's reason in the error detail, never a
 * bare INTERNAL. Server reflection (a stream of requests) answers the same
 * and the daemon keeps running.
 */
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import t from "tap";
import { errorFromStatus } from "../../src/client/error-from-status.js";
import { startHarness } from "./harness.js";

/**
 * Field 15 (unknown to every request) with wire type 7, which protobuf does
 * not have: the decoder must skip the field and cannot. (A known field with
 * a wrong wire type, or a string cut short, decodes: protobufjs reads known
 * fields by their declared type and clamps short strings.)
 */
const GARBAGE = Buffer.from([0x7f, 0x01]);

function rawUnary(socketPath: string, path: string, body: Buffer): Promise<grpc.StatusObject> {
  const client = new grpc.Client(`unix://${socketPath}`, grpc.credentials.createInsecure());
  return new Promise<grpc.StatusObject>((resolve) => {
    client
      .makeUnaryRequest(
        path,
        (b: Buffer) => b,
        (b: Buffer) => b,
        body,
        new grpc.Metadata(),
        { deadline: Date.now() + 5_000 },
        () => {},
      )
      .on("status", resolve);
  }).finally(() => client.close());
}

t.test(
  "an undecodable request is PERMISSION_DENIED or INVALID_ARGUMENT with detail, never INTERNAL (#17)",
  async (t) => {
    const h = await startHarness(t, (dir) => ({
      readOnlySocket: { path: join(dir, "public", "ro.sock") },
    }));
    const ro = h.server.addresses().readOnlySocket!;
    const service = "/eniagent.v1.EniAgentService";

    for (const method of ["BindDevice", "RestoreDevice", "PrepareTermination"]) {
      const status = await rawUnary(ro, `${service}/${method}`, GARBAGE);
      t.equal(status.code, grpc.status.PERMISSION_DENIED, `${method} on the read-only socket`);
      t.match(errorFromStatus(status), { code: "PERMISSION_DENIED", message: /read-only RPCs/ });
    }
    const cases: [string, string][] = [
      [ro, `${service}/GetDevice`],
      [ro, "/grpc.health.v1.Health/Check"],
      [h.socketPath, `${service}/BindDevice`],
      [h.socketPath, `${service}/GetOperation`],
    ];
    for (const [socket, path] of cases) {
      const status = await rawUnary(socket, path, GARBAGE);
      t.equal(status.code, grpc.status.INVALID_ARGUMENT, path);
      t.match(
        errorFromStatus(status),
        {
          code: "INVALID_ARGUMENT",
          message: /is not a valid protobuf message: .+/,
          remedy: /request message the API's proto defines/,
        },
        "the detail says why",
      );
    }
    t.equal(h.core.received.length, 0, "nothing reached the core");
    t.equal((await h.client.listDevices()).length, 3, "the daemon serves as before");
  },
);

t.test("undecodable reflection requests end that stream, not the daemon (#17)", async (t) => {
  const h = await startHarness(t);
  const client = new grpc.Client(`unix://${h.socketPath}`, grpc.credentials.createInsecure());
  t.teardown(() => client.close());
  const call = client.makeBidiStreamRequest(
    "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    (b: Buffer) => b,
    (b: Buffer) => b,
  );
  const status = new Promise<grpc.StatusObject>((resolve) => call.on("status", resolve));
  call.on("data", () => {});
  call.on("error", () => {});
  call.write(GARBAGE);
  call.end();
  t.match(await status, { code: grpc.status.INVALID_ARGUMENT, details: /not a valid protobuf/ });
  t.equal((await h.client.listDevices()).length, 3, "the daemon serves as before");
});

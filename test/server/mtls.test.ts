import * as grpc from "@grpc/grpc-js";
import t from "tap";
import { AgentServer } from "../../src/server/agent-server.js";
import { makeCa, makeLeaf, type Pem } from "./certs.js";
import { FakeCore } from "./fake-core.js";
import { rejection, startHarness, tempDir } from "./harness.js";

interface Pki {
  ca: Pem;
  server: Pem;
  writer: Pem;
  reader: Pem;
  stranger: Pem;
  forged: Pem;
}

function makePki(dir: string): Pki {
  const ca = makeCa(dir, "ca");
  const other = makeCa(dir, "other-ca");
  void other;
  return {
    ca,
    server: makeLeaf(dir, "ca", "server", {
      cn: "eni-agent",
      san: "DNS:localhost,IP:127.0.0.1",
      usage: "serverAuth",
    }),
    writer: makeLeaf(dir, "ca", "writer", { cn: "controller", usage: "clientAuth" }),
    reader: makeLeaf(dir, "ca", "reader", {
      cn: "dashboard",
      san: "URI:spiffe://test/dashboard",
      usage: "clientAuth",
    }),
    stranger: makeLeaf(dir, "ca", "stranger", { cn: "stranger", usage: "clientAuth" }),
    // Same subject as the writer, but from a CA the server does not trust.
    forged: makeLeaf(dir, "other-ca", "forged", { cn: "controller", usage: "clientAuth" }),
  };
}

t.test("mutual TLS: allowlisted identities, read-only identities, strangers", async (t) => {
  const pki = makePki(tempDir(t));
  const h = await startHarness(t, () => ({
    tcp: {
      address: "127.0.0.1:0",
      tls: { certChain: pki.server.cert, privateKey: pki.server.key, clientCa: pki.ca.cert },
      writers: ["CN=controller"],
      readers: ["URI:spiffe://test/dashboard"],
    },
  }));
  const address = h.server.addresses().tcp;
  t.match(address, /^127\.0\.0\.1:[1-9][0-9]*$/, "bound to a real port");
  const client = (pem: Pem) =>
    h.connect({
      address: address!,
      tls: { ca: pki.ca.cert, certChain: pem.cert, privateKey: pem.key },
    });

  const writer = client(pki.writer);
  const op = await writer.bindDevice({ selector: { pciAddress: "00:06.0" }, driver: "vfio-pci" });
  t.equal(op.requestedBy, "CN=controller", "the core learns who asked");
  t.same(h.core.calls("bindDevice")[0]?.ctx.caller, {
    listener: "tcp",
    identity: "CN=controller",
    access: "write",
  });

  const reader = client(pki.reader);
  t.equal((await reader.listDevices()).length, 3, "a reader may read");
  t.equal(h.core.calls("listDevices")[0]?.ctx.caller.identity, "URI:spiffe://test/dashboard");
  const denied = await rejection(
    t,
    reader.bindDevice({ selector: { pciAddress: "00:06.0" }, driver: "vfio-pci" }),
    "PERMISSION_DENIED",
    /BindDevice changes the host; this client identity may only read/,
  );
  t.match(denied.remedy, /writers allowlist/);
  await rejection(t, reader.prepareTermination({ dryRun: true }), "PERMISSION_DENIED");
  t.equal(h.core.calls("bindDevice").length, 1, "the refused bind never reached the core");

  const stranger = client(pki.stranger);
  await rejection(t, stranger.listDevices(), "PERMISSION_DENIED", /CN=stranger/);
  await rejection(t, stranger.checkHealth(), "PERMISSION_DENIED");
  const watch = stranger.watchEvents();
  await rejection(t, watch.next(), "PERMISSION_DENIED");

  const forged = client(pki.forged);
  await rejection(t, forged.listDevices({ deadlineMs: 3_000 }), "UNAVAILABLE");

  // A client that presents no certificate at all fails the handshake.
  const noCert = new grpc.Client(address!, grpc.credentials.createSsl(pki.ca.cert));
  t.teardown(() => noCert.close());
  const status = await new Promise<grpc.StatusObject>((resolve) => {
    noCert
      .makeUnaryRequest(
        "/eniagent.v1.EniAgentService/ListDevices",
        () => Buffer.alloc(0),
        (b: Buffer) => b,
        {},
        { deadline: Date.now() + 3_000 },
        () => {},
      )
      .on("status", resolve);
  });
  t.equal(status.code, grpc.status.UNAVAILABLE, "no certificate, no connection");
  t.equal(h.core.calls("listDevices").length, 1, "only the reader's list reached the core");
});

t.test("plaintext TCP is refused before anything listens", async (t) => {
  const core = new FakeCore();
  const dir = tempDir(t);
  t.throws(
    () =>
      new AgentServer(
        { core },
        { socket: { path: `${dir}/a.sock` }, tcp: { address: "127.0.0.1:0", writers: ["CN=x"] } },
      ),
    { code: "INVALID_ARGUMENT", message: /plaintext TCP is refused/ },
  );
  const pki = makePki(dir);
  t.throws(
    () =>
      new AgentServer(
        { core },
        {
          socket: { path: `${dir}/a.sock` },
          tcp: {
            address: "127.0.0.1:0",
            tls: { certChain: pki.server.cert, privateKey: pki.server.key, clientCa: pki.ca.cert },
          },
        },
      ),
    { code: "INVALID_ARGUMENT", message: /no allowed client identities/ },
  );
});

t.test("an empty or garbage client CA is refused before anything listens (#17)", async (t) => {
  const dir = tempDir(t);
  const pki = makePki(dir);
  const server = (clientCa: Buffer) =>
    new AgentServer(
      { core: new FakeCore() },
      {
        socket: { path: `${dir}/a.sock` },
        tcp: {
          address: "127.0.0.1:0",
          tls: { certChain: pki.server.cert, privateKey: pki.server.key, clientCa },
          writers: ["CN=controller"],
        },
      },
    );
  t.throws(() => server(Buffer.alloc(0)), {
    code: "INVALID_ARGUMENT",
    message: /tls\.clientCa: holds no PEM certificate/,
  });
  t.throws(() => server(Buffer.from("not a certificate\n")), {
    code: "INVALID_ARGUMENT",
    message: /tls\.clientCa: holds no PEM certificate/,
  });
  t.doesNotThrow(() => server(pki.ca.cert), "the real CA is accepted");
});

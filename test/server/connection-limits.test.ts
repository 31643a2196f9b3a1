/**
 * Issue #17, defect 6: a local user must not exhaust the daemon's descriptors
 * through a listener. Each listener caps its connections, closes connections
 * that do not send the HTTP/2 preface in time (on TCP: do not finish TLS in
 * time), and the main socket keeps serving while another listener is full.
 * Floods are bounded in count, on Unix sockets and loopback only, and wait on
 * socket events, never on the clock.
 */
import { once } from "node:events";
import { connect as connectHttp2 } from "node:http2";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import t from "tap";
import { AgentServer } from "../../src/server/agent-server.js";
import { HTTP2_CLIENT_PREFACE } from "../../src/server/http2-preface.js";
import { makeCa, makeLeaf } from "./certs.js";
import { FakeCore } from "./fake-core.js";
import { startHarness, tempDir, until } from "./harness.js";

/** Opens a raw connection; resolves once it is connected. */
async function rawConnection(path: string): Promise<Socket> {
  const socket = connect({ path });
  socket.on("error", () => {});
  await once(socket, "connect");
  return socket;
}

/** Resolves once the server closed the connection (the client sees end or close). */
function closedByServer(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    socket.once("close", () => resolve());
    socket.resume();
  });
}

t.test(
  "the read-only socket closes connections past its cap, and the main socket still serves (#17)",
  async (t) => {
    const cap = 4;
    const flood = 40;
    const h = await startHarness(t, (dir) => ({
      readOnlySocket: { path: join(dir, "public", "ro.sock"), limits: { maxConnections: cap } },
      // Long enough that the held connections outlive the flood.
      limits: { prefaceTimeoutMs: 60_000 },
    }));
    const roPath = h.server.addresses().readOnlySocket!;
    const held: Socket[] = [];
    for (let i = 0; i < cap; i++) {
      const socket = await rawConnection(roPath);
      socket.write(HTTP2_CLIENT_PREFACE);
      held.push(socket);
    }
    t.teardown(() => {
      for (const s of held) s.destroy();
    });
    const stats = () => h.server.listenerStats().find((l) => l.kind === "unix-read-only")!;
    // Each connection past the cap is accepted by the kernel and closed by the daemon.
    const refused = await Promise.all(
      Array.from({ length: flood }, async () => closedByServer(await rawConnection(roPath))),
    );
    t.equal(refused.length, flood, "every connection past the cap was closed");
    t.equal(stats().connections.refused, flood, "counted as refused");
    t.equal(stats().connections.open, cap, "the held connections stay");
    t.ok(
      held.every((s) => !s.destroyed),
      "the connections within the cap are untouched",
    );

    t.equal((await h.client.listDevices()).length, 3, "root on the main socket is served");
    const main = h.server.listenerStats().find((l) => l.kind === "unix")!;
    t.equal(main.connections.refused, 0, "the main socket refused nobody");

    held.pop()!.destroy();
    await until(() => stats().connections.open === cap - 1, "the freed slot");
    const ro = h.connect({ socketPath: roPath });
    t.equal((await ro.listDevices()).length, 3, "a freed slot serves the next reader");
  },
);

t.test(
  "a connection that never sends the HTTP/2 preface is closed after the preface timeout (#17)",
  async (t) => {
    // Long enough for a real client's preface on a loaded machine, short
    // enough that the silent connections are closed within the test.
    const h = await startHarness(t, () => ({ limits: { prefaceTimeoutMs: 250 } }));
    const silent = await rawConnection(h.socketPath);
    await closedByServer(silent);
    const partial = await rawConnection(h.socketPath);
    partial.write(HTTP2_CLIENT_PREFACE.subarray(0, 10));
    await closedByServer(partial);
    const main = () => h.server.listenerStats().find((l) => l.kind === "unix")!.connections;
    t.equal(main().timedOut, 2, "both counted as timed out");

    const http1 = await rawConnection(h.socketPath);
    http1.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await closedByServer(http1);
    t.equal(main().notHttp2, 1, "a client that is not HTTP/2 is closed at its first byte");
    t.equal(main().open, 0);
    t.equal((await h.client.listDevices()).length, 3, "a real client still gets its answer");
  },
);

t.test("an idle connection is sent away after the idle timeout", async (t) => {
  const h = await startHarness(t, () => ({ keepalive: { maxConnectionIdleMs: 30 } }));
  const session = connectHttp2("http://localhost", {
    createConnection: () => connect({ path: h.socketPath }),
  });
  session.on("error", () => {});
  const goaway = once(session, "goaway");
  await once(session, "connect");
  await goaway;
  await once(session, "close");
  await until(
    () => h.server.listenerStats().find((l) => l.kind === "unix")!.connections.open === 0,
    "the connection to close",
  );
  t.pass("the idle session was sent away and its connection closed");
});

t.test("a TCP client that does not finish TLS in time is closed (#17)", async (t) => {
  const dir = tempDir(t);
  const ca = makeCa(dir, "ca");
  const leaf = makeLeaf(dir, "ca", "server", {
    cn: "eni-agent",
    san: "IP:127.0.0.1",
    usage: "serverAuth",
  });
  const client = makeLeaf(dir, "ca", "controller", { cn: "controller", usage: "clientAuth" });
  const server = new AgentServer(
    { core: new FakeCore() },
    {
      socket: { path: join(dir, "a.sock") },
      tcp: {
        address: "127.0.0.1:0",
        tls: { certChain: leaf.cert, privateKey: leaf.key, clientCa: ca.cert },
        writers: ["CN=controller"],
        limits: { maxConnections: 2 },
      },
      // The legitimate client below must finish its TLS handshake inside
      // this, also on a loaded machine.
      limits: { prefaceTimeoutMs: 1_000 },
    },
  );
  await server.start(new AbortController().signal);
  t.teardown(() => server.stop());
  const port = Number(server.addresses().tcp!.split(":").at(-1));
  const silent = connect({ host: "127.0.0.1", port });
  silent.on("error", () => {});
  await once(silent, "connect");
  await closedByServer(silent);
  const tcp = () => server.listenerStats().find((l) => l.kind === "tcp")!.connections;
  t.equal(tcp().timedOut, 1, "the handshake timeout closed it");

  // A client that finishes TLS but then sends no preface is closed too.
  const quiet = tlsConnect({
    host: "127.0.0.1",
    port,
    ca: ca.cert,
    cert: client.cert,
    key: client.key,
    ALPNProtocols: ["h2"],
  });
  quiet.on("error", () => {});
  await once(quiet, "secureConnect");
  await closedByServer(quiet as unknown as Socket);
  await until(() => tcp().open === 0, "both connections to close");
  t.equal(tcp().timedOut, 2, "the preface timeout closed it");
});

t.test("a main socket mode that lets others write is refused (#17)", async (t) => {
  const dir = tempDir(t);
  for (const mode of [0o666, 0o662, 0o602, 0o777]) {
    t.throws(
      () => new AgentServer({ core: new FakeCore() }, { socket: { path: `${dir}/a.sock`, mode } }),
      { code: "INVALID_ARGUMENT", message: /main socket's mode 0?\d+ lets every local user/ },
      mode.toString(8),
    );
  }
  t.doesNotThrow(
    () =>
      new AgentServer(
        { core: new FakeCore() },
        {
          socket: { path: `${dir}/a.sock`, mode: 0o660 },
          readOnlySocket: { path: `${dir}/r.sock`, mode: 0o666 },
        },
      ),
    "0660 on the main socket and 0666 on the read-only socket are fine",
  );
});

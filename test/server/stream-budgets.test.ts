/**
 * Issue #17, defect 7: WatchEvents and Health.Watch caps are per listener,
 * so read-only callers filling their socket's budget never deny root's
 * watches (or a bind's progress) on the main socket.
 */
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import t from "tap";
import type { AgentClient } from "../../src/client/client.js";
import { loadApiDefinition } from "../../src/server/load-definition.js";
import { startHarness, until } from "./harness.js";

interface OpenStream {
  /** Settles when the stream ends: the error, or null on a clean end. */
  ended: Promise<unknown>;
  cancel(): void;
}

/** A WatchEvents stream; resolves once the daemon subscribed it, or once it was refused. */
async function watchEvents(client: AgentClient): Promise<OpenStream> {
  const controller = new AbortController();
  let subscribed = (): void => {};
  const ready = new Promise<void>((resolve) => {
    subscribed = resolve;
  });
  const ended = (async () => {
    for await (const _ of client.watchEvents(
      {},
      { signal: controller.signal, onSubscribed: subscribed },
    ))
      void _;
    return null;
  })().catch((err: unknown) => err);
  await Promise.race([ready, ended]);
  return { ended, cancel: () => controller.abort() };
}

/** A Health.Watch stream on its own connection to `socketPath`; resolves at its first answer or its end. */
async function watchHealth(socketPath: string): Promise<OpenStream & { close(): void }> {
  const method = loadApiDefinition().healthService.Watch;
  const client = new grpc.Client(`unix://${socketPath}`, grpc.credentials.createInsecure());
  const call = client.makeServerStreamRequest(
    method.path,
    method.requestSerialize,
    method.responseDeserialize,
    { service: "" },
  );
  const ended = new Promise<unknown>((resolve) => {
    call.on("error", resolve);
    call.on("end", () => resolve(null));
  });
  await Promise.race([new Promise((resolve) => call.once("data", resolve)), ended]);
  return { ended, cancel: () => call.cancel(), close: () => client.close() };
}

t.test("a full read-only socket leaves the main socket its own watch budget (#17)", async (t) => {
  const h = await startHarness(t, (dir) => ({
    socket: {
      path: join(dir, "run", "agent.sock"),
      limits: { maxWatchStreams: 2, maxHealthWatchStreams: 2 },
    },
    readOnlySocket: {
      path: join(dir, "public", "ro.sock"),
      limits: { maxWatchStreams: 3, maxHealthWatchStreams: 3 },
    },
  }));
  const roPath = h.server.addresses().readOnlySocket!;
  const ro = h.connect({ socketPath: roPath });
  const streams: OpenStream[] = [];
  const healthClients: { close(): void }[] = [];
  t.teardown(() => {
    for (const s of streams) s.cancel();
    for (const c of healthClients) c.close();
  });
  const health = async (path: string): Promise<OpenStream> => {
    const stream = await watchHealth(path);
    healthClients.push(stream);
    return stream;
  };

  // Any local user fills the read-only socket's budgets...
  for (let i = 0; i < 3; i++) streams.push(await watchEvents(ro), await health(roPath));
  const roStats = () => h.server.listenerStats().find((l) => l.kind === "unix-read-only")!;
  t.equal(roStats().watchStreams, 3);
  t.equal(roStats().healthWatchStreams, 3);
  t.match(await (await watchEvents(ro)).ended, {
    code: "UNAVAILABLE",
    message: /too many open WatchEvents streams on the read-only socket \(limit 3\)/,
  });
  t.match(await (await health(roPath)).ended, {
    code: grpc.status.UNAVAILABLE,
    details: /too many open Health.Watch streams on the read-only socket \(limit 3\)/,
  });

  // ...and root still opens every stream the main socket's budget allows.
  const mainWatches = [await watchEvents(h.client), await watchEvents(h.client)];
  const mainHealth = [await health(h.socketPath), await health(h.socketPath)];
  streams.push(...mainWatches, ...mainHealth);
  const main = () => h.server.listenerStats().find((l) => l.kind === "unix")!;
  t.equal(main().watchStreams, 2, "root's watches are open");
  t.equal(main().healthWatchStreams, 2, "root's health watches are open");
  t.match(await (await watchEvents(h.client)).ended, {
    code: "UNAVAILABLE",
    message: /on the main socket \(limit 2\)/,
  });

  // Closing a read-only stream frees the read-only budget only.
  streams[0]!.cancel();
  await until(() => roStats().watchStreams === 2, "the read-only slot to free");
  t.equal(main().watchStreams, 2);
});

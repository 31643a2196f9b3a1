/**
 * Issue #17, defect 8: a watcher that stops reading is dropped at the queue
 * limit with RST_STREAM, so that what was queued for it is freed. Ending it
 * with a status (as before) left the status queued behind the unread
 * messages, behind a flow-control window that never reopens: the daemon kept
 * the stream and its data for as long as the client kept the connection.
 *
 * N raw HTTP/2 clients on the Unix socket open WatchEvents and never read.
 * The daemon's events are emitted until each stream was reset (bounded by a
 * count, not by time). Then the server side is checked through grpc-js's
 * channelz (streams started = succeeded + failed on every connection, i.e.
 * no HTTP/2 stream left open) and its own registry.
 */
import { constants } from "node:http2";
import * as grpc from "@grpc/grpc-js";
import t from "tap";
import { neverReadingWatcher } from "../support/never-reading-watcher.js";
import { device } from "./fake-core.js";
import { startHarness } from "./harness.js";

const CLIENTS = 6;
/** Ten times what fills a stream's 64 KiB window; the test fails if the streams are not all reset by then. */
const MAX_EVENTS = 5_000;
const MAX_QUEUED = 32;

interface Channelz {
  GetServers(call: unknown, callback: (err: unknown, value: ServersReply) => void): void;
  GetServerSockets(call: unknown, callback: (err: unknown, value: SocketsReply) => void): void;
  GetSocket(call: unknown, callback: (err: unknown, value: SocketReply) => void): void;
}
interface ServersReply {
  server: { ref: { server_id: number } }[];
}
interface SocketsReply {
  socket_ref: { socket_id: number }[];
}
interface SocketReply {
  socket: { data: { streams_started: number; streams_succeeded: number; streams_failed: number } };
}

function ask<T>(
  handler: (call: unknown, cb: (err: unknown, value: T) => void) => void,
  request: object,
): T {
  let result: T | undefined;
  handler({ request }, (err, value) => {
    if (err !== null) throw err;
    result = value;
  });
  if (result === undefined) throw new Error("channelz answered asynchronously");
  return result;
}

/** HTTP/2 streams open on every server connection of this process, per grpc-js channelz. */
function openServerStreams(): number {
  const channelz = grpc.getChannelzHandlers() as unknown as Channelz;
  let open = 0;
  const servers = ask(channelz.GetServers, { start_server_id: 0 }).server;
  for (const { ref } of servers) {
    const sockets = ask(channelz.GetServerSockets, {
      server_id: ref.server_id,
      start_socket_id: 0,
    });
    for (const { socket_id } of sockets.socket_ref) {
      const { data } = ask(channelz.GetSocket, { socket_id }).socket;
      open += data.streams_started - data.streams_succeeded - data.streams_failed;
    }
  }
  return open;
}

t.test(
  "watchers that never read are reset at the queue limit and leave no stream behind (#17)",
  async (t) => {
    const h = await startHarness(t, () => ({ limits: { maxQueuedEvents: MAX_QUEUED } }));
    const watchers = await Promise.all(
      Array.from({ length: CLIENTS }, () => neverReadingWatcher(h.socketPath)),
    );
    t.teardown(() => {
      for (const w of watchers) w.session.destroy();
    });
    t.equal(h.core.listenerCount, CLIENTS, "every watcher is subscribed");
    t.equal(openServerStreams(), CLIENTS, "channelz sees one open stream per watcher");

    // One event per turn: while a client's window is open, its queue drains
    // every turn; only once the window is full does the queue grow to the
    // limit. So each drop happens behind a closed window, as in the field.
    let resets = 0;
    const windowFull: boolean[] = watchers.map(() => false);
    const windowFullBeforeReset: boolean[] = watchers.map(() => false);
    const codes: (number | null)[] = watchers.map(() => null);
    watchers.forEach((w, i) => {
      void w.ended.then((code) => {
        resets++;
        codes[i] = code;
        windowFullBeforeReset[i] = windowFull[i] === true;
      });
    });
    let emitted = 0;
    while (resets < CLIENTS && emitted < MAX_EVENTS) {
      h.core.emit({ kind: "device_added", device: device(9) });
      emitted++;
      await new Promise((resolve) => setImmediate(resolve));
      watchers.forEach((w, i) => {
        if (w.stream.state.localWindowSize === 0) windowFull[i] = true;
      });
    }
    t.equal(resets, CLIENTS, `every watcher was dropped (after ${emitted} events)`);
    t.same(
      windowFullBeforeReset,
      windowFull.map(() => true),
      "each once its window was full",
    );
    t.same(
      codes,
      watchers.map(() => constants.NGHTTP2_ENHANCE_YOUR_CALM),
      "each by RST_STREAM ENHANCE_YOUR_CALM",
    );
    t.equal(h.core.listenerCount, 0, "no subscription is left");
    t.equal(h.server.openWatchStreams(), 0, "no stream is left in the registry");
    t.equal(openServerStreams(), 0, "no HTTP/2 stream is left open on the server");
    t.ok(
      watchers.every((w) => !w.session.closed),
      "the connections themselves stay (other calls on them are not affected)",
    );
    t.equal((await h.client.listDevices()).length, 3, "the daemon serves as before");
  },
);

/**
 * A WatchEvents call from a raw HTTP/2 client that never reads its
 * responses: its stream's flow-control window fills and stays full, as with
 * a stuck controller. For the slow-watcher test and benchmark (#17).
 */
import { once } from "node:events";
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect as connectHttp2,
} from "node:http2";
import { connect } from "node:net";

export interface NeverReadingWatcher {
  session: ClientHttp2Session;
  stream: ClientHttp2Stream;
  /** Resolves with the stream's RST_STREAM code once it ends (0 for a normal end). */
  ended: Promise<number>;
}

/** Opens the call on a connection of its own to `socketPath`; resolves once the daemon subscribed it. */
export async function neverReadingWatcher(socketPath: string): Promise<NeverReadingWatcher> {
  const session = connectHttp2("http://localhost", {
    createConnection: () => connect({ path: socketPath }),
  });
  session.on("error", () => {});
  const stream = session.request({
    ":method": "POST",
    ":path": "/eniagent.v1.EniAgentService/WatchEvents",
    "content-type": "application/grpc",
    te: "trailers",
  });
  stream.on("error", () => {});
  // An empty WatchEventsRequest: uncompressed, length 0.
  stream.end(Buffer.from([0, 0, 0, 0, 0]));
  stream.pause();
  // A reset stream emits 'error' before 'close' (events.once would reject on it).
  const ended = new Promise<number>((resolve) =>
    stream.once("close", () => resolve(stream.rstCode ?? -1)),
  );
  // Response headers come once the subscription is active.
  await once(stream, "response");
  return { session, stream, ended };
}

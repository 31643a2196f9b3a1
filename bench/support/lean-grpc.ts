/**
 * A gRPC caller that costs its process as little as a call can: one HTTP/2
 * session per caller over the daemon's Unix socket, a request encoded once,
 * and an answer checked only for its status (its bytes are counted, not
 * decoded). A load generator built on the full grpc-js client spends more
 * CPU per call than the daemon does; on a machine with two vCPUs it, not the
 * daemon, sets the latencies. With this one the latencies are the daemon's.
 */
import http2 from "node:http2";
import { connect } from "node:net";

export interface LeanCaller {
  /** One call; resolves with the response message's length, rejects on a non-OK status. */
  call(): Promise<number>;
  close(): void;
}

/** gRPC frames a message with a 1-byte compression flag and a 4-byte big-endian length. */
function frame(message: Uint8Array): Buffer {
  const framed = Buffer.alloc(5 + message.length);
  framed.writeUInt32BE(message.length, 1);
  framed.set(message, 5);
  return framed;
}

export function leanCaller(socketPath: string, path: string, request: Uint8Array): LeanCaller {
  const session = http2.connect("http://localhost", {
    createConnection: () => connect(socketPath),
  });
  // A caller that fails must not take the benchmark process down.
  session.on("error", () => undefined);
  const body = frame(request);
  const headers = {
    ":method": "POST",
    ":path": path,
    "content-type": "application/grpc",
    te: "trailers",
  };
  return {
    call: () =>
      new Promise((resolve, reject) => {
        const stream = session.request(headers, { endStream: false });
        let bytes = 0;
        let status: string | undefined;
        stream.on("response", (h) => {
          status = h["grpc-status"] as string | undefined;
        });
        stream.on("trailers", (h) => {
          status = h["grpc-status"] as string | undefined;
        });
        stream.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
        });
        stream.on("error", reject);
        stream.on("close", () => {
          if (status === "0") resolve(bytes - 5);
          else reject(new Error(`grpc-status ${status ?? "missing"} from ${path}`));
        });
        stream.end(body);
      }),
    close: () => session.close(),
  };
}

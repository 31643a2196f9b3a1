/**
 * Waits for the HTTP/2 client connection preface (RFC 9113 §3.4) on a fresh
 * connection before it is handed to the gRPC server. A connection that sends
 * nothing, or something else, costs a descriptor and nothing more, and only
 * for `timeoutMs`: without this, a client that connects and stays silent
 * holds its descriptor until the keepalive gives up on it (minutes).
 *
 * The bytes read are pushed back (`unshift`) before the socket is handed on:
 * node's HTTP/2 session consumes what is already buffered on the socket when
 * it takes the socket over.
 */
import type { Duplex } from "node:stream";

/** "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n": the first 24 bytes every HTTP/2 client sends. */
export const HTTP2_CLIENT_PREFACE: Buffer = Buffer.from(
  "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
  "latin1",
);

/** How waiting for the preface ended. */
type PrefaceOutcome =
  /** The preface arrived; the socket is paused with it back in its buffer. */
  | "preface"
  /** The bytes differ from the preface (not an HTTP/2 client). */
  | "not-http2"
  /** `timeoutMs` passed first. */
  | "timeout"
  /** The peer closed, or the socket failed, first. */
  | "closed";

/**
 * Resolves once the socket has sent the whole preface, or once it is clear
 * it will not. Never destroys the socket: the caller decides.
 */
export function awaitPreface(socket: Duplex, timeoutMs: number): Promise<PrefaceOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (outcome: PrefaceOutcome): void => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("end", onClosed);
      socket.off("close", onClosed);
      socket.off("error", onClosed);
      if (outcome === "preface") {
        socket.pause();
        socket.unshift(Buffer.concat(chunks, received));
      }
      resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      const at = received;
      chunks.push(chunk);
      received += chunk.length;
      // Compare what overlaps the preface as it comes: a wrong first byte is enough.
      const end = Math.min(received, HTTP2_CLIENT_PREFACE.length);
      if (at < end && !chunk.subarray(0, end - at).equals(HTTP2_CLIENT_PREFACE.subarray(at, end))) {
        finish("not-http2");
      } else if (received >= HTTP2_CLIENT_PREFACE.length) {
        finish("preface");
      }
    };
    const onClosed = (): void => finish("closed");
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    socket.on("data", onData);
    socket.once("end", onClosed);
    socket.once("close", onClosed);
    socket.once("error", onClosed);
  });
}

/**
 * Resets the HTTP/2 stream of a server call (RST_STREAM), which drops what
 * is queued for it at once.
 *
 * Ending a call the usual way (status in trailers) queues the trailers
 * behind the messages already queued; for a client that stopped reading,
 * the stream's flow-control window stays closed, so neither ever leaves and
 * the queued data stays in the daemon for as long as the connection lives.
 * Only a reset frees it: nghttp2 drops the stream's pending data and node
 * destroys the stream.
 *
 * grpc-js exposes no way to reset a server call's stream (its server call
 * objects keep the http2 stream private), so this reaches for it along the
 * path grpc-js 1.10+ builds every call: the call object's `call`, through any
 * interceptors' `nextCall`, to the base call's `stream`. If that path is not
 * there (a grpc-js that changed it), nothing is reset and false comes back;
 * the tests of the watch stream fail on such a version rather than let the
 * leak return silently.
 */
import { constants, type ServerHttp2Stream } from "node:http2";

/** The RST_STREAM code a watcher that fell behind gets; grpc-js clients read it as RESOURCE_EXHAUSTED. */
const FELL_BEHIND_RST_CODE = constants.NGHTTP2_ENHANCE_YOUR_CALM;

/** How deep interceptors may nest before the search gives up. */
const MAX_LAYERS = 8;

function http2StreamOf(call: object): ServerHttp2Stream | null {
  let layer: unknown = (call as { call?: unknown }).call;
  for (let depth = 0; depth < MAX_LAYERS && typeof layer === "object" && layer !== null; depth++) {
    const stream = (layer as { stream?: unknown }).stream;
    if (isHttp2Stream(stream)) return stream;
    layer = (layer as { nextCall?: unknown }).nextCall;
  }
  return null;
}

function isHttp2Stream(value: unknown): value is ServerHttp2Stream {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ServerHttp2Stream).close === "function" &&
    typeof (value as ServerHttp2Stream).respond === "function" &&
    "rstCode" in value
  );
}

/**
 * Sends RST_STREAM with `code` on the call's stream and discards what the
 * call still buffers. True when the stream was found (and was still open).
 */
export function resetStream(
  call: object & { destroy?: () => void },
  code: number = FELL_BEHIND_RST_CODE,
): boolean {
  const stream = http2StreamOf(call);
  if (stream === null || stream.closed || stream.destroyed) return false;
  stream.close(code);
  // The call's own write queue (messages not yet handed to the stream) goes too.
  call.destroy?.();
  return true;
}

/**
 * Open server streams (WatchEvents, Health.Watch) of one listener: a cap on
 * how many may be open at once, and a way to end them all when the server
 * stops, so that a graceful shutdown does not wait on streams that never end
 * by themselves.
 */
import type * as grpc from "@grpc/grpc-js";
import { AgentError } from "../common/index.js";
import { toServiceError } from "./error-status.js";
import { resetStream } from "./reset-stream.js";

export interface OpenStream {
  /** Ends the stream because the server stops; must be idempotent. */
  close(): void;
}

export class StreamRegistry {
  readonly #open = new Set<OpenStream>();
  readonly #max: number;
  readonly #what: string;

  /** `max` streams at most; `what` names them in the refusal ("WatchEvents streams on …"). */
  constructor(max: number, what: string) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`stream cap must be ≥ 1: ${max}`);
    this.#max = max;
    this.#what = what;
  }

  get size(): number {
    return this.#open.size;
  }

  /** Registers a stream; UNAVAILABLE when the cap is reached. */
  add(stream: OpenStream): void {
    if (this.#open.size >= this.#max) {
      throw new AgentError("UNAVAILABLE", `too many open ${this.#what} (limit ${this.#max})`, {
        remedy: "close unused streams, or retry with backoff",
      });
    }
    this.#open.add(stream);
  }

  /** Forgets a stream that ended; idempotent. */
  delete(stream: OpenStream): void {
    this.#open.delete(stream);
  }

  /** Ends every open stream. */
  closeAll(): void {
    for (const stream of [...this.#open]) stream.close();
    this.#open.clear();
  }
}

/** A server stream registered with a StreamRegistry, ended exactly once. */
export interface TrackedStream {
  readonly ended: boolean;
  /** Runs when the stream ends for any reason (e.g. unsubscribe). */
  onEnd(cleanup: () => void): void;
  /** Ends the stream: OK when `error` is null, else with its status. Idempotent. */
  finish(error: AgentError | null): void;
  /**
   * Ends the stream with RST_STREAM instead of a status, dropping what is
   * queued for it (a client that stopped reading would never receive the
   * status anyway). Falls back to finish(error) if the stream cannot be
   * reset. Idempotent.
   */
  reset(error: AgentError): void;
}

/**
 * Registers `call` (UNAVAILABLE when the cap is reached) and ties its end to
 * client cancellation; `onServerStop` decides how it ends when the server stops.
 */
export function trackStream(
  call: grpc.ServerWritableStream<unknown, unknown>,
  streams: StreamRegistry,
  onServerStop: (stream: TrackedStream) => void,
): TrackedStream {
  const cleanups: (() => void)[] = [];
  let ended = false;
  /** Marks the stream ended and releases it; false when it already was. */
  const end = (): boolean => {
    if (ended) return false;
    ended = true;
    for (const cleanup of cleanups) cleanup();
    streams.delete(entry);
    return !call.cancelled;
  };
  const tracked: TrackedStream = {
    get ended() {
      return ended;
    },
    onEnd: (cleanup) => {
      cleanups.push(cleanup);
    },
    finish: (error) => {
      if (!end()) return;
      if (error === null) call.end();
      else call.emit("error", toServiceError(error));
    },
    reset: (error) => {
      if (!end()) return;
      if (!resetStream(call)) call.emit("error", toServiceError(error));
    },
  };
  const entry: OpenStream = { close: () => onServerStop(tracked) };
  streams.add(entry);
  call.on("cancelled", () => tracked.finish(null));
  return tracked;
}

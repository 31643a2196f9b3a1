/**
 * Standard output written with blocking write(2) calls, for a command that
 * prints its result and exits. Making process.stdout loads node's stream
 * module, and for a pipe or a terminal its socket code too: about 2 ms, a
 * good part of what `eni-agent status` may cost above node's own start. For
 * a file node's stream does these same write(2) calls; for a pipe or a
 * terminal it does them too as long as they do not block.
 *
 * Whatever write(2) refuses (EAGAIN on a descriptor someone made
 * non-blocking, EPIPE from a reader that went away, anything else) goes, with
 * all that follows, to `fallback()`: process.stdout, which then queues,
 * ignores or reports it exactly as it does for every other command.
 */
import { writeSync } from "node:fs";
import type { CliIo } from "./command.js";

/** What takes over: bytes, because a failed write may have stopped inside a character. */
export interface FallbackWriter {
  write(chunk: string | Uint8Array): unknown;
}

/** Writes to descriptor `fd` until a write fails, then through `fallback()` from that byte on. */
export function blockingStdout(
  fd: number,
  fallback: () => FallbackWriter,
  write: (fd: number, bytes: Uint8Array, offset: number) => number = writeSync,
): CliIo["stdout"] {
  let stream: FallbackWriter | undefined;
  return {
    write(text: string): unknown {
      if (stream !== undefined) return stream.write(text);
      const bytes = Buffer.from(text, "utf8");
      let done = 0;
      try {
        while (done < bytes.length) done += write(fd, bytes, done);
        return true;
      } catch {
        // Once handed over, always: output must stay in order.
        stream = fallback();
        return stream.write(bytes.subarray(done));
      }
    },
  };
}

/**
 * blocking-stdout.ts: what `eni-agent status` prints with write(2) must be
 * byte for byte what it meant to print, whatever write(2) does.
 */
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import t from "tap";
import { blockingStdout, type FallbackWriter } from "../../src/cli/blocking-stdout.js";

/** A fallback that records what it was given, as bytes, and whether it was made at all. */
function recorder(): { make: () => FallbackWriter; bytes: () => Buffer; made: () => boolean } {
  const chunks: Buffer[] = [];
  let made = false;
  const writer = {
    write(chunk: string | Uint8Array) {
      chunks.push(Buffer.from(chunk));
      return true;
    },
  };
  return {
    make: () => {
      made = true;
      return writer;
    },
    bytes: () => Buffer.concat(chunks),
    made: () => made,
  };
}

t.test("writes every byte to the descriptor, in order", async (t) => {
  const file = join(t.testdir({}), "out");
  const fd = openSync(file, "w");
  const fallback = recorder();
  const out = blockingStdout(fd, fallback.make);
  out.write("status: ");
  out.write("Ünïcödé ✓\n");
  closeSync(fd);
  t.equal(readFileSync(file, "utf8"), "status: Ünïcödé ✓\n");
  t.notOk(fallback.made(), "the fallback was never made");
});

t.test("short writes are continued where they stopped", async (t) => {
  const written: number[] = [];
  const threeAtATime = (_fd: number, bytes: Uint8Array, offset: number) => {
    const n = Math.min(3, bytes.length - offset);
    written.push(...bytes.subarray(offset, offset + n));
    return n;
  };
  const fallback = recorder();
  const out = blockingStdout(1, fallback.make, threeAtATime);
  out.write("a table of ✓ devices\n");
  t.equal(Buffer.from(written).toString("utf8"), "a table of ✓ devices\n");
  t.notOk(fallback.made());
});

t.test("a refused write hands the rest, and all that follows, to the fallback", async (t) => {
  const written: number[] = [];
  let calls = 0;
  // 12 bytes get through; the next write(2) fails, inside the 3-byte "✓".
  const refuseAfter12 = (_fd: number, bytes: Uint8Array, offset: number) => {
    calls += 1;
    if (offset >= 12) throw Object.assign(new Error("EAGAIN"), { code: "EAGAIN" });
    const n = Math.min(12 - offset, bytes.length - offset);
    written.push(...bytes.subarray(offset, offset + n));
    return n;
  };
  const fallback = recorder();
  const out = blockingStdout(1, fallback.make, refuseAfter12);
  const text = "a table of ✓ devices\n";
  out.write(text);
  t.equal(Buffer.concat([Buffer.from(written), fallback.bytes()]).toString("utf8"), text);
  t.same(fallback.bytes(), Buffer.from(text).subarray(12), "from the refused byte on");
  const before = calls;
  out.write("second line\n");
  t.equal(calls, before, "no more direct writes once handed over");
  t.match(fallback.bytes().toString("utf8"), /devices\nsecond line\n$/);
});

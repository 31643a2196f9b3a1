import { spawnSync } from "node:child_process";
import { gunzipSync } from "node:zlib";

/** Where a bzImage keeps its compressed kernel, read from the x86 boot header. */
export interface BzImagePayload {
  format: "gzip" | "xz" | "zstd";
  /** The compressed stream without the 4-byte size the build appends to it. */
  compressed: Uint8Array;
  /** Size of the uncompressed vmlinux, from the appended little-endian word. */
  uncompressedSize: number;
}

const MAGICS: ReadonlyArray<[BzImagePayload["format"], number[]]> = [
  ["gzip", [0x1f, 0x8b]],
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
];

/**
 * Locates the compressed payload of an x86 bzImage. Boot protocol 2.08+
 * records its offset (from the protected-mode code, which starts after the
 * setup sectors) and length in the header, so no magic-number scan is needed;
 * the magic then names the compressor. The build appends the uncompressed
 * size as a 32-bit word to the compressed stream (size_append).
 */
export function findPayload(bzImage: Uint8Array): BzImagePayload {
  const buf = Buffer.from(bzImage.buffer, bzImage.byteOffset, bzImage.byteLength);
  if (buf.length < 0x250 || buf.toString("latin1", 0x202, 0x206) !== "HdrS") {
    throw new Error("not an x86 bzImage (no HdrS boot header)");
  }
  const protocol = buf.readUInt16LE(0x206);
  if (protocol < 0x208) {
    throw new Error(`boot protocol ${protocol.toString(16)} predates payload fields (2.08)`);
  }
  const setupSectors = buf[0x1f1] || 4;
  const start = (setupSectors + 1) * 512 + buf.readUInt32LE(0x248);
  const length = buf.readUInt32LE(0x24c);
  if (length < 8 || start + length > buf.length) throw new Error("bzImage payload out of bounds");
  const payload = buf.subarray(start, start + length);
  const format = MAGICS.find(([, magic]) => magic.every((byte, i) => payload[i] === byte))?.[0];
  if (format === undefined) {
    const head = payload.subarray(0, 6).toString("hex");
    throw new Error(`unsupported kernel compression (payload starts ${head})`);
  }
  return {
    format,
    compressed: payload.subarray(0, length - 4),
    uncompressedSize: payload.readUInt32LE(length - 4),
  };
}

/**
 * Returns the uncompressed ELF vmlinux inside a bzImage, which qemu boots
 * directly through its PVH entry (no real-mode setup, no self-decompression:
 * seconds faster under TCG). gzip is decompressed in-process; xz and zstd by
 * the `xz`/`zstd` tools, or any command given in `tools`.
 */
export function extractVmlinux(
  bzImage: Uint8Array,
  tools: Partial<Record<"xz" | "zstd", string[]>> = {},
): Buffer {
  const payload = findPayload(bzImage);
  let out: Buffer;
  if (payload.format === "gzip") {
    out = gunzipSync(payload.compressed);
  } else {
    const [cmd, ...args] = tools[payload.format] ?? [payload.format, "-dc"];
    const run = spawnSync(cmd as string, args, {
      input: payload.compressed,
      maxBuffer: 1 << 30,
    });
    // A tool that dies early also breaks the input pipe (EPIPE): report both as failure.
    if (run.status !== 0 || run.error) {
      const why = run.stderr?.toString().trim() || run.error?.message || `exit ${run.status}`;
      throw new Error(`${[cmd, ...args].join(" ")} failed: ${why}`);
    }
    out = run.stdout;
  }
  if (out.length !== payload.uncompressedSize) {
    throw new Error(`vmlinux is ${out.length} bytes, header says ${payload.uncompressedSize}`);
  }
  if (out.readUInt32BE(0) !== 0x7f454c46) throw new Error("decompressed kernel is not an ELF file");
  return out;
}

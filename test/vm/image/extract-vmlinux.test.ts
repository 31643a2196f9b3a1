import { gzipSync } from "node:zlib";
import t from "tap";
import { onPath } from "./debian-packages.js";
import { extractVmlinux, findPayload } from "./extract-vmlinux.js";

/** A minimal bzImage: boot header with the payload fields, then a compressed "kernel". */
function fakeBzImage(compressed: Buffer, uncompressedSize: number, setupSects = 3): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32LE(uncompressedSize);
  const payload = Buffer.concat([compressed, size]);
  const payloadOffset = 100;
  const header = Buffer.alloc((setupSects + 1) * 512 + payloadOffset);
  header[0x1f1] = setupSects;
  header.write("HdrS", 0x202, "latin1");
  header.writeUInt16LE(0x20f, 0x206);
  header.writeUInt32LE(payloadOffset, 0x248);
  header.writeUInt32LE(payload.length, 0x24c);
  return Buffer.concat([header, payload, Buffer.from("trailing setup data")]);
}

const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(4000, 7)]);

t.test("finds the payload from the boot header and names its compressor", async (t) => {
  const image = fakeBzImage(gzipSync(elf), elf.length);
  const p = findPayload(image);
  t.equal(p.format, "gzip");
  t.equal(p.uncompressedSize, elf.length);
  t.same(extractVmlinux(image), elf);
});

t.test("rejects what it cannot trust", async (t) => {
  t.throws(() => findPayload(Buffer.alloc(4096)), /HdrS/);
  const old = fakeBzImage(gzipSync(elf), elf.length);
  old.writeUInt16LE(0x207, 0x206);
  t.throws(() => findPayload(old), /predates/);
  t.throws(() => findPayload(fakeBzImage(Buffer.from("BZh91AY&SY"), 10)), /unsupported/);
  t.throws(() => extractVmlinux(fakeBzImage(gzipSync(elf), elf.length + 1)), /header says/);
  const notElf = Buffer.alloc(64, 1);
  t.throws(() => extractVmlinux(fakeBzImage(gzipSync(notElf), notElf.length)), /not an ELF/);
});

t.test("xz payloads go through the xz tool", { skip: !onPath("xz") && "no xz here" }, async (t) => {
  const { spawnSync } = await import("node:child_process");
  const xz = spawnSync("xz", ["-c", "--check=crc32"], { input: elf }).stdout;
  const image = fakeBzImage(xz, elf.length);
  t.equal(findPayload(image).format, "xz");
  t.same(extractVmlinux(image), elf);
  t.throws(() => extractVmlinux(image, { xz: ["false"] }), /failed/);
});

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { CpioWriter } from "./cpio-writer.js";

interface Member {
  name: string;
  mode: number;
  rdev: [number, number];
  data: Buffer;
  offset: number;
}

/** Reads a newc archive as the kernel does: 110-byte header, name, data, 4-byte alignment. */
function readNewc(buf: Buffer): Member[] {
  const members: Member[] = [];
  let at = 0;
  const align = (n: number) => (n + 3) & ~3;
  for (;;) {
    if (buf.toString("ascii", at, at + 6) !== "070701") throw new Error(`bad magic at ${at}`);
    const field = (i: number) =>
      Number.parseInt(buf.toString("ascii", at + 6 + i * 8, at + 14 + i * 8), 16);
    const size = field(6);
    const nameSize = field(11);
    const name = buf.toString("utf8", at + 110, at + 110 + nameSize - 1);
    const dataAt = align(at + 110 + nameSize);
    const member = {
      name,
      mode: field(1),
      rdev: [field(9), field(10)] as [number, number],
      data: buf.subarray(dataAt, dataAt + size),
      offset: at,
    };
    if (name === "TRAILER!!!") {
      if (align(dataAt + size) !== buf.length) throw new Error("bytes after the trailer");
      return members;
    }
    members.push(member);
    at = align(dataAt + size);
  }
}

t.test("writes members the kernel can unpack, parents first, 4-byte aligned", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "cpio-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "a.cpio");
  const w = new CpioWriter(path);
  w.charDevice("dev/console", 5, 1);
  w.file("usr/bin/node", Buffer.from("abcde"), 0o755);
  w.symlink("bin/sh", "/bin/busybox");
  w.dir("proc");
  w.dir("proc");
  const size = w.close();
  const buf = readFileSync(path);
  t.equal(size, buf.length);
  const members = readNewc(buf);
  t.same(
    members.map((m) => m.name),
    ["dev", "dev/console", "usr", "usr/bin", "usr/bin/node", "bin", "bin/sh", "proc"],
  );
  for (const m of members) t.equal(m.offset % 4, 0, `${m.name} starts aligned`);
  const byName = new Map(members.map((m) => [m.name, m]));
  t.equal(byName.get("usr/bin/node")?.mode, 0o100755);
  t.equal(byName.get("usr/bin/node")?.data.toString(), "abcde");
  t.equal(byName.get("bin/sh")?.mode, 0o120777);
  t.equal(byName.get("bin/sh")?.data.toString(), "/bin/busybox");
  t.equal(byName.get("dev/console")?.mode, 0o020600);
  t.same(byName.get("dev/console")?.rdev, [5, 1]);
  t.equal(byName.get("usr")?.mode, 0o040755);
});

t.test("refuses duplicates, escapes and writes after close", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "cpio-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const w = new CpioWriter(join(dir, "b.cpio"));
  w.file("/init", Buffer.from("#!/bin/sh\n"), 0o755);
  t.ok(w.has("init"));
  t.throws(() => w.file("init", Buffer.alloc(0)), /duplicate/);
  t.throws(() => w.file("../etc/passwd", Buffer.alloc(0)), /escapes/);
  w.close();
  t.equal(w.close(), readFileSync(join(dir, "b.cpio")).length, "close is idempotent");
  t.throws(() => w.dir("late"), /closed/);
});

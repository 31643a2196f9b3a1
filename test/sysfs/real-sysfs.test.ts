import * as fs from "node:fs";
import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t, { type Test } from "tap";
import { RealSysfs } from "../../src/sysfs/real-sysfs.js";

/** A temp tree used as the sysfs root: never the real /sys. */
async function tempRoot(t: Test): Promise<string> {
  const base = await mkdtemp(join(tmpdir(), "eni-agent-sysfs-"));
  t.teardown(() => rm(base, { recursive: true, force: true }));
  const root = join(base, "sys");
  await fs.promises.mkdir(join(root, "devices/pci0000:00/0000:00:05.0"), { recursive: true });
  await fs.promises.mkdir(join(root, "bus/pci/devices"), { recursive: true });
  await symlink(
    "../../../devices/pci0000:00/0000:00:05.0",
    join(root, "bus/pci/devices/0000:00:05.0"),
  );
  await writeFile(join(root, "devices/pci0000:00/0000:00:05.0/driver_override"), "(null)\n");
  await writeFile(join(root, "devices/pci0000:00/0000:00:05.0/vendor"), "0x1d0f\n");
  await writeFile(join(base, "outside"), "untouched\n");
  return root;
}

const OVERRIDE = "bus/pci/devices/0000:00:05.0/driver_override";
const overridePath = (root: string) =>
  join(root, "devices/pci0000:00/0000:00:05.0/driver_override");

/**
 * Counts the opens (fs.open or fs.openSync) and fs.write calls made by the adapter. The adapter imports the
 * node:fs namespace, whose named exports follow the module object after
 * syncBuiltinESMExports().
 */
function spyFs(t: Test, writeResult?: (len: number) => number) {
  const calls = { opens: [] as number[], writes: 0 };
  const fsObject = fs as unknown as { default: typeof fs };
  const realOpen = fsObject.default.open;
  const realOpenSync = fsObject.default.openSync;
  const realWrite = fsObject.default.write;
  const mutable = fsObject.default as unknown as Record<string, unknown>;
  mutable.open = (path: fs.PathLike, flags: number, cb: (...a: unknown[]) => void) => {
    calls.opens.push(flags);
    return (realOpen as (...a: unknown[]) => void)(path, flags, cb);
  };
  mutable.openSync = (path: fs.PathLike, flags: number) => {
    calls.opens.push(flags);
    return realOpenSync(path, flags);
  };
  mutable.write = (...args: unknown[]) => {
    calls.writes++;
    if (writeResult) {
      const [fd, buffer, offset, length, position, cb] = args as [
        number,
        Uint8Array,
        number,
        number,
        null,
        (err: Error | null, n: number) => void,
      ];
      const shortLength = writeResult(length);
      return realWrite(fd, buffer, offset, shortLength, position, (err, n) => cb(err, n));
    }
    return (realWrite as (...a: unknown[]) => void)(...args);
  };
  syncBuiltinESMExports();
  t.teardown(() => {
    mutable.open = realOpen;
    mutable.openSync = realOpenSync;
    mutable.write = realWrite;
    syncBuiltinESMExports();
  });
  return calls;
}

t.test("read returns the attribute text through directory links", async (t) => {
  const sysfs = new RealSysfs({ root: await tempRoot(t) });
  t.equal(await sysfs.read(OVERRIDE), "(null)\n");
  t.equal(await sysfs.read("bus/pci/devices/0000:00:05.0/vendor"), "0x1d0f\n");
});

t.test(
  "write issues one write(2) on an O_WRONLY descriptor without create or truncate",
  async (t) => {
    const root = await tempRoot(t);
    await writeFile(overridePath(root), "0123456789");
    const calls = spyFs(t);
    await new RealSysfs({ root }).write(OVERRIDE, "ab");
    t.same(calls.opens, [fs.constants.O_WRONLY], "opened O_WRONLY only");
    t.equal(calls.writes, 1, "exactly one write call");
    // No O_TRUNC: the bytes after the payload are still there.
    t.equal(await readFile(overridePath(root), "utf8"), "ab23456789");
  },
);

t.test("write accepts bytes (a NUL byte clears an override)", async (t) => {
  const root = await tempRoot(t);
  await new RealSysfs({ root }).write(OVERRIDE, new Uint8Array([0]));
  t.equal((await readFile(overridePath(root))).at(0), 0);
});

t.test("a short write is an EIO error", async (t) => {
  const root = await tempRoot(t);
  spyFs(t, (len) => len - 1);
  await t.rejects(new RealSysfs({ root }).write(OVERRIDE, "vfio-pci\n"), {
    code: "INTERNAL",
    errno: "EIO",
    syscall: "write",
    path: OVERRIDE,
  });
});

t.test("writing a nonexistent attribute fails with ENOENT and creates nothing", async (t) => {
  const root = await tempRoot(t);
  const sysfs = new RealSysfs({ root });
  await t.rejects(sysfs.write("bus/pci/devices/0000:00:05.0/no_such_attr", "1"), {
    code: "NOT_FOUND",
    errno: "ENOENT",
    syscall: "open",
    path: "bus/pci/devices/0000:00:05.0/no_such_attr",
  });
  t.notOk(fs.existsSync(join(root, "devices/pci0000:00/0000:00:05.0/no_such_attr")));
});

t.test("writing a directory fails with its errno", async (t) => {
  const sysfs = new RealSysfs({ root: await tempRoot(t) });
  await t.rejects(sysfs.write("bus/pci/devices/0000:00:05.0", "1"), {
    code: "INTERNAL",
    errno: "EISDIR",
  });
});

t.test("0-byte writes are refused before any system call", async (t) => {
  const root = await tempRoot(t);
  const calls = spyFs(t);
  const sysfs = new RealSysfs({ root });
  await t.rejects(sysfs.write(OVERRIDE, ""), { code: "INVALID_ARGUMENT", path: OVERRIDE });
  await t.rejects(sysfs.write(OVERRIDE, new Uint8Array(0)), { code: "INVALID_ARGUMENT" });
  t.same(calls.opens, []);
  t.equal(await readFile(overridePath(root), "utf8"), "(null)\n");
});

t.test("paths that could leave the root are refused for every operation", async (t) => {
  const root = await tempRoot(t);
  const sysfs = new RealSysfs({ root });
  const bad = [
    "",
    "../outside",
    "/etc/passwd",
    "bus//pci",
    "bus/pci/",
    "./bus",
    "bus/../../outside",
    "a\0b",
  ];
  for (const path of bad) {
    await t.rejects(
      sysfs.write(path, "x"),
      { code: "INVALID_ARGUMENT" },
      `write ${JSON.stringify(path)}`,
    );
    await t.rejects(sysfs.read(path), { code: "INVALID_ARGUMENT" }, `read ${JSON.stringify(path)}`);
    await t.rejects(sysfs.readlink(path), { code: "INVALID_ARGUMENT" });
    await t.rejects(sysfs.list(path), { code: "INVALID_ARGUMENT" });
    await t.rejects(sysfs.exists(path), { code: "INVALID_ARGUMENT" });
  }
  t.equal(await readFile(join(root, "../outside"), "utf8"), "untouched\n");
});

for (const blockingReads of [false, true]) {
  t.test(`reads, links, lists and exists (blockingReads: ${blockingReads})`, async (t) => {
    const root = await tempRoot(t);
    const sysfs = new RealSysfs({ root, blockingReads });
    t.equal(await sysfs.read(OVERRIDE), "(null)\n");
    await t.rejects(sysfs.read("bus/pci/devices/0000:00:05.0/nope"), {
      code: "NOT_FOUND",
      errno: "ENOENT",
      syscall: "read",
      path: "bus/pci/devices/0000:00:05.0/nope",
    });
    t.equal(
      await sysfs.readlink("bus/pci/devices/0000:00:05.0"),
      "../../../devices/pci0000:00/0000:00:05.0",
    );
    t.same(await sysfs.list("bus/pci/devices/0000:00:05.0"), ["driver_override", "vendor"]);
    await t.rejects(sysfs.list("bus/pci/drivers"), {
      code: "NOT_FOUND",
      errno: "ENOENT",
      syscall: "list",
    });
    await t.rejects(sysfs.readlink(OVERRIDE), {
      code: "FAILED_PRECONDITION",
      errno: "EINVAL",
      syscall: "readlink",
    });
    t.equal(await sysfs.exists(OVERRIDE), true);
    t.equal(await sysfs.exists("bus/pci/drivers/vfio-pci"), false);
    t.equal(await sysfs.exists(`${OVERRIDE}/below-a-file`), false, "ENOTDIR counts as absent");
    await t.rejects(sysfs.read("../outside"), { code: "INVALID_ARGUMENT" });
    t.match(sysfs.description, root);
    const big = "x".repeat(10_000);
    await writeFile(join(root, "big"), big);
    t.equal(await sysfs.read("big"), big, "larger than one read");
  });
}

t.test("the default root is /sys and relative roots are resolved", async (t) => {
  t.equal(new RealSysfs().root, "/sys");
  t.equal(new RealSysfs({ root: "x/y" }).root, join(process.cwd(), "x/y"));
});

/**
 * Holds every thread of libuv's pool: each one blocks reading an empty FIFO.
 * Each FIFO is opened read-write, which never blocks on Linux, so the release
 * (a byte written into each) needs no reader to have started yet: a read the
 * pool had not reached by then finds its byte and returns at once.
 */
async function fillThreadPool(t: Test): Promise<() => Promise<void>> {
  const size = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const dir = await mkdtemp(join(tmpdir(), "eni-agent-pool-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const { execFileSync } = await import("node:child_process");
  const fifos = Array.from({ length: size }, (_, i) => join(dir, `fifo${i}`));
  execFileSync("mkfifo", fifos);
  const fds = fifos.map((fifo) => fs.openSync(fifo, fs.constants.O_RDWR));
  const reads = fds.map(
    (fd) =>
      new Promise<void>((resolve, reject) => {
        fs.read(fd, Buffer.alloc(1), 0, 1, null, (err) => (err ? reject(err) : resolve()));
      }),
  );
  return async () => {
    for (const fd of fds) fs.writeSync(fd, "x");
    await Promise.all(reads);
    for (const fd of fds) fs.closeSync(fd);
  };
}

/** Whether `promise` settles within a few turns of the event loop. */
async function settlesAtOnce(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

t.test(
  "with every thread of the pool held, lookups and lock-free attributes still answer; what can wait on a driver waits for a thread",
  async (t) => {
    const root = await tempRoot(t);
    const sysfs = new RealSysfs({ root });
    await writeFile(join(root, "devices/pci0000:00/0000:00:05.0/uevent"), "DRIVER=ena\n");
    await writeFile(join(root, "bus/pci/drivers_probe"), "");
    const net = join(root, "devices/pci0000:00/0000:00:05.0/net/eth0");
    await fs.promises.mkdir(net, { recursive: true });
    await writeFile(join(net, "address"), "02:00:00:00:00:05\n");
    await writeFile(join(net, "mtu"), "9001\n");
    const release = await fillThreadPool(t);
    const dev = "bus/pci/devices/0000:00:05.0";
    t.ok(await settlesAtOnce(sysfs.read(`${dev}/vendor`)), "vendor: a field read without a lock");
    t.ok(await settlesAtOnce(sysfs.list(dev)), "list");
    t.ok(await settlesAtOnce(sysfs.readlink(dev)), "readlink");
    t.ok(await settlesAtOnce(sysfs.exists(`${dev}/vendor`)), "exists");
    t.ok(await settlesAtOnce(sysfs.read(`${dev}/net/eth0/mtu`)), "a netdev's mtu");
    const address = sysfs.read(`${dev}/net/eth0/address`);
    const override = sysfs.read(OVERRIDE);
    const uevent = sysfs.read(`${dev}/uevent`);
    const write = sysfs.write("bus/pci/drivers_probe", "0000:00:05.0");
    t.notOk(await settlesAtOnce(override), "driver_override shows under the device lock");
    t.notOk(await settlesAtOnce(uevent), "uevent did on some kernels");
    t.notOk(await settlesAtOnce(address), "a netdev's address waits for a MAC change");
    t.notOk(await settlesAtOnce(write), "a write may run a probe");
    await release();
    t.equal(await override, "(null)\n");
    t.equal(await uevent, "DRIVER=ena\n");
    t.equal(await address, "02:00:00:00:00:05\n");
    await write;
    t.equal(await readFile(join(root, "bus/pci/drivers_probe"), "utf8"), "0000:00:05.0");
  },
);

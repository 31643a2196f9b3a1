import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import {
  ec2Host,
  SimKernel as Kernel,
  loadKernelState,
  qemuGuestHost,
  type SimKernel,
} from "../../src/sim/index.js";
import type { Sysfs } from "../../src/sysfs/sysfs.js";
import { tsNodeArgs } from "../support/ts-node.js";

/** Every path of the tree with what reading it gives (file text, link target, or an errno). */
async function dumpTree(sysfs: Sysfs): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await walk(sysfs, "", out);
  return out;
}

async function walk(sysfs: Sysfs, dir: string, out: Record<string, string>): Promise<void> {
  const names =
    dir === "" ? ["bus", "class", "devices", "kernel", "module"] : await sysfs.list(dir);
  for (const name of names) {
    const path = dir === "" ? name : `${dir}/${name}`;
    try {
      out[path] = `-> ${await sysfs.readlink(path)}`;
      continue;
    } catch {}
    try {
      out[path] = await sysfs.read(path);
    } catch (err) {
      const errno = (err as { errno?: string }).errno;
      if (errno === "EISDIR") await walk(sysfs, path, out);
      else out[path] = `<${errno}>`;
    }
  }
}

t.test("snapshot → fromState gives the same host, independent of the original", async (t) => {
  const k = qemuGuestHost({ mode: "noiommu" });
  await k.sysfs.write("bus/pci/devices/0000:01:00.0/driver_override", "vfio-pci");
  await k.sysfs.write("bus/pci/drivers/e1000e/unbind", "0000:01:00.0");
  await k.sysfs.write("bus/pci/drivers/vfio-pci/bind", "0000:01:00.0");
  await k.sysfs.write("bus/pci/drivers/uio_pci_generic/new_id", "1af4 1041");
  const state = k.snapshot();
  const copy = Kernel.fromState(JSON.parse(JSON.stringify(state)));
  t.same(await dumpTree(copy.sysfs), await dumpTree(k.sysfs));
  t.same(copy.devNodes(), k.devNodes());
  await copy.sysfs.write("bus/pci/drivers/vfio-pci/unbind", "0000:01:00.0");
  t.equal(k.device("0000:01:00.0")?.driver, "vfio-pci", "the original is untouched");
  // The dynid survived: uio_pci_generic now matches the virtio NIC without an override.
  await copy.sysfs.write("bus/pci/drivers/virtio-pci/unbind", "0000:04:00.0");
  await copy.sysfs.write("bus/pci/drivers/uio_pci_generic/bind", "0000:04:00.0");
  t.equal(copy.device("0000:04:00.0")?.driver, "uio_pci_generic");
  t.throws(() => Kernel.fromState({ ...state, format: 2 as 1 }), { code: "INVALID_ARGUMENT" });
});

t.test("a snapshot taken while an unbind is blocked continues in the new kernel", async (t) => {
  const k = ec2Host();
  const dev = "0000:00:06.0";
  await k.sysfs.write(`bus/pci/devices/${dev}/driver_override`, "vfio-pci");
  await k.sysfs.write("bus/pci/drivers/ena/unbind", dev);
  await k.sysfs.write("bus/pci/drivers/vfio-pci/bind", dev);
  const dpdk = k.spawn("dpdk");
  dpdk.open("/dev/vfio/noiommu-0");
  const fd = dpdk.openVfioDevice(dev);
  void k.sysfs.write("bus/pci/drivers/vfio-pci/unbind", dev);
  await new Promise((r) => setImmediate(r));
  const next: SimKernel = Kernel.fromState(k.snapshot());
  t.equal(next.device(dev)?.releasing, true);
  let done = false;
  const unbind = next.sysfs.write("bus/pci/drivers/vfio-pci/unbind", dev).then(() => {
    done = true;
  });
  await new Promise((r) => setImmediate(r));
  t.equal(done, false, "still blocked after the restore");
  next.process(dpdk.pid)?.close(fd);
  await unbind;
  t.equal(next.device(dev)?.driver, null);
});

t.test("kill -9 mid-transaction: the saved kernel holds every write that returned", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "eni-sim-state-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "kernel.json");
  const child = spawn(
    process.execPath,
    tsNodeArgs(new URL("./sim-child.ts", import.meta.url).pathname, file),
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("READY")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`child exited early: ${code}`)));
  });
  child.kill("SIGKILL");
  await new Promise((r) => child.once("close", r));
  const k = loadKernelState(file);
  const dev = k.device("0000:00:06.0");
  t.equal(dev?.driverOverride, "vfio-pci");
  t.equal(dev?.driver, null, "unbound, and the held bind never happened");
  t.same(await k.sysfs.list("class/net"), ["ens5", "ens7", "ens8", "lo"]);
  // A fresh process continues from there.
  await k.sysfs.write("bus/pci/drivers/vfio-pci/bind", "0000:00:06.0");
  t.same(k.devNodes(), ["/dev/vfio/noiommu-0", "/dev/vfio/vfio"]);
});

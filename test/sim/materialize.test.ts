import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t, { type Test } from "tap";
import { ec2Host, materialize, qemuGuestHost, scaledHost } from "../../src/sim/index.js";
import { RealSysfs } from "../../src/sysfs/real-sysfs.js";

/** A temp directory, on tmpfs where there is one (thousands of small files). */
function tempDir(t: Test): string {
  const base = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  const dir = mkdtempSync(join(base, "eni-sim-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test("a materialized guest reads like the kernel's sysfs, links included", async (t) => {
  const root = tempDir(t);
  const k = qemuGuestHost({ mode: "iommu" });
  await materialize(k, root);
  const A = "0000:01:00.0";
  t.equal(
    readlinkSync(join(root, "bus/pci/devices", A)),
    "../../../devices/pci0000:00/0000:00:10.0/0000:01:00.0",
  );
  t.equal(
    realpathSync(join(root, "bus/pci/devices", A)),
    join(realpathSync(root), "devices/pci0000:00/0000:00:10.0/0000:01:00.0"),
  );
  t.equal(readFileSync(join(root, "bus/pci/devices", A, "vendor"), "utf8"), "0x8086\n");
  t.equal(readFileSync(join(root, "class/net/eth0/address"), "utf8"), "52:54:00:12:34:01\n");
  t.equal(
    realpathSync(join(root, "class/net/eth0/device")),
    realpathSync(join(root, "bus/pci/devices", A)),
  );
  t.equal(
    realpathSync(join(root, "class/net/eth3/device")),
    realpathSync(join(root, "bus/pci/devices/0000:04:00.0/virtio0")),
  );
  t.equal(
    readlinkSync(join(root, "bus/pci/devices", A, "iommu_group")),
    "../../../../kernel/iommu_groups/6",
  );
  t.same(readdirSync(join(root, "kernel/iommu_groups/6/devices")), [A]);
  t.equal(
    readlinkSync(join(root, "bus/pci/drivers/vfio-pci/module")),
    "../../../../module/vfio_pci",
  );
});

t.test("the real adapter reads a materialized EC2 host like the simulator does", async (t) => {
  const root = tempDir(t);
  const k = ec2Host();
  await materialize(k, join(root, "sys"), { devRoot: join(root, "dev") });
  const real = new RealSysfs({ root: join(root, "sys") });
  for (const path of [
    "bus/pci/devices",
    "bus/pci/devices/0000:00:05.0",
    "bus/pci/drivers/ena",
    "class/net",
    "bus/pci/devices/0000:00:06.0/net/ens6",
  ]) {
    t.same(await real.list(path), await k.sysfs.list(path), path);
  }
  for (const path of ["bus/pci/devices/0000:00:05.0/driver", "class/net/ens5"]) {
    t.equal(await real.readlink(path), await k.sysfs.readlink(path), path);
  }
  t.equal(await real.read("class/net/ens7/address"), await k.sysfs.read("class/net/ens7/address"));
  t.same(readdirSync(join(root, "dev/vfio")), ["vfio"]);
});

t.test("1,000 devices build and materialize", async (t) => {
  const root = tempDir(t);
  const k = scaledHost(1000);
  t.equal(k.devices().length, 1000);
  await materialize(k, root);
  t.equal(readdirSync(join(root, "bus/pci/devices")).length, 1000);
  t.equal(readdirSync(join(root, "class/net")).length, 1001);
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { GUEST_CONFIGS } from "./guest-entry.js";
import { type BootSpec, detectAccel, qemuArgs } from "./qemu.js";

const spec = (over: Partial<BootSpec> = {}): BootSpec => ({
  kernel: "/k/vmlinux",
  initrd: "/k/initramfs.cpio",
  config: GUEST_CONFIGS.viommu,
  entry: "smoke",
  nics: 3,
  virtioNic: false,
  accel: "tcg",
  nonce: "feed",
  memoryMb: 1024,
  timeoutMs: 1000,
  logPath: "/dev/null",
  verbose: false,
  ...over,
});

const cmdline = (args: string[]) => args[args.indexOf("-append") + 1] ?? "";

t.test(
  "the IOMMU configuration gets intel-iommu and intel_iommu=on; stock gets neither",
  async (t) => {
    const iommu = qemuArgs(spec());
    t.ok(iommu.includes("intel-iommu,intremap=on"));
    t.ok(iommu.includes("q35,kernel-irqchip=split"));
    t.match(cmdline(iommu), /(^| )intel_iommu=on( |$)/);
    for (const config of [GUEST_CONFIGS.stock, GUEST_CONFIGS.uio]) {
      const args = qemuArgs(spec({ config }));
      t.notOk(
        args.some((a) => a.includes("intel-iommu")),
        config.name,
      );
      t.notMatch(cmdline(args), /intel_iommu/);
      t.match(cmdline(args), new RegExp(`eni\\.config=${config.name}( |$)`));
    }
  },
);

t.test("each NIC gets its own root port, netdev and no option ROM", async (t) => {
  const args = qemuArgs(spec({ nics: 4 }));
  const devices = args.filter((_, i) => args[i - 1] === "-device");
  const ports = devices.filter((d) => d.startsWith("pcie-root-port"));
  const nics = devices.filter((d) => d.startsWith("e1000e"));
  t.equal(nics.length, 4);
  t.equal(new Set(ports.map((p) => /addr=(\w+)/.exec(p)?.[1])).size, 4, "distinct slots");
  for (const [i, nic] of nics.entries()) {
    t.match(nic, `bus=rp${i},netdev=n${i},romfile=`);
    t.ok(args.includes(`user,id=n${i}`));
  }
  t.match(cmdline(args), "eni.nics=4");
  t.match(cmdline(args), "eni.virtio=0");
  const withVirtio = qemuArgs(spec({ nics: 2, virtioNic: true }));
  t.ok(withVirtio.includes("virtio-net-pci,bus=rp2,netdev=n2,romfile="), "virtio after the e1000e");
  t.ok(withVirtio.some((a) => a.startsWith("pcie-root-port,id=rp2,") && a.endsWith("addr=12")));
  t.match(cmdline(withVirtio), "eni.virtio=1");
});

t.test("the console carries the protocol and a crash ends qemu", async (t) => {
  const args = qemuArgs(spec());
  t.match(cmdline(args), /console=ttyS0/);
  t.match(cmdline(args), /panic=-1/);
  t.match(cmdline(args), /no_timer_check/);
  t.match(cmdline(args), /eni\.nonce=feed/);
  t.ok(args.includes("-no-reboot"));
  t.same(args.slice(0, 4), ["-accel", "tcg", "-cpu", "max"]);
  t.same(qemuArgs(spec({ accel: "kvm" })).slice(0, 4), ["-accel", "kvm", "-cpu", "host"]);
  t.match(cmdline(args), / quiet /);
  t.notMatch(cmdline(qemuArgs(spec({ verbose: true }))), /quiet/);
});

t.test("KVM only with a hardware KVM module and a usable /dev/kvm", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "accel-"));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const sys = join(root, "sys");
  const dev = join(root, "dev");
  mkdirSync(join(sys, "module/kvm"), { recursive: true });
  mkdirSync(dev);
  writeFileSync(join(dev, "kvm"), "");
  t.equal(detectAccel(sys, dev), "tcg", "/dev/kvm and kvm alone (a nested layer) are not enough");
  mkdirSync(join(sys, "module/kvm_amd"));
  t.equal(detectAccel(sys, dev), "kvm");
  rmSync(join(dev, "kvm"));
  t.equal(detectAccel(sys, dev), "tcg", "no /dev/kvm");
});

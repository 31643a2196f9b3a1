import t from "tap";
import { moduleClosure, moduleName, readModinfo } from "./kernel-modules.js";

/** An ELF64 file with a section-name table and a .modinfo section. */
function fakeModule(modinfo: string): Buffer {
  const shstrtab = Buffer.from("\0.shstrtab\0.modinfo\0");
  const info = Buffer.from(modinfo);
  const dataAt = 64;
  const shoff = dataAt + shstrtab.length + info.length;
  const elf = Buffer.alloc(shoff + 3 * 64);
  elf.writeUInt32BE(0x7f454c46, 0);
  elf[4] = 2;
  elf.writeBigUInt64LE(BigInt(shoff), 0x28);
  elf.writeUInt16LE(64, 0x3a);
  elf.writeUInt16LE(3, 0x3c);
  elf.writeUInt16LE(1, 0x3e);
  shstrtab.copy(elf, dataAt);
  info.copy(elf, dataAt + shstrtab.length);
  const section = (i: number, name: number, offset: number, size: number) => {
    const at = shoff + i * 64;
    elf.writeUInt32LE(name, at);
    elf.writeBigUInt64LE(BigInt(offset), at + 0x18);
    elf.writeBigUInt64LE(BigInt(size), at + 0x20);
  };
  section(1, 1, dataAt, shstrtab.length);
  section(2, 11, dataAt + shstrtab.length, info.length);
  return elf;
}

t.test("reads depends and repeated keys from .modinfo", async (t) => {
  const info = readModinfo(
    fakeModule("license=GPL\0depends=vfio,vfio-pci-core,irqbypass\0alias=a\0alias=b\0"),
  );
  t.same(info.get("depends"), ["vfio,vfio-pci-core,irqbypass"]);
  t.same(info.get("alias"), ["a", "b"]);
  t.same(readModinfo(fakeModule("depends=\0")).get("depends"), [""]);
  t.throws(() => readModinfo(Buffer.alloc(64)), /ELF64/);
});

t.test("module names treat - and _ alike", async (t) => {
  t.equal(moduleName("vfio-pci-core.ko"), "vfio_pci_core");
  t.equal(moduleName("uio_pci_generic.ko.xz"), "uio_pci_generic");
});

t.test("closure lists dependencies before dependents, once each", async (t) => {
  const deps: Record<string, string[]> = {
    vfio_pci: ["vfio_pci_core", "vfio"],
    vfio_pci_core: ["vfio", "irqbypass"],
    vfio_iommu_type1: ["vfio"],
  };
  const order = moduleClosure(["vfio_pci", "vfio_iommu_type1", "e1000e"], (m) => deps[m] ?? []);
  t.same(order, ["vfio", "irqbypass", "vfio_pci_core", "vfio_pci", "vfio_iommu_type1", "e1000e"]);
  t.throws(() => moduleClosure(["a"], (m) => (m === "a" ? ["b"] : ["a"])), /cycle/);
});

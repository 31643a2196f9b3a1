import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Modules the guest loads, in load order. Their dependencies (vfio_pci_core,
 * vfio_virqfd, irqbypass, ptp, pps_core, …) are added from each module's
 * `depends=` and reach the guest too; busybox modprobe resolves them through
 * modules.dep. It ignores softdeps, so vfio_iommu_type1 is listed by name.
 */
export const GUEST_MODULES = [
  "e1000e",
  "vfio",
  "vfio_iommu_type1",
  "vfio_pci",
  "uio",
  "uio_pci_generic",
] as const;

/**
 * Loaded after the e1000e interfaces exist, so that a virtio-net NIC is
 * named after them (eth<nics>), as in the observed runs.
 */
export const LATE_MODULES = ["virtio_pci", "virtio_net"] as const;

/**
 * What the systemd guest needs before its root exists: its root is an ext4
 * disk on virtio-blk, and busybox modprobe ignores ext4's softdep on crc32c.
 * The busybox guests carry them too and never load them.
 */
export const DISK_MODULES = ["virtio_pci", "virtio_blk", "crc32c_generic", "ext4"] as const;

const MODULE_FILE = /\.ko(\.xz|\.zst)?$/;

/** Module name → path of its file, relative to lib/modules/<version>. */
export function indexModules(versionDir: string): Map<string, string> {
  const index = new Map<string, string>();
  const walk = (dir: string) => {
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, ent.name);
      if (ent.isDirectory()) walk(path);
      else if (MODULE_FILE.test(ent.name)) {
        index.set(moduleName(ent.name), relative(versionDir, path));
      }
    }
  };
  walk(join(versionDir, "kernel"));
  return index;
}

/** "vfio-pci-core.ko" → "vfio_pci_core": the kernel treats "-" and "_" alike. */
export function moduleName(file: string): string {
  return file.replace(MODULE_FILE, "").replaceAll("-", "_");
}

/**
 * Reads the `.modinfo` section of a module's ELF image: NUL-separated
 * `key=value` strings (license, depends, alias, …).
 */
export function readModinfo(elf: Buffer): Map<string, string[]> {
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2) throw new Error("not an ELF64 module");
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const section = (i: number) => {
    const at = shoff + i * shentsize;
    return {
      name: elf.readUInt32LE(at),
      offset: Number(elf.readBigUInt64LE(at + 0x18)),
      size: Number(elf.readBigUInt64LE(at + 0x20)),
    };
  };
  const names = section(elf.readUInt16LE(0x3e));
  const info = new Map<string, string[]>();
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    const nameAt = names.offset + s.name;
    if (elf.toString("latin1", nameAt, elf.indexOf(0, nameAt)) !== ".modinfo") continue;
    for (const pair of elf.toString("latin1", s.offset, s.offset + s.size).split("\0")) {
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const key = pair.slice(0, eq);
      info.set(key, [...(info.get(key) ?? []), pair.slice(eq + 1)]);
    }
  }
  return info;
}

/**
 * The wanted modules plus everything they depend on, dependencies first.
 * `dependsOf` returns a module's direct dependencies (its `depends=`).
 */
export function moduleClosure(
  wanted: readonly string[],
  dependsOf: (name: string) => string[],
): string[] {
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (order.includes(name)) return;
    if (visiting.has(name)) throw new Error(`module dependency cycle at ${name}`);
    visiting.add(name);
    for (const dep of dependsOf(name)) visit(dep);
    visiting.delete(name);
    order.push(name);
  };
  for (const name of wanted) visit(name);
  return order;
}

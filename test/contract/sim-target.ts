/**
 * The conformance target for a simulated qemu guest: the same NICs,
 * addresses and drivers as the guest the kernel facts were observed on, and
 * a DevHook answered by the simulator's /dev nodes and process table.
 */
import {
  QEMU_NICS,
  QEMU_VIRTIO,
  type QemuGuestMode,
  qemuGuestHost,
  type SimKernel,
} from "../../src/sim/index.js";
import type { ConformanceTarget, DevHook } from "./conformance-types.js";

export function simDevHook(kernel: SimKernel): DevHook {
  const proc = kernel.spawn("conformance");
  return {
    listVfio: async () =>
      kernel
        .devNodes()
        .filter((n) => n.startsWith("/dev/vfio/"))
        .map((n) => n.slice("/dev/vfio/".length))
        .sort(),
    listUio: async () =>
      kernel
        .devNodes()
        .filter((n) => /^\/dev\/uio[0-9]+$/.test(n))
        .map((n) => n.slice("/dev/".length))
        .sort(),
    open: async (node) => {
      const fd = proc.open(node);
      return { close: async () => proc.close(fd) };
    },
  };
}

export function simTarget(
  mode: QemuGuestMode,
  errnoStyle: ConformanceTarget["errnoStyle"] = "modern",
): { kernel: SimKernel; target: ConformanceTarget } {
  const kernel = qemuGuestHost({ mode, errnoStyle });
  const target: ConformanceTarget = {
    sysfs: kernel.sysfs,
    name: `simulator ${mode} ${errnoStyle}`,
    nics: QEMU_NICS,
    nicDriver: "e1000e",
    nicId: "8086 10d3",
    absent: "0000:09:00.0",
    bridge: "0000:00:10.0",
    unboundHex: "0000:00:1f.0",
    virtio: QEMU_VIRTIO,
    mode,
    errnoStyle,
    naming: "lowest-free",
    dev: simDevHook(kernel),
  };
  return { kernel, target };
}

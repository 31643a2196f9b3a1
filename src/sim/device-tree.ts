/**
 * A PCI device's directory under `devices/`, as Linux 6.1 shows it: ids,
 * `driver_override`, `enable`, power state, `remove`/`rescan`, links to the
 * driver, subsystem and iommu group, and what the bound driver created
 * (`net/<if>`, `virtio<N>/net/<if>`, `vfio-dev/vfio<N>`, `uio/uio<N>`), plus
 * the devices behind it when it is a bridge. Attribute values end in "\n".
 */
import type { DriverCore } from "./driver-core.js";
import { hex } from "./kernel-text.js";
import { bigDir, dir, link, ro, rw, type SimDir, type SimNode, wo } from "./sim-node.js";
import type { SimDeviceState, SimKernelState } from "./sim-state.js";
import type { TreeIndex } from "./tree-index.js";

export interface DeviceTreeContext {
  state: SimKernelState;
  core: DriverCore;
  index: TreeIndex;
}

/** Accepted `uevent` actions (kobject_synth_uevent). */
const UEVENT_ACTIONS = /^(add|remove|change|move|online|offline|bind|unbind)(\s.*)?\n?$/s;

export function deviceDir(ctx: DeviceTreeContext, dev: SimDeviceState): SimDir {
  const { core, index } = ctx;
  const attrs: Record<string, (() => SimNode | undefined) | undefined> = {
    vendor: () => ro(() => `${hex(dev.vendor, 4)}\n`),
    device: () => ro(() => `${hex(dev.device, 4)}\n`),
    subsystem_vendor: () => ro(() => `${hex(dev.subsystemVendor, 4)}\n`),
    subsystem_device: () => ro(() => `${hex(dev.subsystemDevice, 4)}\n`),
    class: () => ro(() => `${hex(dev.class, 6)}\n`),
    revision: () => ro(() => `${hex(dev.revision, 2)}\n`),
    numa_node: () => ro(() => `${dev.numaNode}\n`),
    irq: () => ro(() => `${dev.irq}\n`),
    local_cpulist: () => ro(() => "0\n"),
    modalias: () => ro(() => `${modalias(dev)}\n`),
    uevent: () => rw(() => deviceUevent(dev), uevent),
    enable: () =>
      rw(
        () => `${dev.enable}\n`,
        (b) => core.enable(dev, b),
      ),
    power_state: () => ro(() => `${dev.powerState}\n`),
    // show() takes the device lock, so it waits for a blocked unbind too.
    driver_override: () =>
      rw(
        () => core.pendingRelease(dev)?.then(() => overrideText(dev)) ?? overrideText(dev),
        (b) => core.driverOverride(dev, b),
      ),
    remove: () => wo((b) => core.remove(dev, b)),
    rescan: () => wo((b) => core.rescan(b)),
    subsystem: () => link(["bus", "pci"]),
    power: () =>
      dir({
        runtime_status: () => ro(() => (dev.powerState === "D3hot" ? "suspended\n" : "active\n")),
      }),
  };
  if (dev.driver !== null && !dev.releasing) {
    attrs.driver = () => link(["bus", "pci", "drivers", dev.driver ?? ""]);
  }
  const group = dev.iommuGroup ?? (dev.vfio?.noiommu ? dev.vfio.group : null);
  if (group !== null) attrs.iommu_group = () => link(["kernel", "iommu_groups", `${group}`]);
  if (dev.iommuGroup !== null) attrs.iommu = () => link(["devices", "virtual", "iommu", "dmar0"]);
  if (dev.net && dev.virtio === null) attrs.net = () => netDir(ctx, dev);
  if (dev.virtio !== null) attrs[`virtio${dev.virtio}`] = () => virtioDir(ctx, dev);
  if (dev.vfio) {
    const vfioIndex = dev.vfio.index;
    attrs["vfio-dev"] = () =>
      dir({ [`vfio${vfioIndex}`]: () => dir({ uevent: () => ro(() => "") }) });
  }
  if (dev.uio !== null) attrs.uio = () => dir({ [`uio${dev.uio}`]: () => uioDir(ctx, dev) });
  const fixed = dir(attrs);
  const children = index.children.get(dev.address) ?? [];
  if (children.length === 0) return fixed;
  return bigDir(
    () => [...fixed.entries(), ...children.map((c) => c.address)],
    (name) => {
      const child = children.find((c) => c.address === name);
      return child ? deviceDir(ctx, child) : fixed.child(name);
    },
  );
}

function uevent(bytes: Uint8Array): string | null {
  return UEVENT_ACTIONS.test(Buffer.from(bytes).toString("latin1")) ? null : "EINVAL";
}

function netDir(ctx: DeviceTreeContext, dev: SimDeviceState): SimDir {
  return dir({ [dev.net?.name ?? ""]: () => netdevDir(ctx, dev) });
}

/** virtio-pci's child device; virtio_net hangs the netdev off it. */
function virtioDir(ctx: DeviceTreeContext, dev: SimDeviceState): SimDir {
  return dir({
    vendor: () => ro(() => "0x1af4\n"),
    device: () => ro(() => "0x0001\n"),
    driver: () => link(["bus", "virtio", "drivers", "virtio_net"]),
    subsystem: () => link(["bus", "virtio"]),
    net: dev.net ? () => netDir(ctx, dev) : undefined,
  });
}

function uioDir(ctx: DeviceTreeContext, dev: SimDeviceState): SimDir {
  return dir({
    name: () => ro(() => `${dev.driver ?? ""}\n`),
    version: () => ro(() => "0.01.0\n"),
    event: () => ro(() => "0\n"),
    dev: () => ro(() => `240:${dev.uio ?? 0}\n`),
    device: () => link(ctx.index.devicePath(dev)),
  });
}

/** A netdev's directory: MAC, MTU (writable), state, ifindex, links to its device. */
function netdevDir(ctx: DeviceTreeContext, dev: SimDeviceState): SimDir {
  const net = (): NonNullable<SimDeviceState["net"]> =>
    dev.net ?? { name: "", ifindex: 0, mtu: 0, operstate: "down" };
  const owner =
    dev.virtio !== null
      ? [...ctx.index.devicePath(dev), `virtio${dev.virtio}`]
      : ctx.index.devicePath(dev);
  return dir({
    address: () => ro(() => `${dev.mac}\n`),
    addr_len: () => ro(() => "6\n"),
    type: () => ro(() => "1\n"),
    mtu: () =>
      rw(
        () => `${net().mtu}\n`,
        (b) => setMtu(dev, b),
      ),
    operstate: () => ro(() => `${net().operstate}\n`),
    // Reading carrier of an interface that is down fails in the kernel.
    carrier: () => ro(() => (net().operstate === "up" ? "1\n" : { errno: "EINVAL" })),
    flags: () => ro(() => (net().operstate === "up" ? "0x1003\n" : "0x1002\n")),
    ifindex: () => ro(() => `${net().ifindex}\n`),
    iflink: () => ro(() => `${net().ifindex}\n`),
    uevent: () => ro(() => `INTERFACE=${net().name}\nIFINDEX=${net().ifindex}\n`),
    device: () => link(owner),
    subsystem: () => link(["class", "net"]),
  });
}

function setMtu(dev: SimDeviceState, bytes: Uint8Array): string | null {
  const text = Buffer.from(bytes).toString("latin1");
  if (!/^[0-9]+\n?$/.test(text)) return "EINVAL";
  const mtu = Number.parseInt(text, 10);
  if (!dev.net || mtu < 68 || mtu > 9216) return "EINVAL";
  dev.net.mtu = mtu;
  return null;
}

function overrideText(dev: SimDeviceState): Uint8Array {
  // The override is kept byte for byte (Latin-1 in the state) and shown with
  // "%s\n"; an unset one prints as "(null)".
  return Buffer.from(`${dev.driverOverride ?? "(null)"}\n`, "latin1");
}

function modalias(dev: SimDeviceState): string {
  const h = (v: number, n: number) => v.toString(16).toUpperCase().padStart(n, "0");
  return (
    `pci:v${h(dev.vendor, 8)}d${h(dev.device, 8)}sv${h(dev.subsystemVendor, 8)}` +
    `sd${h(dev.subsystemDevice, 8)}bc${h(dev.class >> 16, 2)}sc${h((dev.class >> 8) & 0xff, 2)}` +
    `i${h(dev.class & 0xff, 2)}`
  );
}

function deviceUevent(dev: SimDeviceState): string {
  const up = (v: number, n: number) => v.toString(16).toUpperCase().padStart(n, "0");
  const lines = [
    ...(dev.driver !== null && !dev.releasing ? [`DRIVER=${dev.driver}`] : []),
    `PCI_CLASS=${dev.class.toString(16).toUpperCase()}`,
    `PCI_ID=${up(dev.vendor, 4)}:${up(dev.device, 4)}`,
    `PCI_SUBSYS_ID=${up(dev.subsystemVendor, 4)}:${up(dev.subsystemDevice, 4)}`,
    `PCI_SLOT_NAME=${dev.address}`,
    `MODALIAS=${modalias(dev)}`,
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * The root of the simulated sysfs: `bus/pci` (devices, drivers, drivers_probe,
 * rescan), `bus/virtio`, `devices/` (the real device directories), `class/net`,
 * `class/uio`, `kernel/iommu_groups` and `module/`. Every directory is
 * computed from the kernel state on access (see sim-node.ts).
 */

import { type DeviceTreeContext, deviceDir } from "./device-tree.js";
import { cString, parseBool } from "./kernel-text.js";
import { bigDir, dir, link, ro, rw, type SimDir, type SimNode, wo } from "./sim-node.js";

export function rootDir(ctx: DeviceTreeContext): SimDir {
  return dir({
    bus: () =>
      dir({ pci: () => busPci(ctx), virtio: virtioLoaded(ctx) ? () => busVirtio(ctx) : undefined }),
    devices: () => devicesDir(ctx),
    class: () => dir({ net: () => classNet(ctx), uio: () => classUio(ctx) }),
    kernel: () => dir({ iommu_groups: () => iommuGroups(ctx) }),
    module: () => moduleDir(ctx),
  });
}

function busPci(ctx: DeviceTreeContext): SimDir {
  const { state, core, index } = ctx;
  return dir({
    devices: () =>
      bigDir(
        () => state.devices.map((d) => d.address),
        (name) => {
          const dev = index.byAddress.get(name);
          return dev ? link(index.devicePath(dev)) : undefined;
        },
      ),
    drivers: () =>
      bigDir(
        () => [...state.drivers],
        (name) => (state.drivers.includes(name) ? driverDir(ctx, name) : undefined),
      ),
    drivers_probe: () => wo((b) => core.driversProbe(b)),
    drivers_autoprobe: () =>
      rw(
        () => (state.autoprobe ? "1\n" : "0\n"),
        (b) => {
          // drivers_autoprobe_store() looks at the first byte only.
          state.autoprobe = b[0] !== 0x30;
          return null;
        },
      ),
    rescan: () => wo((b) => core.rescan(b)),
    resource_alignment: () =>
      rw(
        () => "\n",
        () => null,
      ),
    uevent: () => wo(() => null),
    slots: () => dir({}),
  });
}

function driverDir(ctx: DeviceTreeContext, name: string): SimDir {
  const { state, core, index } = ctx;
  const module = state.catalog[name]?.module ?? null;
  const bound = () => state.devices.filter((d) => d.driver === name && !d.releasing);
  const files: Record<string, () => SimNode> = {
    bind: () => wo((b) => core.bind(name, b)),
    unbind: () => wo((b) => core.unbind(name, b)),
    new_id: () => wo((b) => core.newId(name, b)),
    remove_id: () => wo((b) => core.removeId(name, b)),
    uevent: () => wo(() => null),
  };
  if (module !== null) files.module = () => link(["module", module]);
  const fixed = dir(files);
  return bigDir(
    () => [...fixed.entries(), ...bound().map((d) => d.address)],
    (entry) => {
      const dev = index.byAddress.get(entry);
      if (dev && dev.driver === name && !dev.releasing) return link(index.devicePath(dev));
      return fixed.child(entry);
    },
  );
}

function virtioLoaded(ctx: DeviceTreeContext): boolean {
  return ctx.state.modules.includes("virtio_pci");
}

function busVirtio(ctx: DeviceTreeContext): SimDir {
  const { state, index } = ctx;
  const children = () =>
    state.devices
      .filter((d) => d.virtio !== null)
      .map((d) => ({
        name: `virtio${d.virtio}`,
        path: [...index.devicePath(d), `virtio${d.virtio}`],
      }));
  const lookup = (name: string) => {
    const hit = children().find((c) => c.name === name);
    return hit ? link(hit.path) : undefined;
  };
  return dir({
    devices: () => bigDir(() => children().map((c) => c.name), lookup),
    drivers: () =>
      dir({
        virtio_net: () =>
          bigDir(
            () => ["bind", "unbind", "uevent", ...children().map((c) => c.name)],
            (name) =>
              name === "bind" || name === "unbind" || name === "uevent"
                ? wo(() => "ENODEV")
                : lookup(name),
          ),
      }),
  });
}

function devicesDir(ctx: DeviceTreeContext): SimDir {
  const { index } = ctx;
  const virtualDirs: Record<string, () => SimNode> = {
    net: () => dir({ lo: () => loopback() }),
  };
  if (ctx.state.config.iommu) {
    virtualDirs.iommu = () => dir({ dmar0: () => dir({}) });
  }
  return bigDir(
    () => [...new Set([...index.roots.keys(), "virtual"])].sort(),
    (name) => {
      if (name === "virtual") return dir(virtualDirs);
      const roots = index.roots.get(name);
      if (!roots) return undefined;
      return bigDir(
        () => roots.map((d) => d.address),
        (addr) => {
          const dev = roots.find((d) => d.address === addr);
          return dev ? deviceDir(ctx, dev) : undefined;
        },
      );
    },
  );
}

function loopback(): SimDir {
  return dir({
    address: () => ro(() => "00:00:00:00:00:00\n"),
    mtu: () => ro(() => "65536\n"),
    operstate: () => ro(() => "unknown\n"),
    ifindex: () => ro(() => "1\n"),
    flags: () => ro(() => "0x9\n"),
    type: () => ro(() => "772\n"),
    uevent: () => ro(() => "INTERFACE=lo\nIFINDEX=1\n"),
  });
}

function classNet(ctx: DeviceTreeContext): SimDir {
  const { index } = ctx;
  return bigDir(
    () => ["lo", ...index.netdevs.keys()],
    (name) => {
      if (name === "lo") return link(["devices", "virtual", "net", "lo"]);
      const dev = index.netdevs.get(name);
      const path = dev ? index.netdevPath(dev) : null;
      return path ? link(path) : undefined;
    },
  );
}

function classUio(ctx: DeviceTreeContext): SimDir {
  const { state, index } = ctx;
  const uios = () => state.devices.filter((d) => d.uio !== null);
  return bigDir(
    () => uios().map((d) => `uio${d.uio}`),
    (name) => {
      const dev = uios().find((d) => `uio${d.uio}` === name);
      return dev ? link([...index.devicePath(dev), "uio", name]) : undefined;
    },
  );
}

function iommuGroups(ctx: DeviceTreeContext): SimDir {
  const { index } = ctx;
  return bigDir(
    () => [...index.groups.keys()].sort((a, b) => a - b).map(String),
    (name) => {
      const group = /^[0-9]+$/.test(name) ? index.groups.get(Number(name)) : undefined;
      if (!group) return undefined;
      const members = group.members;
      return dir({
        devices: () =>
          bigDir(
            () => members.map((d) => d.address),
            (addr) => {
              const dev = members.find((d) => d.address === addr);
              return dev ? link(index.devicePath(dev)) : undefined;
            },
          ),
        // vfio names the groups it invents in no-IOMMU mode (iommu_group_set_name).
        name: group.noiommu ? () => ro(() => "vfio-noiommu\n") : undefined,
        reserved_regions: () => ro(() => ""),
      });
    },
  );
}

function moduleDir(ctx: DeviceTreeContext): SimDir {
  const { state } = ctx;
  return bigDir(
    () => [...state.modules].sort(),
    (name) => {
      if (!state.modules.includes(name)) return undefined;
      const entries: Record<string, () => SimNode> = {
        initstate: () => ro(() => "live\n"),
      };
      if (name === "vfio" && state.config.noiommuSupported) {
        entries.parameters = () =>
          dir({
            enable_unsafe_noiommu_mode: () =>
              rw(
                () => (state.noiommuMode ? "Y\n" : "N\n"),
                (b) => {
                  const value = parseBool(cString(b));
                  if (value === null) return "EINVAL";
                  state.noiommuMode = value;
                  return null;
                },
              ),
          });
      }
      return dir(entries);
    },
  );
}

import {
  closeSync,
  constants,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeSync,
} from "node:fs";
import { basename, join } from "node:path";
import type { GuestContext, GuestResult } from "../guest-entry.js";

/**
 * Proves the harness end to end with plain `node:fs`: the setup snippet ran,
 * the guest sees the emulated NICs, and the last one makes the round trip
 * e1000e → the configuration's DPDK driver → e1000e, with the errno the
 * configuration predicts (vfio-pci without an IOMMU: EINVAL).
 */

/** eth0 plays the management interface: it holds the default route (qemu's user network). */
export const setup = `
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2 dev eth0
`;

export const virtioNic = true;

export async function run(ctx: GuestContext): Promise<GuestResult[]> {
  const pci = join(ctx.sysRoot, "bus/pci");
  const results: GuestResult[] = [];
  const check = (id: string, ok: boolean, detail?: unknown) =>
    results.push({ id, ok, detail: typeof detail === "string" ? detail : JSON.stringify(detail) });

  const devices = readdirSync(join(pci, "devices")).map((bdf) => describe(pci, bdf));
  const nics = devices.filter((d) => d.id === "8086:10d3");
  check(
    "sees every emulated NIC bound to e1000e",
    nics.length === ctx.nics && nics.every((d) => d.driver === "e1000e"),
    devices,
  );
  const virtio = devices.filter((d) => d.id === "1af4:1041");
  const virtioNet = virtio[0] ? readdirSync(join(pci, "devices", virtio[0].bdf)) : [];
  const child = virtioNet.find((name) => /^virtio\d+$/.test(name));
  const virtioIf = child
    ? readdirSync(join(pci, "devices", virtio[0]?.bdf ?? "", child, "net"))
    : [];
  check(
    "virtio-net sits on virtio-pci, its netdev under virtio<N>/net",
    virtio.length === 1 && virtio[0]?.driver === "virtio-pci" && virtioIf.length === 1,
    { virtio, child, virtioIf },
  );
  const routes = read(join(ctx.procRoot, "net/route")).split("\n").slice(1);
  const defaults = routes.filter((line) => line.split(/\s+/)[1] === "00000000");
  check(
    "setup snippet set the default route on eth0",
    defaults.length === 1 && defaults[0]?.startsWith("eth0\t") === true,
    defaults,
  );
  const nic = nics.at(-1);
  if (nic === undefined) return results;
  const dev = join(pci, "devices", nic.bdf);
  const target = ctx.config.dpdkDriver;

  write(join(dev, "driver_override"), target);
  check("driver_override reads back", read(join(dev, "driver_override")) === `${target}\n`);
  check(
    "unbind from e1000e",
    write(join(pci, "drivers/e1000e/unbind"), nic.bdf) === "ok" && driverOf(dev) === undefined,
  );

  const bound = write(join(pci, "drivers", target, "bind"), nic.bdf);
  const expected = ctx.config.dpdkBind;
  check(`bind to ${target} gives ${expected}`, bound === expected, {
    bound,
    driver: driverOf(dev),
  });
  if (bound === "ok") {
    const node = target === "vfio-pci" ? vfioNode(ctx, dev) : uioNode(ctx, dev);
    check(`${target} creates its device node`, node !== undefined && existsSync(node), node);
    check(`unbind from ${target}`, write(join(pci, "drivers", target, "unbind"), nic.bdf) === "ok");
  }

  write(join(dev, "driver_override"), "\n");
  check("driver_override clears with a newline", read(join(dev, "driver_override")) === "(null)\n");
  const probed = write(join(pci, "drivers_probe"), nic.bdf);
  const after = describe(pci, nic.bdf);
  check(
    "drivers_probe returns the NIC to e1000e with a netdev",
    probed === "ok" && after.driver === "e1000e" && after.net.length === 1,
    after,
  );
  return results;
}

interface PciDevice {
  bdf: string;
  id: string;
  driver: string | undefined;
  net: string[];
}

function describe(pci: string, bdf: string): PciDevice {
  const dev = join(pci, "devices", bdf);
  const hex = (file: string) => read(join(dev, file)).trim().replace(/^0x/, "");
  const netDir = join(dev, "net");
  return {
    bdf,
    id: `${hex("vendor")}:${hex("device")}`,
    driver: driverOf(dev),
    net: existsSync(netDir) ? readdirSync(netDir) : [],
  };
}

function driverOf(dev: string): string | undefined {
  const link = join(dev, "driver");
  return existsSync(link) ? basename(readlinkSync(link)) : undefined;
}

function read(path: string): string {
  return readFileSync(path, "utf8");
}

/** One write(2) on an existing attribute; returns "ok" or the errno name. */
function write(path: string, value: string): string {
  // O_WRONLY without O_CREAT/O_TRUNC, as the kernel expects of sysfs stores.
  const fd = openSync(path, constants.O_WRONLY);
  try {
    writeSync(fd, value);
    return "ok";
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? "EUNKNOWN";
  } finally {
    closeSync(fd);
  }
}

function vfioNode(ctx: GuestContext, dev: string): string | undefined {
  const group = join(dev, "iommu_group");
  return existsSync(group) ? join(ctx.devRoot, "vfio", basename(readlinkSync(group))) : undefined;
}

function uioNode(ctx: GuestContext, dev: string): string | undefined {
  const dir = join(dev, "uio");
  const name = existsSync(dir) ? readdirSync(dir)[0] : undefined;
  return name === undefined ? undefined : join(ctx.devRoot, name);
}

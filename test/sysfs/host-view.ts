/** Reads this machine's real /sys the plain way (read only), to check the inventory against. */
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { basename } from "node:path";

export const HOST_PCI_DEVICES = "/sys/bus/pci/devices";
const DEVICES = HOST_PCI_DEVICES;

/** What the kernel says about one device, read the plain way. */
export function hostView(address: string) {
  const dir = `${DEVICES}/${address}`;
  const driver = existsSync(`${dir}/driver`) ? basename(readlinkSync(`${dir}/driver`)) : null;
  const netDirs = readdirSync(dir)
    .filter((name) => name === "net" || /^virtio[0-9]+$/.test(name))
    .map((name) => (name === "net" ? `${dir}/net` : `${dir}/${name}/net`))
    .filter((path) => existsSync(path));
  const interfaces = netDirs.flatMap((path) => readdirSync(path)).sort();
  const vendor = readFileSync(`${dir}/vendor`, "utf8").trim().replace(/^0x/, "");
  return { driver, interfaces, vendor };
}

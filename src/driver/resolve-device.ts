/**
 * Turns what a person or controller names a device by (PCI address, MAC,
 * interface name) into its PCI address. Every input passes a strict parser
 * first; nothing unparsed reaches a path.
 *
 * A device under vfio-pci has no interface and no MAC in sysfs any more, so
 * MACs and interface names also match the home snapshots the journal keeps.
 * A live match wins over a remembered one: interface names move across
 * rebinds (the kernel hands out the lowest free ethN).
 */
import { AgentError, type PciAddress, quoteInput } from "../common/index.js";
import {
  isInterfaceName,
  isMac,
  isPciAddress,
  parseMac,
  parsePciAddress,
  type Sysfs,
  scanInventory,
} from "../sysfs/index.js";
import type { DeviceSnapshot } from "./types.js";

export async function resolveDevice(
  sysfs: Sysfs,
  input: string,
  homes: ReadonlyMap<PciAddress, DeviceSnapshot>,
): Promise<PciAddress> {
  if (isPciAddress(input)) return parsePciAddress(input);
  if (!isMac(input) && !isInterfaceName(input)) {
    throw new AgentError(
      "INVALID_ARGUMENT",
      `not a device: ${quoteInput(input)} (expected a PCI address, a MAC or an interface name)`,
    );
  }
  const inventory = await scanInventory(sysfs);
  if (isMac(input)) {
    const mac = parseMac(input);
    const live = inventory.byMac(mac);
    if (live) return live.address;
    const remembered = [...homes.values()].find((home) => home.mac === mac);
    if (remembered) return remembered.address;
    throw notFound(input, "MAC");
  }
  const live = inventory.byInterface(input);
  if (live) return live.address;
  // A remembered name counts only while no live interface has it.
  const remembered = [...homes.values()].find((home) => home.interface === input);
  if (remembered) return remembered.address;
  throw notFound(input, "interface");
}

function notFound(input: string, what: string): AgentError {
  return new AgentError("NOT_FOUND", `no device with ${what} ${quoteInput(input)}`, {
    remedy: "list devices with eni-agent status",
  });
}

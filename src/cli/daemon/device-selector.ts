/**
 * DEVICE on the command line → the API's selector. The forms do not
 * overlap: a PCI address has dots, a MAC six byte pairs, an ENI id the
 * "eni-" prefix; anything else must be an interface name.
 */
import type { DeviceSelector } from "../../server/generated/eniagent/v1/DeviceSelector.js";
import {
  isMac,
  isPciAddress,
  parseEniId,
  parseInterfaceName,
  parseMac,
  parsePciAddress,
} from "../../sysfs/parse.js";

export function deviceSelector(text: string): DeviceSelector {
  if (isPciAddress(text)) return { pciAddress: parsePciAddress(text) };
  if (isMac(text)) return { macAddress: parseMac(text) };
  if (text.startsWith("eni-")) return { eniId: parseEniId(text) };
  return { interfaceName: parseInterfaceName(text) };
}

/**
 * The PCI address for a filter (ops --device, watch --device): taken as it
 * is when DEVICE is one, so a device that is gone (hot-detached) can still
 * be asked about; otherwise resolved by the daemon.
 */
export async function pciAddressOf(
  text: string,
  resolve: (selector: DeviceSelector) => Promise<{ pciAddress: string }>,
): Promise<string> {
  const selector = deviceSelector(text);
  return selector.pciAddress ?? (await resolve(selector)).pciAddress;
}

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

/**
 * Strict parsers for everything a request can name. A value that passes is
 * safe to put in a sysfs path: each pattern excludes "/", whitespace, "." and
 * ".." as whole names, and control characters. Errors quote the input safely.
 */
import {
  AgentError,
  type DriverName,
  type InterfaceName,
  type PciAddress,
  quoteInput,
} from "../common/index.js";

// MACs and ENI ids are parsed in common, where src/aws can reach them too
// (aws may not import sysfs); re-exported so that request validation keeps
// importing every parser from one place.
export { isEniId, isMac, parseEniId, parseMac } from "../common/index.js";

const FULL_PCI = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-1][0-9a-fA-F])\.([0-7])$/;
const SHORT_PCI = /^([0-9a-fA-F]{2}):([0-1][0-9a-fA-F])\.([0-7])$/;

/**
 * "dddd:bb:dd.f" or "bb:dd.f" (domain 0000), any case → lower-case canonical
 * form. Device numbers run 00–1f and functions 0–7, as in the PCI spec.
 */
export function parsePciAddress(input: string): PciAddress {
  const full = FULL_PCI.exec(input);
  if (full) return `${full[1]}:${full[2]}:${full[3]}.${full[4]}`.toLowerCase() as PciAddress;
  const short = SHORT_PCI.exec(input);
  if (short) return `0000:${short[1]}:${short[2]}.${short[3]}`.toLowerCase() as PciAddress;
  throw new AgentError(
    "INVALID_ARGUMENT",
    `not a PCI address: ${quoteInput(input)} (expected dddd:bb:dd.f, e.g. 0000:00:06.0)`,
  );
}

export function isPciAddress(input: string): boolean {
  return FULL_PCI.test(input) || SHORT_PCI.test(input);
}

/**
 * Linux interface names (dev_valid_name): 1–15 bytes, not "." or "..", no "/",
 * ":" or whitespace. We also refuse control characters and non-ASCII, which
 * the kernel allows but no sane host uses, so a name is always printable.
 */
export function parseInterfaceName(input: string): InterfaceName {
  const valid =
    input.length >= 1 &&
    Buffer.byteLength(input) <= 15 &&
    input !== "." &&
    input !== ".." &&
    /^[\x21-\x7e]+$/.test(input) &&
    !/[/:]/.test(input);
  if (!valid) {
    throw new AgentError(
      "INVALID_ARGUMENT",
      `not an interface name: ${quoteInput(input)} (1–15 printable bytes, no "/", ":" or spaces)`,
    );
  }
  return input as InterfaceName;
}

export function isInterfaceName(input: string): boolean {
  try {
    parseInterfaceName(input);
    return true;
  } catch {
    return false;
  }
}

/** The DPDK-capable drivers plus ENA's kernel driver. */
export const DEFAULT_DRIVER_ALLOWLIST: readonly string[] = [
  "vfio-pci",
  "uio_pci_generic",
  "igb_uio",
  "ena",
];

/** The shape of a driver name as the kernel registers it. */
const DRIVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * A driver name that is both well formed and in the allowlist. The common
 * mistake "vfio_pci" (the module name) gets a hint: the driver is "vfio-pci".
 */
export function parseDriverName(
  input: string,
  allowlist: readonly string[] = DEFAULT_DRIVER_ALLOWLIST,
): DriverName {
  if (!DRIVER_NAME.test(input)) {
    throw new AgentError("INVALID_ARGUMENT", `not a driver name: ${quoteInput(input)}`);
  }
  if (!allowlist.includes(input)) {
    const hint =
      input === "vfio_pci" ? ' ("vfio_pci" is the module; the driver is "vfio-pci")' : "";
    throw new AgentError(
      "INVALID_ARGUMENT",
      `driver ${quoteInput(input)} is not allowed${hint}; allowed: ${allowlist.join(", ")}`,
    );
  }
  return input as DriverName;
}

/** Driver names read back from the kernel (a `driver` link) pass the shape check only. */
export function parseKernelDriverName(input: string): DriverName {
  if (!DRIVER_NAME.test(input)) {
    throw new AgentError("INVALID_ARGUMENT", `not a driver name: ${quoteInput(input)}`);
  }
  return input as DriverName;
}

const OPERATION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** An operation id as the agent issues them (`op-<uuid>`): 1–128 of [A-Za-z0-9._-], no leading dot. */
export function isOperationId(input: string): boolean {
  return OPERATION_ID.test(input);
}

/** "1d0f:ec20" → { vendor: 0x1d0f, device: 0xec20 }, for allowlist entries. */
export function parseVendorDevice(input: string): { vendor: number; device: number } {
  const m = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{4})$/.exec(input);
  if (!m) {
    throw new AgentError(
      "INVALID_ARGUMENT",
      `not a vendor:device pair: ${quoteInput(input)} (expected e.g. 1d0f:ec20)`,
    );
  }
  return { vendor: Number.parseInt(m[1]!, 16), device: Number.parseInt(m[2]!, 16) };
}

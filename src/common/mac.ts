/**
 * MAC addresses: one parser for every layer. The daemon's requests, the
 * sysfs inventory and IMDS's interface listing all name ENIs by MAC, and a
 * value of type `Mac` is always the canonical form so that map lookups agree.
 */
import { AgentError, quoteInput } from "./agent-error.js";
import type { Mac } from "./brand.js";

const MAC = /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}$/;
const MAC_DASHED = /^[0-9a-fA-F]{2}(?:-[0-9a-fA-F]{2}){5}$/;
const CANONICAL_MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

/**
 * "aa:bb:cc:dd:ee:ff" (or with dashes), any case → lower-case with colons.
 * Throws AgentError INVALID_ARGUMENT on anything else.
 */
export function parseMac(input: string): Mac {
  if (MAC.test(input)) return input.toLowerCase() as Mac;
  if (MAC_DASHED.test(input)) return input.replaceAll("-", ":").toLowerCase() as Mac;
  throw new AgentError(
    "INVALID_ARGUMENT",
    `not a MAC address: ${quoteInput(input)} (expected aa:bb:cc:dd:ee:ff)`,
  );
}

/** True when `parseMac` would accept the input (any case, colons or dashes). */
export function isMac(input: string): boolean {
  return MAC.test(input) || MAC_DASHED.test(input);
}

/**
 * True only for the canonical form `parseMac` returns (lower case, colons).
 * For MACs that are keys elsewhere, such as IMDS's per-MAC paths: another
 * spelling of the same address would name a different path there.
 */
export function isCanonicalMac(input: string): input is Mac {
  return CANONICAL_MAC.test(input);
}

/**
 * Branded string ids. A value of one of these types has passed its strict
 * parser (src/common/mac.ts, src/common/eni-id.ts,
 * src/sysfs/parse.ts); the brand keeps raw request strings from reaching a
 * path builder by accident.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Canonical PCI address "dddd:bb:dd.f", lower-case hex. */
export type PciAddress = Brand<string, "PciAddress">;
/** MAC address "aa:bb:cc:dd:ee:ff", lower-case. */
export type Mac = Brand<string, "Mac">;
/** Linux interface name: 1–15 bytes, no "/", no whitespace, not "." or "..". */
export type InterfaceName = Brand<string, "InterfaceName">;
/** A PCI driver name as it appears under /sys/bus/pci/drivers. */
export type DriverName = Brand<string, "DriverName">;
/** An ENI id "eni-" + 8 or 17 hex digits. */
export type EniId = Brand<string, "EniId">;

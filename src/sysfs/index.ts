export {
  classifyDevice,
  type DeviceKind,
  ENA_IDS,
  ENA_KERNEL_DRIVER,
  isEna,
  isNetworkKind,
  isUserSpaceDriver,
  isVfioDriver,
  managedIds,
  pciId,
} from "./classify.js";
export { readPciIds } from "./device-identity.js";
export { checkPortPath, codeForErrno, type SysfsOperation, sysfsError } from "./errno.js";
export {
  type HugepagePool,
  type KernelFacts,
  type KernelModule,
  REPORTED_MODULES,
  readKernelFacts,
} from "./host-facts.js";
export {
  InterfaceAddresses,
  type InterfaceAddressesOptions,
  type ListInterfaces,
} from "./interface-addresses.js";
export { buildInventory, type Inventory, scanInventory } from "./inventory.js";
export {
  DEFAULT_DRIVER_ALLOWLIST,
  isEniId,
  isInterfaceName,
  isMac,
  isOperationId,
  isPciAddress,
  parseDriverName,
  parseEniId,
  parseInterfaceName,
  parseKernelDriverName,
  parseMac,
  parsePciAddress,
  parseVendorDevice,
} from "./parse.js";
export { pciDeviceName, pciVendorName } from "./pci-ids.js";
export {
  type IommuGroup,
  type NetInterface,
  type PciBinding,
  type PciDevice,
  type ReadDeviceOptions,
  readBinding,
  readDevice,
} from "./read-device.js";
export {
  ipv6FromHex,
  parseIpv4DefaultRoutes,
  parseIpv6DefaultRoutes,
  RealDefaultRouteReader,
  type RealDefaultRouteReaderOptions,
} from "./real-default-route-reader.js";
export { RealHolderScanner, type RealHolderScannerOptions } from "./real-holder-scanner.js";
export { RealSysfs, type RealSysfsOptions } from "./real-sysfs.js";
export type {
  DefaultRoute,
  DefaultRouteReader,
  DeviceHolder,
  HolderScan,
  HolderScanner,
  HolderScanOptions,
  Sysfs,
} from "./sysfs.js";

export { defaultCatalog, MODULE_DEPENDENCIES, pciClassId, pciId } from "./driver-catalog.js";
export { ENA_HARDWARE, type EniHazard, SimEniWorld } from "./eni-world.js";
export {
  type FaultAction,
  type FaultHandle,
  FaultInjector,
  type FaultOptions,
  type FaultRule,
  globToRegExp,
  type PathPattern,
} from "./fault-injector.js";
export {
  EC2_PRIMARY,
  type Ec2HostOptions,
  ec2Host,
  ec2Mac,
  QEMU_NICS,
  QEMU_VIRTIO,
  type QemuGuestMode,
  type QemuGuestOptions,
  qemuGuestHost,
  type ScaledHostOptions,
  scaledHost,
} from "./hosts.js";
export { type MaterializeOptions, materialize } from "./materialize.js";
export {
  loadKernelState,
  openPersistentKernel,
  persistKernel,
  saveKernelState,
} from "./persist.js";
export {
  type SimDeviceSpec,
  SimKernel,
  type SimKernelOptions,
  type SimWriteRecord,
} from "./sim-kernel.js";
export { SimHolderScanner, SimProcess } from "./sim-processes.js";
export { SimDefaultRouteReader } from "./sim-route-reader.js";
export * from "./sim-state.js";
export { SimSysfs } from "./sim-sysfs.js";

/**
 * kubelet's device plugin API (v1beta1) inside the daemon: pools of DPDK
 * devices offered to kubelet as extended resources, registered over
 * kubelet's socket and followed live, and kubelet's pod resources API to
 * tell whether a container holds a device. Only src/agent wires it.
 */
export { allocateContainer, VFIO_CONTAINER_NODE } from "./allocate-response.js";
export {
  DevicePlugin,
  type DevicePluginDeps,
  type DevicePluginLog,
  type DevicePluginOptions,
  KUBELET_SOCKET,
} from "./device-plugin.js";
export { DEVICE_PLUGIN_API_VERSION, kubeletApi } from "./kubelet-api.js";
export { type PodDeviceHolder, podsHolding } from "./kubelet-clients.js";
export {
  byId,
  type DeviceHealth,
  type DeviceList,
  listsToSend,
  type PoolDevice,
} from "./pool-device.js";
export type { PoolServer } from "./pool-server.js";
export { preferredAllocation } from "./preferred-allocation.js";
export {
  parseResourceName,
  type ResourceName,
  resourceNameProblem,
  socketFileName,
  sriovEnvName,
} from "./resource-name.js";

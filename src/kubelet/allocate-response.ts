/**
 * What Allocate answers for one container: the device nodes DPDK opens and
 * the environment the SR-IOV network device plugin sets, so that pods
 * written for that plugin run unchanged.
 *
 * - vfio-pci: the container node "/dev/vfio/vfio" and each device's group
 *   node, "/dev/vfio/<N>" with an IOMMU, "/dev/vfio/noiommu-<N>" in vfio's
 *   no-IOMMU mode, at the same path as on the host (DPDK opens
 *   "/dev/vfio/<N>" and falls back to "noiommu-<N>"; the SR-IOV plugin puts
 *   a no-IOMMU node at "/dev/vfio/<N>" instead, which DPDK opens as well);
 *   a group shared by several devices is one node.
 * - uio_pci_generic, igb_uio: "/dev/uio<N>" (the SR-IOV plugin gives none
 *   for uio_pci_generic: its uio provider matches only "uio" and
 *   "igb_uio").
 * - `PCIDEVICE_<DOMAIN>_<NAME>`: the PCI addresses, comma-separated, in the
 *   request's order; `PCIDEVICE_<DOMAIN>_<NAME>_INFO`: per address, the
 *   plugin's "generic" deviceID and its "vfio" (mount, dev-mount) or "uio"
 *   (mount) nodes, as JSON (same keys as the SR-IOV plugin's info providers).
 *
 * A device kubelet asks for that is not in the pool or not Healthy now is
 * refused (FAILED_PRECONDITION): it is being taken back, and kubelet then
 * fails the pod's admission instead of starting a container whose device
 * is about to go.
 */
import { AgentError } from "../common/index.js";
import type { ContainerAllocateResponse } from "./generated/v1beta1/ContainerAllocateResponse.js";
import type { DeviceSpec } from "./generated/v1beta1/DeviceSpec.js";
import type { PoolDevice } from "./pool-device.js";
import { type ResourceName, sriovEnvName } from "./resource-name.js";

export const VFIO_CONTAINER_NODE = "/dev/vfio/vfio";
const HOST_NODE = /^\/dev\/(?:vfio\/(?:noiommu-)?[0-9]+|uio[0-9]+)$/;

type DeviceInfo = Record<string, Record<string, string>>;

export function allocateContainer(
  resource: ResourceName,
  requested: readonly string[],
  devices: ReadonlyMap<string, PoolDevice>,
): ContainerAllocateResponse {
  const specs: DeviceSpec[] = [];
  const seen = new Set<string>();
  const node = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    specs.push({ containerPath: path, hostPath: path, permissions: "rw" });
  };
  const info: Record<string, DeviceInfo> = {};
  for (const id of requested) {
    const device = devices.get(id);
    if (device === undefined || device.health !== "Healthy" || device.devNode === null) {
      throw new AgentError(
        "FAILED_PRECONDITION",
        `device ${id} of ${resource} is ${device === undefined ? "not in the pool" : "not healthy"}; it is not handed to a container`,
        { device: id, remedy: "kubelet retries with another device once its list is current" },
      );
    }
    // The node came from sysfs; only the shapes the kernel creates go to kubelet.
    if (!HOST_NODE.test(device.devNode)) {
      throw new AgentError("INTERNAL", `device ${id} has an unexpected node ${device.devNode}`, {
        device: id,
      });
    }
    const entry: DeviceInfo = { generic: { deviceID: id } };
    if (device.devNode.startsWith("/dev/vfio/")) {
      node(VFIO_CONTAINER_NODE);
      node(device.devNode);
      entry.vfio = { mount: VFIO_CONTAINER_NODE, "dev-mount": device.devNode };
    } else {
      node(device.devNode);
      entry.uio = { mount: device.devNode };
    }
    info[id] = entry;
  }
  const env = sriovEnvName(resource);
  return {
    envs: { [env]: requested.join(","), [`${env}_INFO`]: JSON.stringify(info) },
    devices: specs,
    mounts: [],
    annotations: {},
    cdiDevices: [],
  };
}

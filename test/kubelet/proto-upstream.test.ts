/**
 * The kubelet messages as written for eni-agent (proto/kubelet) against
 * upstream's, field by field: what travels on the wire (package, service
 * and method names, streaming, field numbers, types, repetition). The
 * table is upstream's k8s.io/kubelet pkg/apis/deviceplugin/v1beta1/api.proto
 * at commit 3c7be0577afb3dfbff2946b47c3b3ccf51a30b24 and
 * pkg/apis/podresources/v1/api.proto at 43855acf1b38ee9d0a863852405aa5379929d7a3
 * (the fields eni-agent declares of it); a change to either proto that
 * breaks the wire fails here.
 */
import protobuf from "protobufjs";
import t from "tap";
import { descriptorJson } from "../../src/kubelet/generated/descriptor.js";

/** message → fields as "number name type[ repeated|map<k>]", names as upstream spells them. */
const UPSTREAM: Record<string, string[]> = {
  "v1beta1.DevicePluginOptions": [
    "1 pre_start_required bool",
    "2 get_preferred_allocation_available bool",
  ],
  "v1beta1.RegisterRequest": [
    "1 version string",
    "2 endpoint string",
    "3 resource_name string",
    "4 options DevicePluginOptions",
  ],
  "v1beta1.Empty": [],
  "v1beta1.ListAndWatchResponse": ["1 devices Device repeated"],
  "v1beta1.TopologyInfo": ["1 nodes NUMANode repeated"],
  "v1beta1.NUMANode": ["1 ID int64"],
  "v1beta1.Device": ["1 ID string", "2 health string", "3 topology TopologyInfo"],
  "v1beta1.PreStartContainerRequest": ["1 devices_ids string repeated"],
  "v1beta1.PreStartContainerResponse": [],
  "v1beta1.PreferredAllocationRequest": [
    "1 container_requests ContainerPreferredAllocationRequest repeated",
  ],
  "v1beta1.ContainerPreferredAllocationRequest": [
    "1 available_deviceIDs string repeated",
    "2 must_include_deviceIDs string repeated",
    "3 allocation_size int32",
  ],
  "v1beta1.PreferredAllocationResponse": [
    "1 container_responses ContainerPreferredAllocationResponse repeated",
  ],
  "v1beta1.ContainerPreferredAllocationResponse": ["1 deviceIDs string repeated"],
  "v1beta1.AllocateRequest": ["1 container_requests ContainerAllocateRequest repeated"],
  "v1beta1.ContainerAllocateRequest": ["1 devices_ids string repeated"],
  "v1beta1.CDIDevice": ["1 name string"],
  "v1beta1.AllocateResponse": ["1 container_responses ContainerAllocateResponse repeated"],
  "v1beta1.ContainerAllocateResponse": [
    "1 envs string map<string>",
    "2 mounts Mount repeated",
    "3 devices DeviceSpec repeated",
    "4 annotations string map<string>",
    "5 cdi_devices CDIDevice repeated",
  ],
  "v1beta1.Mount": ["1 container_path string", "2 host_path string", "3 read_only bool"],
  "v1beta1.DeviceSpec": ["1 container_path string", "2 host_path string", "3 permissions string"],
  "v1.ListPodResourcesRequest": [],
  "v1.ListPodResourcesResponse": ["1 pod_resources PodResources repeated"],
  "v1.PodResources": [
    "1 name string",
    "2 namespace string",
    "3 containers ContainerResources repeated",
  ],
  "v1.ContainerResources": ["1 name string", "2 devices ContainerDevices repeated"],
  "v1.ContainerDevices": [
    "1 resource_name string",
    "2 device_ids string repeated",
    "3 topology TopologyInfo",
  ],
  "v1.TopologyInfo": ["1 nodes NUMANode repeated"],
  "v1.NUMANode": ["1 ID int64"],
};

/** service → methods as "Name Request Response[ stream]". */
const SERVICES: Record<string, string[]> = {
  "v1beta1.Registration": ["Register RegisterRequest Empty"],
  "v1beta1.DevicePlugin": [
    "GetDevicePluginOptions Empty DevicePluginOptions",
    "ListAndWatch Empty ListAndWatchResponse stream",
    "GetPreferredAllocation PreferredAllocationRequest PreferredAllocationResponse",
    "Allocate AllocateRequest AllocateResponse",
    "PreStartContainer PreStartContainerRequest PreStartContainerResponse",
  ],
  "v1.PodResourcesLister": ["List ListPodResourcesRequest ListPodResourcesResponse"],
};

/** protobufjs camelCases names the way proto-loader does; upstream's are compared in that form. */
const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const root = protobuf.Root.fromJSON(JSON.parse(descriptorJson));

t.test("every message has upstream's fields, numbers and types", async (t) => {
  for (const [name, fields] of Object.entries(UPSTREAM)) {
    const type = root.lookupType(name);
    const ours = type.fieldsArray.map((f) => {
      const kind =
        f instanceof protobuf.MapField ? ` map<${f.keyType}>` : f.repeated ? " repeated" : "";
      return `${f.id} ${f.name} ${f.type}${kind}`;
    });
    const theirs = fields.map((f) => {
      const [id, field, ...rest] = f.split(" ");
      return [id, camel(field!), ...rest].join(" ");
    });
    t.same(ours, theirs, name);
  }
});

t.test("the services have upstream's methods", async (t) => {
  for (const [name, methods] of Object.entries(SERVICES)) {
    const service = root.lookupService(name);
    t.same(
      service.methodsArray.map(
        (m) => `${m.name} ${m.requestType} ${m.responseType}${m.responseStream ? " stream" : ""}`,
      ),
      methods,
      name,
    );
  }
});

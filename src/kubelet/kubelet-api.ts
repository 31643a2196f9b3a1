/**
 * kubelet's device plugin (v1beta1) and pod resources (v1) APIs, loaded
 * from the descriptors embedded at generation time (generated/descriptor.ts),
 * with the same loader options as the agent's own API so that the generated
 * types describe the loaded objects.
 */
import * as grpc from "@grpc/grpc-js";
import { fromJSON } from "@grpc/proto-loader";
import { LOADER_OPTIONS } from "../server/load-definition.js";
import { descriptorJson } from "./generated/descriptor.js";
import type { ProtoGrpcType as DevicePluginProto } from "./generated/device_plugin.js";
import type { ProtoGrpcType as PodResourcesProto } from "./generated/pod_resources.js";
import type { PodResourcesListerDefinition } from "./generated/v1/PodResourcesLister.js";
import type { DevicePluginDefinition } from "./generated/v1beta1/DevicePlugin.js";
import type { RegistrationDefinition } from "./generated/v1beta1/Registration.js";

/** The version every message and registration of this API names. */
export const DEVICE_PLUGIN_API_VERSION = "v1beta1";

interface KubeletApi {
  devicePlugin: DevicePluginDefinition;
  registration: RegistrationDefinition;
  podResources: PodResourcesListerDefinition;
  /** Client constructors, typed. */
  devicePluginProto: DevicePluginProto;
  podResourcesProto: PodResourcesProto;
}

let loaded: KubeletApi | null = null;

/** Loads once per process (the definitions are immutable). */
export function kubeletApi(): KubeletApi {
  if (loaded !== null) return loaded;
  const definition = fromJSON(JSON.parse(descriptorJson), { ...LOADER_OPTIONS });
  const objects = grpc.loadPackageDefinition(definition);
  // The generated ProtoGrpcType types describe exactly this loaded object.
  const devicePluginProto = objects as unknown as DevicePluginProto;
  const podResourcesProto = objects as unknown as PodResourcesProto;
  loaded = {
    devicePlugin: devicePluginProto.v1beta1.DevicePlugin.service,
    registration: devicePluginProto.v1beta1.Registration.service,
    podResources: podResourcesProto.v1.PodResourcesLister.service,
    devicePluginProto,
    podResourcesProto,
  };
  return loaded;
}

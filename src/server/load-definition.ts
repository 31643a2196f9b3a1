/**
 * Loads the API definition from the descriptors embedded at generation time
 * (src/server/generated/descriptor.ts), so the bundled daemon and CLI need no
 * .proto file at run time. The loader options decide the shape of every
 * message object and must match the flags the types were generated with
 * (scripts/proto-render.mjs LOADER_FLAGS; a test compares them).
 */
import * as grpc from "@grpc/grpc-js";
import { fromJSON, type Options, type PackageDefinition } from "@grpc/proto-loader";
import type { ProtoGrpcType as AgentProto } from "./generated/agent.js";
import { descriptorJson } from "./generated/descriptor.js";
import type { EniAgentServiceDefinition } from "./generated/eniagent/v1/EniAgentService.js";
import type { HealthDefinition } from "./generated/grpc/health/v1/Health.js";
import type { ProtoGrpcType as HealthProto } from "./generated/health.js";
import { reuseLast } from "./reuse-last.js";

/** 64-bit integers as decimal strings, enums as names, defaults filled, oneofs named. */
export const LOADER_OPTIONS: Readonly<Options> = Object.freeze({
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});

interface ApiDefinition {
  /** For the reflection service. */
  packageDefinition: PackageDefinition;
  agentService: EniAgentServiceDefinition;
  healthService: HealthDefinition;
  /** Client constructors, typed. */
  agentProto: AgentProto;
  healthProto: HealthProto;
}

export function loadApiDefinition(): ApiDefinition {
  const packageDefinition = fromJSON(JSON.parse(descriptorJson), { ...LOADER_OPTIONS });
  const loaded = grpc.loadPackageDefinition(packageDefinition);
  // The generated ProtoGrpcType types describe exactly this loaded object.
  const agentProto = loaded as unknown as AgentProto;
  const healthProto = loaded as unknown as HealthProto;
  const agentService = agentProto.eniagent.v1.EniAgentService.service;
  const { ListDevices } = agentService;
  return {
    packageDefinition,
    agentService: {
      ...agentService,
      // Pollers get the same kept listing many times over (see agent-handlers).
      ListDevices: { ...ListDevices, responseSerialize: reuseLast(ListDevices.responseSerialize) },
    },
    healthService: healthProto.grpc.health.v1.Health.service,
    agentProto,
    healthProto,
  };
}

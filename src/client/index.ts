/**
 * The package entry "eni-agent/client": what a controller written in
 * TypeScript needs to talk to the daemon. The client, the one error type
 * its calls reject with, where the daemon's socket is, and the message
 * types of the calls (as grpc-js's loader shapes them: enums as names,
 * 64-bit integers as decimal strings).
 */
export {
  AgentError,
  ERROR_CODES,
  type ErrorCode,
  type ErrorDetails,
  isAgentError,
} from "../common/agent-error.js";
export type { BindDeviceRequest } from "../server/generated/eniagent/v1/BindDeviceRequest.js";
export type { Device__Output as Device } from "../server/generated/eniagent/v1/Device.js";
export type { DeviceSelector } from "../server/generated/eniagent/v1/DeviceSelector.js";
export type { EniStatus__Output as EniStatus } from "../server/generated/eniagent/v1/EniStatus.js";
export type { Event__Output as Event } from "../server/generated/eniagent/v1/Event.js";
export type { Operation__Output as Operation } from "../server/generated/eniagent/v1/Operation.js";
export type { PutEniIntentRequest } from "../server/generated/eniagent/v1/PutEniIntentRequest.js";
export type { PutEniIntentResponse__Output as PutEniIntentResponse } from "../server/generated/eniagent/v1/PutEniIntentResponse.js";
export type { ReleaseEniRequest } from "../server/generated/eniagent/v1/ReleaseEniRequest.js";
export type { ReleaseEniResponse__Output as ReleaseEniResponse } from "../server/generated/eniagent/v1/ReleaseEniResponse.js";
export type { RestoreDeviceRequest } from "../server/generated/eniagent/v1/RestoreDeviceRequest.js";
export type { SyncEniIntentsRequest } from "../server/generated/eniagent/v1/SyncEniIntentsRequest.js";
export type { SyncEniIntentsResponse__Output as SyncEniIntentsResponse } from "../server/generated/eniagent/v1/SyncEniIntentsResponse.js";
export type { WatchEventsRequest } from "../server/generated/eniagent/v1/WatchEventsRequest.js";
export {
  AgentClient,
  type AgentTarget,
  type CallOptions,
  connectAgent,
  type ServingStatus,
} from "./client.js";
export { DEFAULT_SOCKET_PATH, defaultSocket, simulatedSocketPath } from "./default-socket.js";

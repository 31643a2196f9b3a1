/**
 * The gRPC edge of eni-agent: the AgentCore contract the composition root
 * implements, the server that serves it, and the client the CLI uses (import
 * the client from "./client.js" directly to keep the server out of the CLI).
 */
export type { AgentCore, CallContext, Caller, ListenerKind } from "./agent-core.js";
export {
  AgentServer,
  type AgentServerDeps,
  type ListenerStats,
  type ListeningAddresses,
  type ServerLog,
} from "./agent-server.js";
export { certificateIdentities, methodAccess } from "./authorize.js";
export {
  AgentClient,
  type AgentClientOptions,
  type AgentTarget,
  type CallOptions,
  connectAgent,
  type ServingStatus,
  type WatchOptions,
} from "./client.js";
export type * from "./core-types.js";
export {
  ERROR_METADATA_KEY,
  errorFromStatus,
  grpcCode,
  statusForError,
} from "./error-status.js";
export { AGENT_SERVICE_NAME } from "./health-service.js";
export type * from "./host-report.js";
export {
  type AgentServerOptions,
  DEFAULT_KEEPALIVE,
  DEFAULT_LIMITS,
  DEFAULT_LISTENER_LIMITS,
  DEFAULT_SOCKET_PATH,
  type KeepalivePolicy,
  type ListenerLimits,
  type ServerLimits,
  type TcpListenerOptions,
  type TlsFiles,
  type UnixListenerOptions,
} from "./server-options.js";

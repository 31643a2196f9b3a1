/**
 * The gRPC edge of eni-agent: the AgentCore contract the composition root
 * implements and the server that serves it. The client is src/client.
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
export type * from "./core-types.js";
export { ERROR_METADATA_KEY, grpcCode, statusForError } from "./error-status.js";
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

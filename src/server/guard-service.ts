/**
 * Authorization for every service on a listener, ours or a library's
 * (health, reflection): each handler is wrapped so that the listener policy
 * is checked before it runs, and a refused call ends with PERMISSION_DENIED
 * in the shape its method type expects.
 *
 * The request is decoded before any handler runs, and grpc-js answers a
 * request that does not decode with a bare INTERNAL, before this check. So
 * decoding is wrapped too: a request that does not decode reaches the
 * wrapper as an UndecodableRequest, and after the permission check (a
 * mutation on a read-only listener is PERMISSION_DENIED whatever its body)
 * it is answered with INVALID_ARGUMENT and the decoder's reason.
 */

import type { PeerCertificate } from "node:tls";
import type * as grpc from "@grpc/grpc-js";
import { AgentError } from "../common/index.js";
import { authorize, type ListenerPolicy } from "./authorize.js";
import { toServiceError } from "./error-status.js";

type AnyHandler = (...args: unknown[]) => void;

interface CallLike {
  getAuthContext(): { sslPeerCertificate?: PeerCertificate };
  emit(event: "error", error: grpc.ServiceError): boolean;
  request?: unknown;
}

/** Stands for a request message that did not decode. */
class UndecodableRequest {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

/** The caller's client certificate, when the listener is TLS. */
export function peerCertificate(call: {
  getAuthContext(): { sslPeerCertificate?: PeerCertificate };
}): PeerCertificate | undefined {
  return call.getAuthContext().sslPeerCertificate;
}

/** The method with a decoder that never throws (only for single-request methods). */
function tolerantDecoding(method: grpc.MethodDefinition<unknown, unknown>) {
  if (method.requestStream) return method;
  const decode = method.requestDeserialize;
  return {
    ...method,
    requestDeserialize: (bytes: Buffer): unknown => {
      try {
        return decode(bytes);
      } catch (err) {
        return new UndecodableRequest(err instanceof Error ? err.message : String(err));
      }
    },
  };
}

function undecodable(path: string, request: UndecodableRequest): AgentError {
  return new AgentError(
    "INVALID_ARGUMENT",
    `the request of ${path.slice(path.lastIndexOf("/") + 1)} is not a valid protobuf message: ${request.reason}`,
    { remedy: "send the request message the API's proto defines for this method" },
  );
}

function guardService(
  definition: grpc.ServiceDefinition,
  implementation: grpc.UntypedServiceImplementation,
  policy: ListenerPolicy,
): { definition: grpc.ServiceDefinition; implementation: grpc.UntypedServiceImplementation } {
  const guarded: grpc.UntypedServiceImplementation = {};
  const methods: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, handler] of Object.entries(implementation)) {
    const method = definition[name];
    if (method === undefined) continue;
    methods[name] = tolerantDecoding(method);
    const run = handler as AnyHandler;
    const wrapped: AnyHandler = (...args) => {
      const call = args[0] as CallLike;
      try {
        authorize(policy, method.path, peerCertificate(call));
        if (call.request instanceof UndecodableRequest) {
          throw undecodable(method.path, call.request);
        }
      } catch (err) {
        const error = toServiceError(err);
        if (method.responseStream) call.emit("error", error);
        else (args[1] as (error: grpc.ServiceError) => void)(error);
        return;
      }
      run(...args);
    };
    guarded[name] = wrapped as grpc.UntypedHandleCall;
  }
  return { definition: methods, implementation: guarded };
}

/** A server facade whose addService guards every service it is given. */
export function guardedServer(
  server: grpc.Server,
  policy: ListenerPolicy,
): Pick<grpc.Server, "addService"> {
  return {
    addService: (definition, implementation) => {
      const guarded = guardService(definition, implementation, policy);
      server.addService(guarded.definition, guarded.implementation);
    },
  };
}

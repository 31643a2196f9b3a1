/**
 * Authorization for every service on a listener, ours or a library's
 * (health, reflection): each handler is wrapped so that the listener policy
 * is checked before it runs, and a refused call ends with PERMISSION_DENIED
 * in the shape its method type expects.
 */

import type { PeerCertificate } from "node:tls";
import type * as grpc from "@grpc/grpc-js";
import { authorize, type ListenerPolicy } from "./authorize.js";
import { toServiceError } from "./error-status.js";

type AnyHandler = (...args: unknown[]) => void;

interface CallLike {
  getAuthContext(): { sslPeerCertificate?: PeerCertificate };
  emit(event: "error", error: grpc.ServiceError): boolean;
}

/** The caller's client certificate, when the listener is TLS. */
export function peerCertificate(call: {
  getAuthContext(): { sslPeerCertificate?: PeerCertificate };
}): PeerCertificate | undefined {
  return call.getAuthContext().sslPeerCertificate;
}

export function guardService(
  definition: grpc.ServiceDefinition,
  implementation: grpc.UntypedServiceImplementation,
  policy: ListenerPolicy,
): grpc.UntypedServiceImplementation {
  const guarded: grpc.UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(implementation)) {
    const method = definition[name];
    if (method === undefined) continue;
    const run = handler as AnyHandler;
    const wrapped: AnyHandler = (...args) => {
      const call = args[0] as CallLike;
      try {
        authorize(policy, method.path, peerCertificate(call));
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
  return guarded;
}

/** A server facade whose addService guards every service it is given. */
export function guardedServer(
  server: grpc.Server,
  policy: ListenerPolicy,
): Pick<grpc.Server, "addService"> {
  return {
    addService: (definition, implementation) =>
      server.addService(definition, guardService(definition, implementation, policy)),
  };
}

/**
 * One unary handler: identify the caller, bind an AbortSignal to the call,
 * run, and map every failure through toServiceError.
 */
import type * as grpc from "@grpc/grpc-js";
import type { CallContext } from "./agent-core.js";
import { identify, type ListenerPolicy } from "./authorize.js";
import { callContext, type ScopedContext } from "./call-context.js";
import { toServiceError } from "./error-status.js";
import { peerCertificate } from "./guard-service.js";

export interface UnaryDeps {
  policy: ListenerPolicy;
  /** Aborts every in-flight call's signal when the server is forced to stop. */
  serverSignal: AbortSignal;
}

type UnaryCall<Req> = grpc.ServerUnaryCall<Req, unknown>;

export function unary<Req, Res>(
  deps: UnaryDeps,
  run: (request: Req, ctx: CallContext) => Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call: UnaryCall<Req>, callback: grpc.sendUnaryData<Res>) => {
    let scope: ScopedContext;
    try {
      scope = callContext(call, identify(deps.policy, peerCertificate(call)), deps.serverSignal);
    } catch (err) {
      callback(toServiceError(err));
      return;
    }
    // run() is async, so validation errors thrown inside it arrive as rejections too.
    void run(call.request, scope.ctx)
      .then(
        (response) => callback(null, response),
        (err: unknown) => callback(toServiceError(err)),
      )
      .finally(scope.done);
  };
}

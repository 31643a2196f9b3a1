/**
 * EniAgentService handlers: identify the caller, validate the request with
 * the strict parsers, call the core with an AbortSignal bound to the call,
 * map the result to the wire. Every failure leaves through toServiceError.
 */
import type { AgentCore } from "./agent-core.js";
import type { ListenerPolicy } from "./authorize.js";
import type { EniAgentServiceHandlers } from "./generated/eniagent/v1/EniAgentService.js";
import { type IntentApi, intentHandlers } from "./intent-handlers.js";
import { reuseLast } from "./reuse-last.js";
import type { StreamRegistry } from "./stream-registry.js";
import {
  deviceListToProto,
  deviceToProto,
  hostReportToProto,
  operationToProto,
  planToProto,
} from "./to-proto.js";
import { unary } from "./unary-call.js";
import {
  parseBindRequest,
  parseOperationId,
  parseOperationQuery,
  parseRestoreRequest,
  parseSelector,
} from "./validate.js";
import { watchEventsHandler } from "./watch-events.js";

interface HandlerDeps {
  core: AgentCore;
  policy: ListenerPolicy;
  driverAllowlist: readonly string[];
  /** Aborts every in-flight call's signal when the server is forced to stop. */
  serverSignal: AbortSignal;
  watchStreams: StreamRegistry;
  maxQueuedEvents: number;
  /** The controller contract; absent: its RPCs answer FAILED_PRECONDITION. */
  intents?: IntentApi;
}

export function agentHandlers(deps: HandlerDeps): EniAgentServiceHandlers {
  const { core } = deps;
  // The same kept listing maps to the same message, which the definition encodes once.
  const listToProto = reuseLast(deviceListToProto);
  return {
    ListDevices: unary(deps, async (request, ctx) =>
      listToProto(await core.listDevices({ fresh: request.fresh }, ctx)),
    ),

    GetDevice: unary(deps, async (request, ctx) => {
      const selector = parseSelector(request.selector);
      return { device: deviceToProto(await core.getDevice(selector, ctx)) };
    }),

    BindDevice: unary(deps, async (request, ctx) => {
      const bind = parseBindRequest(request, deps.driverAllowlist);
      return { operation: operationToProto(await core.bindDevice(bind, ctx)) };
    }),

    RestoreDevice: unary(deps, async (request, ctx) => {
      const restore = parseRestoreRequest(request);
      return { operation: operationToProto(await core.restoreDevice(restore, ctx)) };
    }),

    ConfirmOperation: unary(deps, async (request, ctx) => {
      const id = parseOperationId(request.operationId);
      return { operation: operationToProto(await core.confirmOperation(id, ctx)) };
    }),

    GetOperation: unary(deps, async (request, ctx) => {
      const id = parseOperationId(request.operationId);
      return { operation: operationToProto(await core.getOperation(id, ctx)) };
    }),

    ListOperations: unary(deps, async (request, ctx) => {
      const page = await core.listOperations(parseOperationQuery(request), ctx);
      return {
        operations: page.operations.map(operationToProto),
        nextPageToken: page.nextPageToken ?? "",
        journalNotes: page.journalNotes,
      };
    }),

    WatchEvents: watchEventsHandler({
      core,
      policy: deps.policy,
      streams: deps.watchStreams,
      maxQueuedEvents: deps.maxQueuedEvents,
    }),

    GetHostReport: unary(deps, async (_request, ctx) => ({
      report: hostReportToProto(await core.getHostReport(ctx)),
    })),

    PrepareTermination: unary(deps, async (request, ctx) => {
      const result = await core.prepareTermination({ dryRun: request.dryRun }, ctx);
      return {
        plan: planToProto(result.plan),
        operation: result.operation === null ? null : operationToProto(result.operation),
      };
    }),

    ...intentHandlers(deps),
  };
}

/**
 * The controller contract's RPCs (PutEniIntent, ReleaseEni, SyncEniIntents,
 * GetEni, ListEnis): validate with the strict parsers, call the intents, map
 * the answer. Force over another owner is for the administrator: a caller
 * on the main Unix socket (root's, by its mode), never a TCP client.
 */

import { AgentError, type EniId, parseEniId, parseMac } from "../common/index.js";
import type { EniIntents, IntentCaller, PutIntentRequest } from "../intents/index.js";
import { parseGeneration, parseOwner, parseRequestId } from "../intents/index.js";
import { parseDriverName } from "../sysfs/parse.js";
import type { Caller } from "./agent-core.js";
import type { EniAgentServiceHandlers } from "./generated/eniagent/v1/EniAgentService.js";
import type { EniIntent__Output } from "./generated/eniagent/v1/EniIntent.js";
import { eniStatusToProto, errorToProto } from "./to-proto.js";
import { type UnaryDeps, unary } from "./unary-call.js";
import { field } from "./validate.js";

/** What the edge needs of the intents (EniIntents implements it). */
export type IntentApi = Pick<EniIntents, "put" | "release" | "sync" | "get" | "list">;

type IntentRpc = "PutEniIntent" | "ReleaseEni" | "SyncEniIntents" | "GetEni" | "ListEnis";

export interface IntentHandlerDeps extends UnaryDeps {
  intents?: IntentApi;
  driverAllowlist: readonly string[];
}

export function intentCaller(caller: Caller): IntentCaller {
  return { identity: caller.identity, admin: caller.listener === "unix" };
}

/** Throws FAILED_PRECONDITION when the agent was built without the contract (tests' fakes). */
function served(intents: IntentApi | undefined): IntentApi {
  if (intents !== undefined) return intents;
  throw new AgentError("FAILED_PRECONDITION", "this agent does not serve ENI intents", {
    remedy: "run eni-agent serve (the daemon) rather than a test double",
  });
}

export function parseIntent(
  intent: EniIntent__Output | null,
  driverAllowlist: readonly string[],
): Omit<PutIntentRequest, "owner" | "force" | "requestId"> {
  if (intent === null) throw new AgentError("INVALID_ARGUMENT", "intent: required");
  return {
    eniId: field("intent.eni_id", () => parseEniId(intent.eniId)),
    mac:
      intent.macAddress === ""
        ? null
        : field("intent.mac_address", () => parseMac(intent.macAddress)),
    driver: field("intent.driver", () => parseDriverName(intent.driver, driverAllowlist)),
    generation: field("intent.generation", () => parseGeneration(intent.generation)),
  };
}

function eniIdOf(input: string): EniId {
  return field("eni_id", () => parseEniId(input));
}

export function intentHandlers(deps: IntentHandlerDeps): Pick<EniAgentServiceHandlers, IntentRpc> {
  const { intents, driverAllowlist } = deps;
  return {
    PutEniIntent: unary(deps, async (request, ctx) => {
      const wish = parseIntent(request.intent, driverAllowlist);
      const status = await served(intents).put(
        {
          ...wish,
          owner: field("owner", () => parseOwner(request.owner)),
          requestId: field("request_id", () => parseRequestId(request.requestId)),
          force: request.force,
        },
        intentCaller(ctx.caller),
      );
      return { status: eniStatusToProto(status) };
    }),

    ReleaseEni: unary(deps, async (request, ctx) => {
      const done = await served(intents).release(
        {
          eniId: eniIdOf(request.eniId),
          owner: field("owner", () => parseOwner(request.owner)),
          requestId: field("request_id", () => parseRequestId(request.requestId)),
          force: request.force,
          mode: request.mode === "RELEASE_MODE_DETACH_AND_DELETE" ? "detach-and-delete" : "restore",
        },
        intentCaller(ctx.caller),
      );
      return { outcome: `RELEASE_OUTCOME_${done.outcome}`, status: eniStatusToProto(done.status) };
    }),

    SyncEniIntents: unary(deps, async (request, ctx) => {
      const wishes = request.intents.map((i) => parseIntent(i, driverAllowlist));
      const seen = new Set<string>();
      for (const w of wishes) {
        if (seen.has(w.eniId)) {
          throw new AgentError("INVALID_ARGUMENT", `intents: ${w.eniId} is listed twice`);
        }
        seen.add(w.eniId);
      }
      const result = await served(intents).sync(
        {
          owner: field("owner", () => parseOwner(request.owner)),
          requestId: field("request_id", () => parseRequestId(request.requestId)),
          intents: wishes,
        },
        intentCaller(ctx.caller),
      );
      return {
        statuses: result.statuses.map(eniStatusToProto),
        failures: result.failures.map((f) => ({
          eniId: f.eniId,
          error: errorToProto(f.error.toJSON()),
        })),
      };
    }),

    GetEni: unary(deps, async (request) => ({
      status: eniStatusToProto(await served(intents).get(eniIdOf(request.eniId))),
    })),

    ListEnis: unary(deps, async (request) => {
      const owner = request.owner === "" ? null : field("owner", () => parseOwner(request.owner));
      return { statuses: (await served(intents).list(owner)).map(eniStatusToProto) };
    }),
  };
}

/**
 * grpc.health.v1.Health, answered from the core's own health report (journal
 * and IMDS state), never a static SERVING. Service names:
 * - "" and "eniagent.v1.EniAgentService": the agent as a whole (`serving`);
 * - each component name the core reports ("journal", "imds", ...).
 * While the server stops every name reads NOT_SERVING, so load balancers
 * drain before the listener closes.
 */
import { AgentError, toAgentError } from "../common/index.js";
import type { AgentCore } from "./agent-core.js";
import { toServiceError } from "./error-status.js";
import type { HealthHandlers } from "./generated/grpc/health/v1/Health.js";
import type { HealthCheckResponse } from "./generated/grpc/health/v1/HealthCheckResponse.js";
import { type StreamRegistry, type TrackedStream, trackStream } from "./stream-registry.js";

export const AGENT_SERVICE_NAME = "eniagent.v1.EniAgentService";

type ServingStatus = "SERVING" | "NOT_SERVING" | "SERVICE_UNKNOWN";

interface HealthDeps {
  core: AgentCore;
  /** True once the server began to stop. */
  stopping: () => boolean;
  streams: StreamRegistry;
}

/** The status of one health service name, from the core's current report. */
function servingStatus(deps: HealthDeps, service: string): ServingStatus {
  const health = deps.core.health();
  let healthy: boolean;
  if (service === "" || service === AGENT_SERVICE_NAME) {
    healthy = health.serving;
  } else {
    const component = health.components.find((c) => c.name === service);
    if (component === undefined) return "SERVICE_UNKNOWN";
    healthy = component.healthy;
  }
  return healthy && !deps.stopping() ? "SERVING" : "NOT_SERVING";
}

export function healthHandlers(deps: HealthDeps): HealthHandlers {
  return {
    Check: (call, callback) => {
      let status: ServingStatus;
      try {
        status = servingStatus(deps, call.request.service);
      } catch (err) {
        callback(toServiceError(err));
        return;
      }
      if (status === "SERVICE_UNKNOWN") {
        const error = new AgentError(
          "NOT_FOUND",
          `unknown health service: ${call.request.service}`,
          {
            remedy: `ask for "" or "${AGENT_SERVICE_NAME}"`,
          },
        );
        callback(toServiceError(error));
        return;
      }
      callback(null, { status });
    },

    Watch: (call) => {
      const service = call.request.service;
      let last: ServingStatus | null = null;
      let stream: TrackedStream | null = null;
      const send = (status: ServingStatus): void => {
        if (status === last || stream?.ended === true) return;
        last = status;
        call.write({ status } satisfies HealthCheckResponse);
      };
      try {
        stream = trackStream(call, deps.streams, (s) => {
          send("NOT_SERVING");
          s.finish(null);
        });
        stream.onEnd(
          deps.core.subscribeEvents((event) => {
            if (event.kind === "health_changed") send(servingStatus(deps, service));
          }),
        );
        send(servingStatus(deps, service));
      } catch (err) {
        if (stream === null) call.emit("error", toServiceError(err));
        else stream.finish(toAgentError(err));
      }
    },
  };
}

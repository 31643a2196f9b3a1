/**
 * WatchEvents: one core subscription per stream, filtered at the edge.
 *
 * Response headers go out once the subscription is active, so a client that
 * lists devices after receiving them misses nothing. A client that stops
 * reading is not allowed to grow the server's memory: once `maxQueuedEvents`
 * are buffered for it, its HTTP/2 stream is reset (RST_STREAM
 * ENHANCE_YOUR_CALM, which grpc-js clients read as RESOURCE_EXHAUSTED), which
 * drops everything queued for it; it must re-list and watch again.
 */
import * as grpc from "@grpc/grpc-js";
import { AgentError, type PciAddress, toAgentError } from "../common/index.js";
import type { AgentCore } from "./agent-core.js";
import type { ListenerPolicy } from "./authorize.js";
import { identify } from "./authorize.js";
import type { AgentEvent } from "./core-types.js";
import { toServiceError } from "./error-status.js";
import type { WatchEventsRequest__Output } from "./generated/eniagent/v1/WatchEventsRequest.js";
import type { WatchEventsResponse } from "./generated/eniagent/v1/WatchEventsResponse.js";
import { peerCertificate } from "./guard-service.js";
import { type StreamRegistry, type TrackedStream, trackStream } from "./stream-registry.js";
import { eventToProto } from "./to-proto.js";
import { parseWatchFilter, type WatchFilter } from "./validate.js";

export interface WatchDeps {
  core: AgentCore;
  policy: ListenerPolicy;
  streams: StreamRegistry;
  maxQueuedEvents: number;
}

/** The device an event is about; null for host-wide events (termination, health). */
export function eventDevice(event: AgentEvent): PciAddress | null {
  switch (event.kind) {
    case "device_added":
      return event.device.pciAddress;
    case "operation_progress":
    case "operation_result":
      return event.operation.pciAddress;
    case "device_removed":
    case "driver_changed":
    case "drift_found":
    case "eni_released":
    case "confirmation_pending":
    case "confirmed":
    case "reverted_unconfirmed":
      return event.pciAddress;
    case "eni_phase_changed":
      return event.status.pciAddress as PciAddress | null;
    case "termination_notice":
    case "termination_planned":
    case "health_changed":
      return null;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

/** The ENI a contract event or a release is about; null for the others. */
function eventEni(event: AgentEvent): string | null {
  if (event.kind === "eni_phase_changed") return event.status.eniId;
  if (event.kind === "eni_released") return event.eniId;
  return null;
}

export function matchesFilter(filter: WatchFilter, event: AgentEvent): boolean {
  if (filter.kinds !== null && !filter.kinds.has(event.kind)) return false;
  if (filter.owner !== null && event.kind === "eni_phase_changed") {
    if (event.status.owner !== filter.owner) return false;
  }
  if (filter.eniId !== null) {
    const eni = eventEni(event);
    if (eni !== null && eni !== filter.eniId) return false;
  }
  if (filter.pciAddress === null) return true;
  const device = eventDevice(event);
  return device === null || device === filter.pciAddress;
}

export function watchEventsHandler(
  deps: WatchDeps,
): grpc.handleServerStreamingCall<WatchEventsRequest__Output, WatchEventsResponse> {
  return (call) => {
    let filter: WatchFilter;
    let stream: TrackedStream;
    try {
      identify(deps.policy, peerCertificate(call));
      filter = parseWatchFilter(call.request);
      stream = trackStream(call, deps.streams, (s) =>
        s.finish(new AgentError("UNAVAILABLE", "the server is stopping")),
      );
    } catch (err) {
      call.emit("error", toServiceError(err));
      return;
    }
    const onEvent = (event: AgentEvent): void => {
      if (stream.ended || !matchesFilter(filter, event)) return;
      if (call.writableLength >= deps.maxQueuedEvents) {
        stream.reset(
          new AgentError(
            "UNAVAILABLE",
            `this watcher fell ${call.writableLength} events behind and was dropped`,
            { remedy: "read the stream faster, or list again and start a new watch" },
          ),
        );
        return;
      }
      // The listener runs inside the core's emit loop: a bad event ends this
      // stream, it must never throw into the core.
      try {
        call.write({ event: eventToProto(event) });
      } catch (err) {
        stream.finish(toAgentError(err));
      }
    };
    try {
      stream.onEnd(deps.core.subscribeEvents(onEvent));
    } catch (err) {
      stream.finish(toAgentError(err));
      return;
    }
    call.sendMetadata(new grpc.Metadata());
  };
}

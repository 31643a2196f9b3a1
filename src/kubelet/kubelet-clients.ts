/**
 * The two calls the agent makes to kubelet, each over its Unix socket with a
 * deadline: Register (device plugin API) and List (pod resources API).
 * Failures reject with AgentError: UNAVAILABLE when kubelet did not answer
 * (no socket, refused, deadline), FAILED_PRECONDITION when it answered with
 * a refusal (its message kept).
 */
import * as grpc from "@grpc/grpc-js";
import { AgentError } from "../common/index.js";
import type { PodResources__Output } from "./generated/v1/PodResources.js";
import type { RegisterRequest } from "./generated/v1beta1/RegisterRequest.js";
import { kubeletApi } from "./kubelet-api.js";

/** One container's hold on devices, as kubelet reports it. */
export interface PodDeviceHolder {
  namespace: string;
  pod: string;
  container: string;
  resource: string;
}

function failure(what: string, socket: string, err: grpc.ServiceError): AgentError {
  const answered =
    err.code !== grpc.status.UNAVAILABLE && err.code !== grpc.status.DEADLINE_EXCEEDED;
  return new AgentError(
    answered ? "FAILED_PRECONDITION" : "UNAVAILABLE",
    `${what} at ${socket}: ${err.details || err.message}`,
    {
      path: socket,
      remedy: answered
        ? "see kubelet's log for why"
        : "check that kubelet runs and its socket is mounted into the agent",
      cause: err,
    },
  );
}

function deadline(ms: number): Date {
  return new Date(Date.now() + ms);
}

/** Registers one resource with kubelet; resolves once kubelet accepted it. */
export function registerWithKubelet(
  kubeletSocket: string,
  request: RegisterRequest,
  timeoutMs: number,
): Promise<void> {
  const { Registration } = kubeletApi().devicePluginProto.v1beta1;
  const client = new Registration(`unix:${kubeletSocket}`, grpc.credentials.createInsecure());
  return new Promise<void>((resolve, reject) => {
    client.Register(request, { deadline: deadline(timeoutMs) }, (err) => {
      client.close();
      if (err) reject(failure(`kubelet refused ${request.resourceName}`, kubeletSocket, err));
      else resolve();
    });
  });
}

/** Every container kubelet reports holding `deviceId`, under any resource. */
export function podsHolding(pods: readonly PodResources__Output[], deviceId: string) {
  const out: PodDeviceHolder[] = [];
  for (const pod of pods) {
    for (const container of pod.containers) {
      for (const devices of container.devices) {
        if (devices.deviceIds.includes(deviceId)) {
          out.push({
            namespace: pod.namespace,
            pod: pod.name,
            container: container.name,
            resource: devices.resourceName,
          });
        }
      }
    }
  }
  return out;
}

/** kubelet's pod resources List: the pods it considers active and their devices. */
export function listPodResources(
  socket: string,
  timeoutMs: number,
): Promise<PodResources__Output[]> {
  const { PodResourcesLister } = kubeletApi().podResourcesProto.v1;
  const client = new PodResourcesLister(`unix:${socket}`, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.List({}, { deadline: deadline(timeoutMs) }, (err, response) => {
      client.close();
      if (err || response === undefined) {
        const error = err ?? Object.assign(new Error("no answer"), { code: grpc.status.UNKNOWN });
        reject(failure("kubelet's pod resources list failed", socket, error as grpc.ServiceError));
      } else resolve(response.podResources);
    });
  });
}

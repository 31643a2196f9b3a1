/**
 * The gRPC server of one pool (one extended resource) on its own socket in
 * kubelet's device plugin directory: kubelet dials it after Register and
 * keeps one ListAndWatch stream open per connection.
 *
 * The socket is owned by a GatedListener, as the agent's own listeners are:
 * a few connections at most (kubelet needs one; a new kubelet a second
 * while the old one's closes), and a connection must speak HTTP/2 in time.
 *
 * Every open stream gets the pool's list at once and after every change,
 * moved from what that stream last got (pool-device.ts: a Healthy device
 * that leaves is sent Unhealthy first). A stream that cannot take more
 * (kubelet not reading) is sent the newest state once it drains, never a
 * queue of old ones.
 */
import * as grpc from "@grpc/grpc-js";
import { toAgentError } from "../common/index.js";
import { toServiceError } from "../server/error-status.js";
import { GatedListener } from "../server/gated-listener.js";
import {
  finishUnixSocket,
  prepareUnixSocket,
  removeUnixSocket,
  type UnixSocketSpec,
} from "../server/unix-socket.js";
import { allocateContainer } from "./allocate-response.js";
import type { DevicePluginHandlers } from "./generated/v1beta1/DevicePlugin.js";
import type { ListAndWatchResponse } from "./generated/v1beta1/ListAndWatchResponse.js";
import { kubeletApi } from "./kubelet-api.js";
import { type DeviceList, listsToSend, type PoolDevice } from "./pool-device.js";
import { preferredAllocation } from "./preferred-allocation.js";
import type { ResourceName } from "./resource-name.js";

interface PoolServerDeps {
  /** Devices a container got (Allocate answered), for the restore guard. */
  allocated(devices: readonly string[]): void;
  log?: {
    info(fields: object, message: string): void;
    warn(fields: object, message: string): void;
  };
}

interface PoolServerOptions {
  resource: ResourceName;
  /** The socket's absolute path. */
  path: string;
  /** A connection must send the HTTP/2 preface within this. */
  prefaceTimeoutMs: number;
}

/** Connections at once: kubelet holds one; a restarted kubelet a second for a while. */
const MAX_CONNECTIONS = 4;

interface Stream {
  call: grpc.ServerWritableStream<unknown, ListAndWatchResponse>;
  sent: DeviceList | null;
  blocked: boolean;
}

export class PoolServer {
  readonly #deps: PoolServerDeps;
  readonly #options: PoolServerOptions;
  readonly #streams = new Set<Stream>();
  #devices: DeviceList = [];
  #server: grpc.Server | null = null;
  #gate: GatedListener | null = null;
  #ino: number | null = null;
  /** Lists sent on all streams since start, for tests and benchmarks. */
  #sends = 0;

  constructor(deps: PoolServerDeps, options: PoolServerOptions) {
    this.#deps = deps;
    this.#options = options;
  }

  get resource(): ResourceName {
    return this.#options.resource;
  }

  /** The socket's absolute path. */
  get path(): string {
    return this.#options.path;
  }

  get listening(): boolean {
    return this.#server !== null;
  }

  get openStreams(): number {
    return this.#streams.size;
  }

  get listsSent(): number {
    return this.#sends;
  }

  /** The list kubelet is told now. */
  devices(): DeviceList {
    return this.#devices;
  }

  /** Listens on the socket (a stale one left by a crash is replaced; a live one refused). */
  async listen(): Promise<void> {
    if (this.#server !== null) return;
    const spec: UnixSocketSpec = {
      path: this.#options.path,
      mode: 0o600,
      directoryMode: 0o750,
      gid: null,
    };
    await prepareUnixSocket(spec, 1_000);
    const server = new grpc.Server();
    server.addService(kubeletApi().devicePlugin, this.#handlers());
    const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    const gate = new GatedListener(
      {
        inject: (connection) => injector.injectConnection(connection),
        name: `device-plugin ${this.#options.resource}`,
        log: this.#deps.log,
      },
      {
        address: { kind: "unix", path: spec.path },
        maxConnections: MAX_CONNECTIONS,
        prefaceTimeoutMs: this.#options.prefaceTimeoutMs,
      },
    );
    this.#server = server;
    this.#gate = gate;
    try {
      await gate.listen();
      this.#ino = await finishUnixSocket(spec);
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** Ends the streams and connections, and removes the socket if it is still ours. Idempotent. */
  async close(): Promise<void> {
    const server = this.#server;
    const gate = this.#gate;
    this.#server = null;
    this.#gate = null;
    for (const stream of this.#streams) stream.call.end();
    this.#streams.clear();
    gate?.stopAccepting();
    server?.forceShutdown();
    gate?.destroyAll();
    if (this.#ino !== null) await removeUnixSocket(this.#options.path, this.#ino);
    this.#ino = null;
  }

  /** The pool changed: every open stream is moved to `devices` (in PCI address order). */
  update(devices: DeviceList): void {
    this.#devices = devices;
    for (const stream of this.#streams) this.#send(stream);
  }

  #send(stream: Stream): void {
    if (stream.blocked) return;
    for (const list of listsToSend(stream.sent, this.#devices)) {
      stream.sent = list;
      this.#sends++;
      const more = stream.call.write({ devices: list.map(toApiDevice) });
      if (!more) {
        // The newest state goes out when it drains (see the header).
        stream.blocked = true;
        stream.call.once("drain", () => {
          stream.blocked = false;
          if (this.#streams.has(stream)) this.#send(stream);
        });
        return;
      }
    }
  }

  #handlers(): DevicePluginHandlers {
    return {
      GetDevicePluginOptions: (_call, callback) =>
        callback(null, { preStartRequired: false, getPreferredAllocationAvailable: true }),
      ListAndWatch: (call) => {
        const stream: Stream = { call, sent: null, blocked: false };
        this.#streams.add(stream);
        const forget = () => this.#streams.delete(stream);
        call.on("cancelled", forget);
        call.on("close", forget);
        call.on("error", forget);
        this.#send(stream);
      },
      GetPreferredAllocation: (call, callback) => {
        const numa = new Map(this.#devices.map((d) => [d.id as string, d.numaNode]));
        const containerResponses = call.request.containerRequests.map((r) => ({
          deviceIDs: preferredAllocation(
            r.availableDeviceIDs.map((id) => ({ id, numaNode: numa.get(id) ?? null })),
            r.mustIncludeDeviceIDs,
            r.allocationSize,
          ),
        }));
        callback(null, { containerResponses });
      },
      Allocate: (call, callback) => {
        const byId = new Map<string, PoolDevice>(this.#devices.map((d) => [d.id, d]));
        try {
          const containerResponses = call.request.containerRequests.map((r) =>
            allocateContainer(this.#options.resource, r.devicesIds, byId),
          );
          const ids = call.request.containerRequests.flatMap((r) => r.devicesIds);
          this.#deps.allocated(ids);
          this.#deps.log?.info(
            { resource: this.#options.resource, devices: ids },
            "devices allocated to a container",
          );
          callback(null, { containerResponses });
        } catch (err) {
          const error = toAgentError(err);
          this.#deps.log?.warn(
            { resource: this.#options.resource, err: error },
            "allocation refused",
          );
          callback(toServiceError(error));
        }
      },
      PreStartContainer: (_call, callback) => callback(null, {}),
    };
  }
}

function toApiDevice(device: PoolDevice): NonNullable<ListAndWatchResponse["devices"]>[number] {
  return {
    ID: device.id,
    health: device.health,
    topology: device.numaNode === null ? null : { nodes: [{ ID: device.numaNode }] },
  };
}

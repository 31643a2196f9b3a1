/**
 * A fake kubelet for the device plugin tests, built from the same v1beta1
 * and pod resources messages as the plugin (src/kubelet/generated), and
 * behaving as kubelet's device manager does where the plugin can tell
 * (k8s.io/kubernetes pkg/kubelet/cm/devicemanager: plugin/v1beta1
 * server.go, handler.go, client.go; manager.go; read for this):
 *
 * - start: removes every socket in the directory (files that are not
 *   sockets, such as kubelet's checkpoint, stay), then serves Registration
 *   on kubelet.sock;
 * - Register: refuses a version other than v1beta1 and a name that is not
 *   an extended resource name; dials `<dir>/<endpoint>` (blocking, bounded),
 *   asks GetDevicePluginOptions, and only then answers; then it reads
 *   ListAndWatch until the stream ends, keeping every list;
 * - a stream that ends marks the resource's devices unhealthy (kubelet's
 *   PluginDisconnected);
 * - Allocate and GetPreferredAllocation are sent as kubelet sends them, one
 *   container per call;
 * - restart: stops (closes the plugin connections and its server) and
 *   starts again, which wipes the plugins' sockets;
 * - pod resources: List answers the assignments a test declares.
 */
import { lstat, mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import type { PodResources } from "../../src/kubelet/generated/v1/PodResources.js";
import type { PodResourcesListerHandlers } from "../../src/kubelet/generated/v1/PodResourcesLister.js";
import type { AllocateResponse__Output } from "../../src/kubelet/generated/v1beta1/AllocateResponse.js";
import type { Device__Output } from "../../src/kubelet/generated/v1beta1/Device.js";
import type { DevicePluginClient } from "../../src/kubelet/generated/v1beta1/DevicePlugin.js";
import type { DevicePluginOptions__Output } from "../../src/kubelet/generated/v1beta1/DevicePluginOptions.js";
import type { ListAndWatchResponse__Output } from "../../src/kubelet/generated/v1beta1/ListAndWatchResponse.js";
import type { RegistrationHandlers } from "../../src/kubelet/generated/v1beta1/Registration.js";
import { kubeletApi } from "../../src/kubelet/kubelet-api.js";

export interface ReceivedList {
  devices: Device__Output[];
  /** What the test's probe said when the list arrived (e.g. the device's driver then). */
  seen: unknown;
  at: number;
}

interface Endpoint {
  resource: string;
  socket: string;
  client: DevicePluginClient;
  options: DevicePluginOptions__Output;
  stream: grpc.ClientReadableStream<ListAndWatchResponse__Output> | null;
  connected: boolean;
}

export interface FakeKubeletOptions {
  /** The device plugin directory (kubelet.sock goes here). */
  directory: string;
  /** Where pod resources is served. */
  podResourcesSocket: string;
  /** Called as each list arrives; its answer is kept with the list. */
  probe?: () => unknown;
}

const EXTENDED = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export class FakeKubelet {
  readonly options: FakeKubeletOptions;
  /** Every list received, per resource, across restarts. */
  readonly lists = new Map<string, ReceivedList[]>();
  /** Register calls, accepted or not. */
  readonly registrations: { resource: string; endpoint: string; accepted: boolean }[] = [];
  #server: grpc.Server | null = null;
  #podServer: grpc.Server | null = null;
  #endpoints = new Map<string, Endpoint>();
  #pods: PodResources[] = [];
  #refuse: string | null = null;
  #waiters = new Set<{
    resource: string;
    match: (l: ReceivedList) => boolean;
    done: (l: ReceivedList) => void;
  }>();

  constructor(options: FakeKubeletOptions) {
    this.options = options;
  }

  get kubeletSocket(): string {
    return join(this.options.directory, "kubelet.sock");
  }

  async start(): Promise<void> {
    await mkdir(this.options.directory, { recursive: true, mode: 0o750 });
    for (const name of await readdir(this.options.directory)) {
      const path = join(this.options.directory, name);
      if ((await lstat(path)).isSocket()) await rm(path, { force: true });
    }
    const server = new grpc.Server();
    const registration: RegistrationHandlers = {
      Register: (call, callback) => {
        const { version, endpoint, resourceName } = call.request;
        const record = { resource: resourceName, endpoint, accepted: false };
        this.registrations.push(record);
        if (this.#refuse !== null)
          return callback({ code: grpc.status.UNKNOWN, details: this.#refuse });
        if (version !== "v1beta1") {
          return callback({
            code: grpc.status.UNKNOWN,
            details: `version ${version} is not supported`,
          });
        }
        if (!EXTENDED.test(resourceName) || resourceName.includes("kubernetes.io/")) {
          return callback({ code: grpc.status.UNKNOWN, details: `invalid name ${resourceName}` });
        }
        this.#connect(resourceName, join(this.options.directory, endpoint)).then(
          () => {
            record.accepted = true;
            callback(null, {});
          },
          (err: Error) => callback({ code: grpc.status.UNKNOWN, details: err.message }),
        );
      },
    };
    server.addService(kubeletApi().registration, registration);
    await bind(server, this.kubeletSocket);
    this.#server = server;
    if (this.#podServer === null) {
      const pods = new grpc.Server();
      const lister: PodResourcesListerHandlers = {
        List: (_call, callback) => callback(null, { podResources: this.#pods }),
      };
      pods.addService(kubeletApi().podResources, lister);
      await bind(pods, this.options.podResourcesSocket);
      this.#podServer = pods;
    }
  }

  /** Stops as kubelet does: plugin connections closed, registration server gone. */
  async stop(): Promise<void> {
    for (const e of this.#endpoints.values()) this.#disconnect(e);
    this.#endpoints.clear();
    this.#server?.forceShutdown();
    this.#server = null;
    await rm(this.kubeletSocket, { force: true });
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async close(): Promise<void> {
    await this.stop();
    this.#podServer?.forceShutdown();
    this.#podServer = null;
  }

  /** From now on Register answers this error (null: accept again). */
  refuseRegistrations(reason: string | null): void {
    this.#refuse = reason;
  }

  /** What pod resources List reports. */
  setPods(pods: PodResources[]): void {
    this.#pods = pods;
  }

  /** The pod resources server stops answering (socket closed), or starts again. */
  async podResourcesDown(): Promise<void> {
    this.#podServer?.forceShutdown();
    this.#podServer = null;
    await rm(this.options.podResourcesSocket, { force: true });
  }

  options_(resource: string): DevicePluginOptions__Output | undefined {
    return this.#endpoints.get(resource)?.options;
  }

  connected(resource: string): boolean {
    return this.#endpoints.get(resource)?.connected ?? false;
  }

  /** Resolves with the first list of `resource` that arrives from now on and matches. */
  nextList(resource: string, match: (list: ReceivedList) => boolean): Promise<ReceivedList> {
    return new Promise((done) => this.#waiters.add({ resource, match, done }));
  }

  /** The last list of a resource, or undefined before any. */
  latest(resource: string): Device__Output[] | undefined {
    return this.lists.get(resource)?.at(-1)?.devices;
  }

  /** The devices of the last list, as "id:Health". */
  summary(resource: string): string[] {
    return (this.latest(resource) ?? []).map((d) => `${d.ID}:${d.health}`);
  }

  allocate(resource: string, ids: string[]): Promise<AllocateResponse__Output> {
    const e = this.#endpoint(resource);
    return new Promise((resolve, reject) =>
      e.client.Allocate({ containerRequests: [{ devicesIds: ids }] }, (err, res) =>
        err || !res ? reject(err) : resolve(res),
      ),
    );
  }

  preferred(resource: string, available: string[], mustInclude: string[], size: number) {
    const e = this.#endpoint(resource);
    return new Promise<string[]>((resolve, reject) =>
      e.client.GetPreferredAllocation(
        {
          containerRequests: [
            {
              availableDeviceIDs: available,
              mustIncludeDeviceIDs: mustInclude,
              allocationSize: size,
            },
          ],
        },
        (err, res) =>
          err || !res ? reject(err) : resolve(res.containerResponses[0]?.deviceIDs ?? []),
      ),
    );
  }

  #endpoint(resource: string): Endpoint {
    const e = this.#endpoints.get(resource);
    if (e === undefined) throw new Error(`${resource} is not registered`);
    return e;
  }

  async #connect(resource: string, socket: string): Promise<void> {
    const { DevicePlugin } = kubeletApi().devicePluginProto.v1beta1;
    const client = new DevicePlugin(`unix:${socket}`, grpc.credentials.createInsecure());
    await new Promise<void>((resolve, reject) =>
      client.waitForReady(new Date(Date.now() + 10_000), (err) => (err ? reject(err) : resolve())),
    );
    const options = await new Promise<DevicePluginOptions__Output>((resolve, reject) =>
      client.GetDevicePluginOptions({}, (err, res) => (err || !res ? reject(err) : resolve(res))),
    );
    const old = this.#endpoints.get(resource);
    if (old !== undefined) this.#disconnect(old);
    const endpoint: Endpoint = { resource, socket, client, options, stream: null, connected: true };
    this.#endpoints.set(resource, endpoint);
    const stream = client.ListAndWatch({});
    endpoint.stream = stream;
    stream.on("data", (response: ListAndWatchResponse__Output) => {
      const lists = this.lists.get(resource) ?? [];
      const list = {
        devices: response.devices,
        seen: this.options.probe?.(),
        at: performance.now(),
      };
      lists.push(list);
      this.lists.set(resource, lists);
      for (const w of this.#waiters) {
        if (w.resource === resource && w.match(list)) {
          this.#waiters.delete(w);
          w.done(list);
        }
      }
    });
    const ended = () => {
      if (!endpoint.connected) return;
      endpoint.connected = false;
      // kubelet marks every device of a disconnected resource unhealthy.
      const lists = this.lists.get(resource) ?? [];
      const last = lists.at(-1);
      if (last !== undefined) {
        lists.push({
          devices: last.devices.map((d) => ({ ...d, health: "Unhealthy" })),
          seen: "disconnected",
          at: performance.now(),
        });
      }
    };
    stream.on("error", ended);
    stream.on("end", ended);
  }

  #disconnect(e: Endpoint): void {
    e.stream?.cancel();
    e.client.close();
  }
}

function bind(server: grpc.Server, path: string): Promise<void> {
  return new Promise((resolve, reject) =>
    server.bindAsync(`unix:${path}`, grpc.ServerCredentials.createInsecure(), (err) =>
      err ? reject(err) : resolve(),
    ),
  );
}

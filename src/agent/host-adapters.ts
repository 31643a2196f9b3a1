/**
 * The ports the daemon runs on, built from the configuration: the real host
 * (sysfs, procfs, the journal files, IMDS) or, for `serve --simulate` and the
 * tests, the kernel simulator with a fake IMDS and a fake EC2 (see
 * simulated-host.ts). The rest of the agent cannot tell them apart.
 */
import { release } from "node:os";
import { ImdsClient, type MetadataReader } from "../aws/index.js";
import type { Service } from "../common/index.js";
import {
  type AddressProvider,
  type DesiredStore,
  FileDesiredStore,
  FileJournal,
  type Journal,
} from "../driver/index.js";
import {
  type DefaultRouteReader,
  type HolderScanner,
  InterfaceAddresses,
  RealDefaultRouteReader,
  RealHolderScanner,
  RealSysfs,
  type Sysfs,
} from "../sysfs/index.js";
import type { AgentConfig } from "./config-schema.js";

export interface HostAdapters {
  readonly mode: "real" | "simulated";
  readonly sysfs: Sysfs;
  readonly holders: HolderScanner;
  readonly routes: DefaultRouteReader;
  readonly addresses: AddressProvider;
  readonly kernelRelease: string;
  readonly journal: Journal;
  readonly desired: DesiredStore;
  /** null when IMDS is disabled. */
  readonly imds: MetadataReader | null;
  /** Where `imds` asks, for reports. */
  readonly imdsEndpoint: () => string;
  /** Where the EC2 client goes (null: the Region's public endpoint), once it is known. */
  readonly ec2Endpoint: () => string | null;
  /** Where the Auto Scaling client goes (null: the Region's public endpoint). */
  readonly autoScalingEndpoint: () => string | null;
  /** For both clients. Default: the SDK's provider chain (the instance role). */
  readonly ec2Credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Owned by the adapters (simulated endpoints): started first, stopped last. */
  readonly services: readonly Service[];
}

/** An IMDS reader that keeps connections: close() at stop closes them. */
interface ClosableImds extends MetadataReader {
  close(): void;
}

/** An IMDS client built on first use: a simulated endpoint is known only once it listens. */
export function lazyImds(create: () => ClosableImds): ClosableImds {
  let client: ClosableImds | null = null;
  return {
    get(path, options) {
      client ??= create();
      return client.get(path, options);
    },
    close() {
      client?.close();
      client = null;
    },
  };
}

/** Closes the IMDS client's kept connections at stop (the adapters' services stop last). */
export function imdsConnections(imds: ClosableImds | null): Service[] {
  if (imds === null) return [];
  return [
    {
      name: "imds-connections",
      start: async () => undefined,
      stop: async () => imds.close(),
    },
  ];
}

export function imdsClientFor(config: AgentConfig, endpoint = config.imds.endpoint): ImdsClient {
  return new ImdsClient({}, { endpoint, requestTimeoutMs: config.imds.requestTimeoutMs });
}

export function realAdapters(config: AgentConfig): HostAdapters {
  const imds = config.imds.enabled ? imdsClientFor(config) : null;
  return {
    mode: "real",
    sysfs: new RealSysfs({ root: config.sysfsRoot }),
    holders: new RealHolderScanner({ procRoot: config.procRoot }),
    // procfs route tables never block; through the thread pool a read costs
    // four round trips and competes with a move's sysfs reads.
    routes: new RealDefaultRouteReader({ procRoot: config.procRoot, blockingReads: true }),
    addresses: new InterfaceAddresses(),
    kernelRelease: release(),
    journal: new FileJournal({ stateDir: config.stateDir }),
    desired: new FileDesiredStore({ stateDir: config.stateDir }),
    imds,
    imdsEndpoint: () => config.imds.endpoint,
    ec2Endpoint: () => config.ec2.endpoint,
    autoScalingEndpoint: () => config.autoScaling.endpoint,
    services: imdsConnections(imds),
  };
}

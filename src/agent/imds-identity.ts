/**
 * The instance's and its ENIs' identity from IMDS, kept fresh by an owned
 * poll job: the instance id, Region, type and primary MAC, and for every
 * attached ENI its id and device number. Refreshed on an interval and on
 * demand (a hot-attached device, a binding keyed by an ENI id not seen yet).
 * A failed refresh keeps the last good map and only changes the status.
 */

import {
  type EniIdentity,
  type MetadataReader,
  readInstanceIdentity,
  refreshEniIdentities,
} from "../aws/index.js";
import {
  type AgentError,
  type EniId,
  type Mac,
  PeriodicJob,
  type Service,
  toAgentError,
} from "../common/index.js";

export interface InstanceInfo {
  instanceId: string;
  /** null when IMDS names no Region (ec2.region then decides). */
  region: string | null;
  primaryMac: Mac;
  instanceType: string;
  availabilityZone: string;
}

export interface ImdsStatus {
  enabled: boolean;
  reachable: boolean;
  lastSuccessAt: Date | null;
  /** Empty after a successful refresh. */
  lastError: string;
  consecutiveErrors: number;
}

interface ImdsIdentityDeps {
  /** null: IMDS is disabled in the configuration. */
  imds: MetadataReader | null;
  /** Every failed refresh, for logs and metrics. */
  onError?: (error: AgentError) => void;
  /** After every successful refresh. */
  onRefresh?: () => void;
}

interface ImdsIdentityOptions {
  /** Read before every wait, so a reload takes effect at the next round. */
  intervalMs: () => number;
}

export class ImdsIdentity implements Service {
  readonly name = "imds-identity";
  readonly #deps: ImdsIdentityDeps;
  #instance: InstanceInfo | null = null;
  #enis = new Map<Mac, EniIdentity>();
  #status: ImdsStatus;
  #inflight: Promise<void> | null = null;
  readonly #job: PeriodicJob;

  constructor(deps: ImdsIdentityDeps, options: ImdsIdentityOptions) {
    this.#deps = deps;
    this.#job = new PeriodicJob(
      "imds-identity",
      { intervalMs: options.intervalMs, runFirst: true },
      (signal) => this.refresh(signal),
    );
    this.#status = {
      enabled: deps.imds !== null,
      reachable: false,
      lastSuccessAt: null,
      lastError: deps.imds === null ? "disabled in the configuration" : "not asked yet",
      consecutiveErrors: 0,
    };
  }

  /**
   * Starts the poll job and waits for its first refresh (bounded by the IMDS
   * client's per-call budget), so the primary ENI is known before the API
   * takes requests; IMDS being down does not fail the start.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.#deps.imds === null || this.#job.signal !== null) return;
    await this.#job.start(signal);
    await this.#inflight;
  }

  async stop(): Promise<void> {
    await this.#job.stop();
    await this.#inflight?.catch(() => undefined);
  }

  /** Refreshes now (joining a refresh in flight). Never rejects: failures go to the status. */
  refresh(signal?: AbortSignal): Promise<void> {
    this.#inflight ??= this.#refresh(signal).finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  instance(): InstanceInfo | null {
    return this.#instance;
  }

  byMac(mac: Mac): EniIdentity | undefined {
    return this.#enis.get(mac);
  }

  /** The MAC of an attached ENI; refreshes once when it is not known yet. */
  async eniMac(eniId: EniId): Promise<Mac | null> {
    const find = () => [...this.#enis.values()].find((e) => e.eniId === eniId)?.mac ?? null;
    const known = find();
    if (known !== null || this.#deps.imds === null) return known;
    await this.refresh(this.#job.signal ?? undefined);
    return find();
  }

  status(): ImdsStatus {
    return { ...this.#status };
  }

  async #refresh(signal?: AbortSignal): Promise<void> {
    const imds = this.#deps.imds;
    if (imds === null) return;
    const options = signal ? { signal } : {};
    try {
      const instance = await readInstanceIdentity(imds, options);
      const [enis, document] = await Promise.all([
        refreshEniIdentities(imds, { ...options, primaryMac: instance.primaryMac }),
        imds.get("/latest/dynamic/instance-identity/document", options),
      ]);
      const doc = document.kind === "found" ? parseDocument(document.body) : {};
      this.#instance = {
        ...instance,
        instanceType: doc.instanceType ?? "",
        availabilityZone: doc.availabilityZone ?? "",
      };
      this.#enis = enis;
      this.#status = {
        enabled: true,
        reachable: true,
        lastSuccessAt: new Date(),
        lastError: "",
        consecutiveErrors: 0,
      };
      this.#deps.onRefresh?.();
    } catch (err) {
      if (signal?.aborted) return;
      const error = toAgentError(err);
      this.#status = {
        ...this.#status,
        reachable: false,
        lastError: error.message,
        consecutiveErrors: this.#status.consecutiveErrors + 1,
      };
      this.#deps.onError?.(error);
    }
  }
}

function parseDocument(text: string): { instanceType?: string; availabilityZone?: string } {
  try {
    const doc = JSON.parse(text) as Record<string, unknown>;
    return {
      instanceType: typeof doc.instanceType === "string" ? doc.instanceType : undefined,
      availabilityZone: typeof doc.availabilityZone === "string" ? doc.availabilityZone : undefined,
    };
  } catch {
    return {};
  }
}

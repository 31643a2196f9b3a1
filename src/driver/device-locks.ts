/**
 * One lock per device, and a bound on how many devices move at once.
 *
 * A request for a device that is already moving either joins the running
 * operation (same request: same kind and target) or fails fast with ABORTED
 * "busy", naming the running operation. Conflicting requests are not queued:
 * a queue would run a stale intent after a newer one and hide that two
 * callers disagree about the device; the caller that lost can look at the
 * running operation and decide.
 */
import { AgentError, type PciAddress, Semaphore } from "../common/index.js";

interface LockRequest {
  /** Identifies equivalent requests: e.g. "bind:vfio-pci". Same key → join. */
  key: string;
  operationId: string;
  /** For messages: "bind to vfio-pci". */
  label: string;
}

/**
 * Handed to the locked function. `hold()` keeps the device locked after the
 * function returns, until `release()`: a write stuck in the kernel keeps its
 * device locked until the write returns.
 */
export interface Lease {
  hold(reason: string): void;
  release(): void;
}

interface Entry {
  request: LockRequest;
  promise: Promise<unknown>;
  /** Set while held past the function's end. */
  heldFor: string | null;
}

export class DeviceLocks {
  readonly #entries = new Map<PciAddress, Entry>();
  readonly #parallel: Semaphore;

  /** `maxParallel`: devices that may run transactions at the same time. */
  constructor(options: { maxParallel: number }) {
    this.#parallel = new Semaphore(options.maxParallel);
  }

  /** The operation holding a device, if any. */
  holder(
    device: PciAddress,
  ): { operationId: string; label: string; heldFor: string | null } | null {
    const entry = this.#entries.get(device);
    if (!entry) return null;
    return {
      operationId: entry.request.operationId,
      label: entry.request.label,
      heldFor: entry.heldFor,
    };
  }

  /**
   * Runs `fn` with the device locked. Returns `{ joined: true }` results of
   * an identical running request. Throws ABORTED when another request holds
   * the device (or a stuck write does).
   */
  run<T>(
    device: PciAddress,
    request: LockRequest,
    fn: (lease: Lease) => Promise<T>,
  ): { promise: Promise<T>; joined: boolean; operationId: string } {
    const current = this.#entries.get(device);
    if (current) {
      if (current.heldFor === null && current.request.key === request.key) {
        return {
          promise: current.promise as Promise<T>,
          joined: true,
          operationId: current.request.operationId,
        };
      }
      throw busyError(device, current);
    }
    let held = false;
    const entry: Entry = { request, promise: Promise.resolve(), heldFor: null };
    const release = (): void => {
      if (this.#entries.get(device) === entry) this.#entries.delete(device);
    };
    const lease: Lease = {
      hold: (reason) => {
        held = true;
        entry.heldFor = reason;
      },
      release,
    };
    this.#entries.set(device, entry);
    const promise = this.#parallel
      .run(() => fn(lease))
      .finally(() => {
        if (!held) release();
      });
    entry.promise = promise;
    return { promise, joined: false, operationId: request.operationId };
  }
}

function busyError(device: PciAddress, entry: Entry): AgentError {
  const { operationId, label } = entry.request;
  const message =
    entry.heldFor === null
      ? `device ${device} is busy: operation ${operationId} (${label}) is running`
      : `device ${device} is stuck: operation ${operationId} (${label}) ${entry.heldFor}`;
  return new AgentError("ABORTED", message, {
    device,
    operationId,
    remedy:
      entry.heldFor === null
        ? "wait for the running operation to finish (eni-agent ops), then retry"
        : "stop the process holding the device; the agent repairs the device once the write returns",
  });
}

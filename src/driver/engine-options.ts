/**
 * How the daemon configures the driver engine: its ports (deps) and its
 * options with their defaults, and the shapes its calls return.
 */
import type { PciAddress } from "../common/index.js";
import type { DefaultRouteReader, HolderScanner, Sysfs } from "../sysfs/index.js";
import type { Clock } from "./clock.js";
import type { DesiredStateDeps, DesiredStore } from "./desired-state.js";
import type { AddressProvider, PrimaryProvider } from "./guards.js";
import type { Journal } from "./journal.js";
import type { Boundary } from "./transaction.js";

export interface DriverEngineDeps {
  sysfs: Sysfs;
  journal: Journal;
  holders: HolderScanner;
  routes: DefaultRouteReader;
  primary: PrimaryProvider;
  addresses: AddressProvider;
  /** `uname -r` of the kernel behind `sysfs`; null when unknown (treated as current). */
  kernelRelease: string | null;
  /** Where persisted bindings live. Default: in memory. */
  desired?: DesiredStore;
  /** The MAC of an attached ENI (IMDS); absent: bindings keyed by ENI id wait for it. */
  eniMac?: DesiredStateDeps["eniMac"];
  clock?: Clock;
  /** Test hook: awaited at every step boundary of every transaction. */
  boundary?: (operationId: string, at: Boundary) => void | Promise<void>;
}

export interface DriverEngineOptions {
  /** vendor:device ids managed besides ENA's 1d0f:ec20 and 1d0f:ec21, e.g. "8086:10d3". */
  allowedIds?: readonly string[];
  /** Drivers a request may name. Default vfio-pci, uio_pci_generic, igb_uio, ena. */
  allowedDrivers?: readonly string[];
  /**
   * Kernel driver per vendor:device, for restoring a device the journal never
   * saw under its kernel driver. ENA's ids map to "ena" unless overridden.
   */
  kernelDrivers?: Readonly<Record<string, string>>;
  /** Bindings declared in the configuration: `{ mac | eniId, driver }`. */
  desiredBindings?: readonly unknown[];
  /** Devices moving at once. Default 4. */
  maxParallel?: number;
  /** Deadline of one sysfs write. Default 30 000 ms. */
  writeTimeoutMs?: number;
  /** Sysfs writes that may hold a libuv thread at once (keep below UV_THREADPOOL_SIZE). Default 8. */
  maxBlockingWrites?: number;
  /**
   * How long the holder check reads /proc to name who holds a vfio device
   * the kernel shows open before it gives up (the move is refused either
   * way; see holder-check.ts). Default 2 000 ms.
   */
  holderScanTimeoutMs?: number;
  /** How long verification waits for the target (a netdev registers after its probe). Default 10 000 ms. */
  verifyTimeoutMs?: number;
  /** The longest wait between verification reads (they start at 1 ms and double). Default 50 ms. */
  verifyPollMs?: number;
  /** Clear a driver_override no journal entry explains, at recovery. Default false: report only. */
  repairDrift?: boolean;
  /** Finished operations kept by journal compaction. Default 500. */
  keepFinished?: number;
}

/**
 * What a caller asks along with a move. Journaled in the operation's begin
 * record, so the operation carries who asked and what else they asked for.
 */
export interface RequestOptions {
  /**
   * Override the checks a person may take responsibility for: the network
   * guards (bind) and the holder check (a process holds the device). Never
   * the vendor allowlist, never verification or rollback.
   */
  force?: boolean;
  /** Remember the binding (by MAC) and re-apply it at start-up and on hot-attach; on restore, forget it. */
  persist?: boolean;
  /** The caller identity; absent or null when the agent moves the device on its own. */
  requestedBy?: string | null;
}

export interface BindOptions extends RequestOptions {
  /** "reapply": the agent re-applies a desired binding (start-up, hot-attach). Default "bind". */
  kind?: "bind" | "reapply";
  /**
   * A bind on trial: once committed it awaits `confirm()` this long (1 s to
   * 24 h) and is reverted to the kernel driver when none comes.
   */
  confirmWithinMs?: number;
}

export interface RecoveryReport {
  problems: { line: number; kind: string; detail: string }[];
  /** Open operations closed: committed, rolled_back, rollback_failed, or superseded by a later one. */
  resolved: { operationId: string; device: PciAddress; status: string }[];
  /** Open operations left open because a re-checked guard refused the writes their resolution needs. */
  refused: { operationId: string; device: PciAddress; guard: string | null; message: string }[];
  drift: { device: PciAddress; override: string; driver: string | null; repaired: boolean }[];
  degraded: PciAddress[];
  /** Binds on trial found past their deadline unconfirmed, and their revert (or why it failed). */
  reverted: {
    operationId: string;
    device: PciAddress;
    revertOperationId: string | null;
    error: string | null;
  }[];
}

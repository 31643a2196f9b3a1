/**
 * The Sysfs port: the only way eni-agent reads or writes the kernel's PCI and
 * net state. Paths are relative to the adapter's root (which stands for
 * `/sys`), e.g. "bus/pci/devices/0000:00:05.0/driver_override". Adapters
 * reject absolute paths, "." and ".." components and empty components before
 * touching anything.
 *
 * Errors: every method throws AgentError with `errno`, `syscall` and `path`
 * set, and `code` mapped from errno by `codeForErrno` (ENOENT → NOT_FOUND,
 * EACCES/EPERM → PERMISSION_DENIED, EBUSY/EAGAIN → UNAVAILABLE,
 * ENODEV/EINVAL/EEXIST → FAILED_PRECONDITION, anything else → INTERNAL).
 */
export interface Sysfs {
  /** Human-readable description of where this adapter reads, for messages. */
  readonly description: string;
  /** Reads a whole attribute as UTF-8 text (trailing newline kept). */
  read(path: string): Promise<string>;
  /**
   * Writes `data` with exactly one write(2) on a descriptor opened O_WRONLY
   * without O_CREAT or O_TRUNC. A 0-byte payload is refused (INVALID_ARGUMENT)
   * because the kernel never sees it; a short write is an error (EIO).
   */
  write(path: string, data: string | Uint8Array): Promise<void>;
  /** Target of a symbolic link, as stored (usually relative). */
  readlink(path: string): Promise<string>;
  /** Names in a directory, sorted; NOT_FOUND when it does not exist. */
  list(path: string): Promise<string[]>;
  /** True when the path exists (following links); never throws for ENOENT/ENOTDIR. */
  exists(path: string): Promise<boolean>;
}

/** A process holding a device node open, as found in /proc/<pid>/fd. */
export interface DeviceHolder {
  pid: number;
  command: string;
  /** The device node path the process holds, e.g. "/dev/vfio/noiommu-0". */
  node: string;
}

export interface HolderScanOptions {
  /** Stop at the first holder found: enough to answer "is it held?". Default false. */
  firstOnly?: boolean;
  /**
   * Give up after this many milliseconds and answer "unproven" instead of
   * reading on. Default: no limit.
   */
  timeoutMs?: number;
}

/**
 * The answer to "who holds these nodes?":
 * - "free": every process was read and none holds a node;
 * - "held": at least these processes do (with `firstOnly`, the scan stopped
 *   at the first);
 * - "unproven": the time ran out before every process was read and none read
 *   so far holds a node. Nothing is known about the other processes.
 * `read` counts the processes whose descriptors were read, `listed` the
 * processes the scan knew of when it answered.
 */
export type HolderScan =
  | { status: "free"; read: number; listed: number }
  | { status: "held"; holders: DeviceHolder[]; read: number; listed: number }
  | { status: "unproven"; read: number; listed: number; elapsedMs: number };

/**
 * Who holds a device node open. The real adapter reads /proc/<pid>/fd; the
 * simulator answers from its own table. Never throws for processes that vanish
 * mid-scan or cannot be read; throws AgentError when the process list itself
 * cannot be read.
 */
export interface HolderScanner {
  /** Every holder of `nodes`, one entry per process and node, sorted by pid then node. */
  holders(nodes: readonly string[]): Promise<DeviceHolder[]>;
  /** Whether `nodes` are held, bounded by `options` (see HolderScan). */
  scan(nodes: readonly string[], options?: HolderScanOptions): Promise<HolderScan>;
}

/** A default route as procfs shows it. */
export interface DefaultRoute {
  family: 4 | 6;
  /** The interface the route leaves through, e.g. "ens5". */
  interface: string;
  /** Gateway address in text form, or null for an on-link default route. */
  gateway: string | null;
  metric: number;
}

/**
 * Which interfaces carry a default route: the management interface that the
 * guards must never take from the kernel without force. The real adapter reads
 * `<procRoot>/net/route` and `<procRoot>/net/ipv6_route`.
 *
 * Limitation: procfs shows only the IPv4 main table; IPv4 default routes in
 * policy tables (ip rule) are invisible without netlink. IPv6 lists every
 * table merged, without saying which. A missing file (IPv6 disabled) is no
 * route; other read errors throw AgentError.
 */
export interface DefaultRouteReader {
  defaultRoutes(): Promise<DefaultRoute[]>;
}

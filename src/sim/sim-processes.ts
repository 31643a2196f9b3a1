/**
 * Simulated user-space processes holding device nodes, for the HolderScanner
 * port and for the kernel's blocking of vfio unbinds:
 * - a vfio group node (`/dev/vfio/<N>`, `/dev/vfio/noiommu-<N>`) opens once
 *   (a second open is EBUSY); holding it does not block an unbind;
 * - a vfio DEVICE fd (what a running DPDK application holds, obtained through
 *   the group) makes an unbind of that device wait until it is closed;
 * - `/dev/uio<N>` and `/dev/vfio/vfio` can be opened by anyone, any number of times.
 * When a node disappears (unbind), open descriptors point at a deleted inode
 * and no longer count as holders, as in /proc/<pid>/fd.
 */
import { sysfsError } from "../sysfs/errno.js";
import type { DeviceHolder, HolderScan, HolderScanner, HolderScanOptions } from "../sysfs/sysfs.js";
import { devNodes, vfioGroupNode } from "./device-effects.js";
import type { DriverCore } from "./driver-core.js";
import type { SimFdState, SimKernelState, SimProcessState } from "./sim-state.js";

interface ProcessHost {
  readonly state: SimKernelState;
  readonly core: DriverCore;
  /** Records a state change (persistence, tree caches). */
  touch(): void;
}

/** A handle on a simulated process; its state lives in the kernel snapshot. */
export class SimProcess {
  readonly pid: number;
  readonly #host: ProcessHost;

  constructor(host: ProcessHost, pid: number) {
    this.#host = host;
    this.pid = pid;
  }

  get command(): string {
    return this.#proc().command;
  }

  /** Open descriptors, in opening order. */
  fds(): readonly Readonly<SimFdState>[] {
    return this.#host.state.processes.find((p) => p.pid === this.pid)?.fds ?? [];
  }

  /**
   * Opens a device node, e.g. "/dev/vfio/noiommu-0" or "/dev/uio0"; returns
   * the fd. Throws AgentError: ENOENT when the node does not exist, EBUSY for
   * a second open of a vfio group.
   */
  open(node: string): number {
    const { state } = this.#host;
    if (!devNodes(state).includes(node)) throw sysfsError("open", node, "ENOENT");
    const isGroup = node.startsWith("/dev/vfio/") && node !== "/dev/vfio/vfio";
    if (isGroup && this.#openFds().some((fd) => fd.node === node && fd.vfioDevice === undefined)) {
      throw sysfsError("open", node, "EBUSY");
    }
    return this.#add({ node });
  }

  /**
   * Gets a vfio device fd for `address` (VFIO_GROUP_GET_DEVICE_FD): the
   * process must hold the device's group open. While any device fd is open,
   * the device is enabled and in D0, and its unbind blocks. Throws AgentError
   * EINVAL when the device is not bound to vfio or its group is not held.
   */
  openVfioDevice(address: string): number {
    const dev = this.#host.core.device(address);
    const group = dev?.vfio ? vfioGroupNode(dev.vfio) : null;
    const holdsGroup = this.fds().some((fd) => fd.node === group && fd.vfioDevice === undefined);
    if (!dev?.vfio || group === null || !holdsGroup || dev.releasing) {
      throw sysfsError("open", `vfio device ${address}`, "EINVAL");
    }
    dev.enable = 1;
    dev.powerState = "D0";
    return this.#add({ node: group, vfioDevice: address });
  }

  /** Closes one descriptor; closing the last device fd lets a blocked unbind finish. */
  close(fd: number): void {
    const proc = this.#proc();
    const entry = proc.fds.find((f) => f.fd === fd);
    if (!entry) throw sysfsError("open", `fd ${fd}`, "EBADF");
    proc.fds = proc.fds.filter((f) => f !== entry);
    this.#host.touch();
    if (entry.vfioDevice !== undefined) this.#host.core.deviceFdReleased(entry.vfioDevice);
  }

  /** The process exits: every descriptor is closed. Idempotent. */
  exit(): void {
    const { state } = this.#host;
    const proc = state.processes.find((p) => p.pid === this.pid);
    if (!proc) return;
    const devices = proc.fds.flatMap((f) => (f.vfioDevice !== undefined ? [f.vfioDevice] : []));
    state.processes = state.processes.filter((p) => p !== proc);
    this.#host.touch();
    for (const address of new Set(devices)) this.#host.core.deviceFdReleased(address);
  }

  #proc(): SimProcessState {
    const proc = this.#host.state.processes.find((p) => p.pid === this.pid);
    if (!proc) throw sysfsError("open", `process ${this.pid}`, "ESRCH");
    return proc;
  }

  #openFds(): SimFdState[] {
    return this.#host.state.processes.flatMap((p) => p.fds).filter((fd) => !fd.deleted);
  }

  #add(entry: Omit<SimFdState, "fd">): number {
    const proc = this.#proc();
    const fd = Math.max(2, ...proc.fds.map((f) => f.fd)) + 1;
    proc.fds.push({ fd, ...entry });
    this.#host.touch();
    return fd;
  }
}

/** The HolderScanner port answered from the simulated process table. */
export class SimHolderScanner implements HolderScanner {
  readonly #state: () => SimKernelState;

  constructor(state: () => SimKernelState) {
    this.#state = state;
  }

  async holders(nodes: readonly string[]): Promise<DeviceHolder[]> {
    const found = await this.scan(nodes);
    return found.status === "held" ? found.holders : [];
  }

  /** Reads the whole table at once, so it never runs out of time: "free" or "held". */
  async scan(nodes: readonly string[], options: HolderScanOptions = {}): Promise<HolderScan> {
    const wanted = new Set(nodes);
    const found: DeviceHolder[] = [];
    const processes = [...this.#state().processes].sort((a, b) => a.pid - b.pid);
    let read = 0;
    for (const proc of processes) {
      read += 1;
      const held = new Set(
        proc.fds
          // A device fd is an anonymous inode in /proc/<pid>/fd, not the group node.
          .filter((fd) => !fd.deleted && fd.vfioDevice === undefined && wanted.has(fd.node))
          .map((fd) => fd.node),
      );
      for (const node of held) found.push({ pid: proc.pid, command: proc.command, node });
      if (options.firstOnly && found.length > 0) break;
    }
    const listed = processes.length;
    if (found.length === 0) return { status: "free", read, listed };
    found.sort((a, b) => a.pid - b.pid || a.node.localeCompare(b.node));
    return { status: "held", holders: found, read, listed };
  }
}

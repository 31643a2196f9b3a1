/**
 * A minimal scripted Sysfs for the driver engine's tests: the PCI bind rules
 * of the kernel facts (match, then busy, then probe; unbind only from the
 * bound driver; override cut at "\n", cleared by "\n"; pre-5.14 ENODEV for
 * every bind failure), one netdev per kernel-bound device named by the lowest
 * free ethN, vfio groups (permanent with an IOMMU, made up in noiommu mode),
 * uio nodes, a write log and write faults. State is plain JSON, so a child
 * process can persist it after every write and a parent can reload it.
 */
import { AgentError } from "../../src/common/index.js";
import { codeForErrno, type Sysfs } from "../../src/sysfs/index.js";

export interface MiniDevice {
  address: string;
  vendor: string;
  device: string;
  driver: string | null;
  override: string | null;
  mac: string;
  /** Interface name while a netdev driver holds it. */
  ifname: string | null;
  /** Permanent IOMMU group (with an IOMMU), or the noiommu group while vfio holds it. */
  group: number | null;
  uio: number | null;
}

export interface MiniState {
  devices: MiniDevice[];
  /** driver name → kind and id table ("vendor:device"). */
  drivers: Record<string, { kind: "netdev" | "vfio" | "uio"; ids: string[] }>;
  errnoStyle: "modern" | "pre-5.14";
  iommu: boolean;
  noiommu: "Y" | "N" | "absent";
}

export interface MiniFault {
  /** Path the write goes to (exact or regexp). */
  path: string | RegExp;
  /** Which matching write (1-based, counted from injection). */
  nth: number;
  /** The write fails with this errno and changes nothing. */
  errno?: string;
  /** The write waits until `release()` before doing what the kernel does. */
  block?: boolean;
  /** The write answers success and changes nothing (what drivers_probe does when nothing binds). */
  silent?: boolean;
}

export function ec2State(count = 2, overrides: Partial<MiniState> = {}): MiniState {
  const devices: MiniDevice[] = [];
  for (let i = 0; i < count; i += 1) {
    const slot = (6 + i).toString(16).padStart(2, "0");
    devices.push({
      address: `0000:00:${slot}.0`,
      vendor: "1d0f",
      device: "ec20",
      driver: "ena",
      override: null,
      mac: `0e:00:00:00:00:${slot}`,
      ifname: `eth${i}`,
      group: null,
      uio: null,
    });
  }
  return {
    devices,
    drivers: {
      ena: { kind: "netdev", ids: ["1d0f:ec20", "1d0f:ec21"] },
      "vfio-pci": { kind: "vfio", ids: [] },
      uio_pci_generic: { kind: "uio", ids: [] },
    },
    errnoStyle: "modern",
    iommu: false,
    noiommu: "Y",
    ...overrides,
  };
}

export class MiniKernel implements Sysfs {
  readonly description = "mini kernel";
  state: MiniState;
  readonly writes: { path: string; data: string; errno: string | null }[] = [];
  readonly #faults: (MiniFault & { seen: number })[] = [];
  readonly #blocked: (() => void)[] = [];
  /** Called after every completed write (crash tests persist the state here). */
  onWrite: (() => void) | null = null;

  constructor(state: MiniState) {
    this.state = structuredClone(state);
  }

  inject(fault: MiniFault): void {
    this.#faults.push({ ...fault, seen: 0 });
  }

  /** Lets every blocked write proceed. */
  release(): void {
    for (const go of this.#blocked.splice(0)) go();
  }

  get blockedWrites(): number {
    return this.#blocked.length;
  }

  dev(address: string): MiniDevice | undefined {
    return this.state.devices.find((d) => d.address === address);
  }

  async read(path: string): Promise<string> {
    const p = path.split("/");
    if (path === "module/vfio/parameters/enable_unsafe_noiommu_mode") {
      if (this.state.noiommu === "absent") throw err("read", path, "ENOENT");
      return `${this.state.noiommu}\n`;
    }
    if (p[0] === "kernel" && p[1] === "iommu_groups" && p[3] === "name") {
      if (this.state.iommu) throw err("read", path, "ENOENT");
      return "vfio-noiommu\n";
    }
    const d = this.#device(path, "read");
    const attr = p.slice(4).join("/");
    switch (attr) {
      case "vendor":
        return `0x${d.vendor}\n`;
      case "device":
        return `0x${d.device}\n`;
      case "class":
        return "0x020000\n";
      case "numa_node":
        return "-1\n";
      case "driver_override":
        return `${d.override ?? "(null)"}\n`;
    }
    if (p[4] === "net" && d.ifname !== null && p[5] === d.ifname) {
      if (p[6] === "address") return `${d.mac}\n`;
      if (p[6] === "mtu") return "9001\n";
      if (p[6] === "operstate") return "down\n";
    }
    throw err("read", path, "ENOENT");
  }

  async readlink(path: string): Promise<string> {
    const d = this.#device(path, "readlink");
    const attr = path.split("/")[4];
    if (attr === "driver" && d.driver !== null) return `../../../bus/pci/drivers/${d.driver}`;
    if (attr === "iommu_group" && d.group !== null)
      return `../../../kernel/iommu_groups/${d.group}`;
    throw err("readlink", path, "ENOENT");
  }

  async list(path: string): Promise<string[]> {
    if (path === "bus/pci/devices") return this.state.devices.map((d) => d.address).sort();
    const d = this.#device(path, "list");
    const rest = path.split("/").slice(4);
    if (rest.length === 0) {
      const names = ["class", "device", "driver_override", "numa_node", "vendor"];
      if (d.driver !== null) names.push("driver");
      if (d.ifname !== null) names.push("net");
      if (d.group !== null) names.push("iommu_group");
      if (d.uio !== null) names.push("uio");
      return names.sort();
    }
    if (rest[0] === "net" && d.ifname !== null) return [d.ifname];
    if (rest[0] === "uio" && d.uio !== null) return [`uio${d.uio}`];
    throw err("list", path, "ENOENT");
  }

  async exists(path: string): Promise<boolean> {
    const p = path.split("/");
    if (p[0] === "bus" && p[2] === "drivers" && p.length === 4) return p[3]! in this.state.drivers;
    try {
      await this.list(path);
      return true;
    } catch {
      return false;
    }
  }

  async write(path: string, data: string | Uint8Array): Promise<void> {
    const text = typeof data === "string" ? data : Buffer.from(data).toString("latin1");
    const fault = this.#faults.find(
      (f) =>
        (typeof f.path === "string" ? f.path === path : f.path.test(path)) && ++f.seen === f.nth,
    );
    if (fault?.errno) {
      this.writes.push({ path, data: text, errno: fault.errno });
      throw err("write", path, fault.errno);
    }
    if (fault?.silent) {
      this.writes.push({ path, data: text, errno: null });
      return;
    }
    if (fault?.block) await new Promise<void>((go) => this.#blocked.push(go));
    try {
      this.#store(path, text);
      this.writes.push({ path, data: text, errno: null });
    } catch (e) {
      this.writes.push({ path, data: text, errno: (e as AgentError).errno ?? "EIO" });
      throw e;
    } finally {
      this.onWrite?.();
    }
  }

  #store(path: string, text: string): void {
    const p = path.split("/");
    if (p[0] === "bus" && p[2] === "devices" && p[4] === "driver_override" && p.length === 5) {
      const d = this.#device(path, "write");
      const value = text.split("\n")[0]!;
      d.override = value === "" ? null : value;
      return;
    }
    if (p[0] === "bus" && p[2] === "drivers" && p.length === 5) {
      const driver = p[3]!;
      if (!(driver in this.state.drivers)) throw err("write", path, "ENOENT");
      const d = this.dev(text.endsWith("\n") ? text.slice(0, -1) : text);
      if (p[4] === "unbind") {
        if (d === undefined || d.driver !== driver) throw err("write", path, "ENODEV");
        this.#unbind(d);
        return;
      }
      if (p[4] === "bind") {
        this.#bind(path, driver, d);
        return;
      }
    }
    throw err("write", path, "EACCES");
  }

  #bind(path: string, driver: string, d: MiniDevice | undefined): void {
    const modern = this.state.errnoStyle === "modern";
    if (d === undefined) throw err("write", path, "ENODEV");
    const spec = this.state.drivers[driver]!;
    const match =
      d.override !== null ? d.override === driver : spec.ids.includes(`${d.vendor}:${d.device}`);
    if (!match) throw err("write", path, "ENODEV");
    if (d.driver !== null) throw err("write", path, modern ? "EBUSY" : "ENODEV");
    if (spec.kind === "vfio") {
      if (!this.state.iommu && this.state.noiommu !== "Y")
        throw err("write", path, modern ? "EINVAL" : "ENODEV");
      if (!this.state.iommu) d.group = lowestFree(this.state.devices.map((x) => x.group));
    } else if (spec.kind === "uio") {
      d.uio = lowestFree(this.state.devices.map((x) => x.uio));
    } else {
      const used = this.state.devices.map((x) =>
        x.ifname === null ? null : Number(x.ifname.slice(3)),
      );
      d.ifname = `eth${lowestFree(used)}`;
    }
    d.driver = driver;
  }

  #unbind(d: MiniDevice): void {
    d.driver = null;
    d.ifname = null;
    d.uio = null;
    if (!this.state.iommu) d.group = null;
  }

  #device(path: string, op: "read" | "readlink" | "list" | "write"): MiniDevice {
    const p = path.split("/");
    const d =
      p[0] === "bus" && p[1] === "pci" && p[2] === "devices" ? this.dev(p[3] ?? "") : undefined;
    if (d === undefined) throw err(op, path, "ENOENT");
    return d;
  }
}

function lowestFree(used: (number | null)[]): number {
  let n = 0;
  while (used.includes(n)) n += 1;
  return n;
}

function err(op: string, path: string, errno: string): AgentError {
  return new AgentError(codeForErrno(errno), `${op} ${path}: ${errno}`, {
    errno,
    syscall: op,
    path,
  });
}

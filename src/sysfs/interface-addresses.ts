/**
 * The addresses assigned to a network interface, for the "interface in use"
 * guard: the one reader the daemon and the offline commands share.
 *
 * Why getifaddrs (libuv's `uv_interface_addresses`, node's
 * `os.networkInterfaces`), which opens an AF_NETLINK socket, and not procfs:
 * procfs cannot say which interface holds an IPv4 address. `net/fib_trie`
 * lists the local addresses without their device, and `net/route` shows only
 * the main table's routes, so an address can be placed only through a
 * connected route there. On the hosts the guard protects that route is often
 * elsewhere: systemd-networkd adds a DHCP address with `noprefixroute` and
 * puts its prefix route in the `[DHCPv4] RouteTable=` table, which
 * amazon-ec2-net-utils sets per secondary ENI (10000 + device number), and
 * the secondary private IPs it adds are /32 with `AddPrefixRoute=false`. A
 * procfs reader would report those ENIs as unused. (`net/if_inet6` does name
 * the device, for IPv6 only.) The shipped unit therefore allows AF_NETLINK.
 */
import { type NetworkInterfaceInfo, networkInterfaces, constants as osConstants } from "node:os";
import { AgentError } from "../common/index.js";

/** Every interface's addresses, as `os.networkInterfaces` returns them. */
export type ListInterfaces = () => NodeJS.Dict<NetworkInterfaceInfo[]>;

export interface InterfaceAddressesOptions {
  /** Default `os.networkInterfaces` (tests pass a fake). */
  list?: ListInterfaces;
}

export class InterfaceAddresses {
  readonly #list: ListInterfaces;

  constructor(options: InterfaceAddressesOptions = {}) {
    this.#list = options.list ?? networkInterfaces;
  }

  /**
   * The interface's addresses in CIDR form ("10.0.3.15/24"), link-local IPv6
   * (fe80::/10) left out: every interface that is up has one, so it says
   * nothing about use. [] for an interface without addresses or unknown.
   * Throws FAILED_PRECONDITION (errno, syscall "getifaddrs") when the kernel
   * refuses the read, e.g. EAFNOSUPPORT under a sandbox that forbids AF_NETLINK.
   */
  async addresses(iface: string): Promise<string[]> {
    let all: NodeJS.Dict<NetworkInterfaceInfo[]>;
    try {
      all = this.#list();
    } catch (err) {
      throw addressReadError(err);
    }
    return (all[iface] ?? [])
      .filter((a) => !(a.family === "IPv6" && /^fe[89ab]/i.test(a.address)))
      .map((a) => a.cidr ?? a.address);
  }
}

/**
 * Node reports a failed getifaddrs as a SystemError whose `info` carries the
 * errno; some versions give only the number ("Unknown system error 97").
 */
function addressReadError(err: unknown): AgentError {
  const errno = errnoName(err);
  const sandboxed = errno === "EAFNOSUPPORT" || errno === "EPERM" || errno === "EACCES";
  return new AgentError(
    "FAILED_PRECONDITION",
    `cannot read the interfaces' addresses for the interface-in-use guard (getifaddrs: ${errno})`,
    {
      errno,
      syscall: "getifaddrs",
      remedy: sandboxed
        ? "the process may not open an AF_NETLINK socket: allow AF_NETLINK in the unit's RestrictAddressFamilies= (the shipped unit does)"
        : "check that the kernel answers `ip address` on this host",
      cause: err,
    },
  );
}

function errnoName(err: unknown): string {
  const e = err as { info?: { code?: unknown; errno?: unknown }; errno?: unknown; code?: unknown };
  const named = [e.info?.code, e.code].find((c) => typeof c === "string" && /^E[A-Z0-9]+$/.test(c));
  if (typeof named === "string") return named;
  const number = [e.info?.errno, e.errno].find((n) => typeof n === "number");
  if (typeof number === "number") {
    const entry = Object.entries(osConstants.errno).find(([, v]) => v === Math.abs(number));
    if (entry !== undefined) return entry[0];
  }
  return "EIO";
}

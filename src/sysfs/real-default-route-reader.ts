/**
 * The real DefaultRouteReader: default routes from procfs.
 *
 * What procfs shows, and what it does not:
 * - `net/route` lists the IPv4 main table only. Default routes that policy
 *   routing puts in other tables (amazon-ec2-net-utils gives every ENI its
 *   own table) are invisible there; seeing them needs netlink (RTM_GETROUTE),
 *   which Node cannot speak without native code.
 * - `net/ipv6_route` walks every IPv6 table and prints no table id, so an
 *   IPv6 default route in a policy table counts as a default route here. For
 *   the management-interface guard that errs on the safe side.
 * - Reject routes (the kernel's "unreachable" default on `lo`) are skipped.
 */
import { readFile, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { sysfsError } from "./errno.js";
import type { DefaultRoute, DefaultRouteReader } from "./sysfs.js";

export interface RealDefaultRouteReaderOptions {
  /** Directory that stands for `/proc`. Default "/proc". */
  procRoot?: string;
  /**
   * Read with synchronous system calls: procfs route tables never block, a
   * one-shot command never starts libuv's thread pool, and a daemon's move
   * does not queue its route read behind its sysfs reads.
   */
  blockingReads?: boolean;
}

// Route flags from <linux/route.h> (IPv6 uses the same values for these two).
const RTF_UP = 0x0001;
const RTF_REJECT = 0x0200;

export class RealDefaultRouteReader implements DefaultRouteReader {
  readonly procRoot: string;
  readonly blockingReads: boolean;

  constructor(options: RealDefaultRouteReaderOptions = {}) {
    this.procRoot = resolve(options.procRoot ?? "/proc");
    this.blockingReads = options.blockingReads ?? false;
  }

  async defaultRoutes(): Promise<DefaultRoute[]> {
    const [v4, v6] = await Promise.all([
      this.readOptional("net/route"),
      this.readOptional("net/ipv6_route"),
    ]);
    return [...parseIpv4DefaultRoutes(v4), ...parseIpv6DefaultRoutes(v6)];
  }

  /**
   * The file's text, or "" when it does not exist (IPv6 disabled, no procfs
   * net). Callback API: loading node:fs/promises costs `eni-agent status`
   * several milliseconds of start-up.
   */
  private async readOptional(relative: string): Promise<string> {
    const path = `${this.procRoot}/${relative}`;
    try {
      return this.blockingReads ? readFileSync(path, "utf8") : await readText(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return "";
      throw sysfsError("read", path, code ?? "EIO", err);
    }
  }
}

function readText(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    readFile(path, "utf8", (err, text) => (err ? reject(err) : resolvePromise(text)));
  });
}

/**
 * Default routes in the text of `/proc/net/route`: a header line, then
 * tab-separated Iface, Destination, Gateway, Flags, RefCnt, Use, Metric, Mask…
 * with addresses as 8 hex digits in host (little-endian) byte order.
 */
export function parseIpv4DefaultRoutes(text: string): DefaultRoute[] {
  const routes: DefaultRoute[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [iface, destination, gateway, flagsHex, , , metric, mask] = f;
    const flags = Number.parseInt(flagsHex!, 16);
    if (destination !== "00000000" || mask !== "00000000" || !usable(flags)) continue;
    routes.push({
      family: 4,
      interface: iface!,
      gateway: gateway === "00000000" ? null : ipv4FromProcHex(gateway!),
      metric: Number.parseInt(metric!, 10),
    });
  }
  return routes;
}

/**
 * Default routes in the text of `/proc/net/ipv6_route`: space-separated
 * destination (32 hex), prefix length (2 hex), source, source prefix length,
 * next hop, metric (8 hex), refcount, use, flags (8 hex), interface.
 */
export function parseIpv6DefaultRoutes(text: string): DefaultRoute[] {
  const routes: DefaultRoute[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [destination, prefixLength, , , nextHop, metric, , , flagsHex, iface] = f;
    const flags = Number.parseInt(flagsHex!, 16);
    if (!/^0{32}$/.test(destination!) || prefixLength !== "00" || !usable(flags)) continue;
    if (iface === "lo") continue;
    routes.push({
      family: 6,
      interface: iface!,
      gateway: /^0{32}$/.test(nextHop!) ? null : ipv6FromHex(nextHop!),
      metric: Number.parseInt(metric!, 16),
    });
  }
  return routes;
}

function usable(flags: number): boolean {
  return Number.isFinite(flags) && (flags & RTF_UP) !== 0 && (flags & RTF_REJECT) === 0;
}

/** "010200C0" (little-endian) → "192.0.2.1". */
function ipv4FromProcHex(hex: string): string {
  const bytes = [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return bytes.join(".");
}

/** 32 hex digits → RFC 5952 text (lower case, longest zero run compressed). */
export function ipv6FromHex(hex: string): string {
  const groups = Array.from({ length: 8 }, (_, i) =>
    Number.parseInt(hex.slice(i * 4, i * 4 + 4), 16).toString(16),
  );
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(":");
  const head = groups.slice(0, bestStart).join(":");
  const tail = groups.slice(bestStart + bestLength).join(":");
  return `${head}::${tail}`;
}

/**
 * The systemd guest's root file system: Debian 12 from Debian's packages,
 * made by mmdebstrap from the host's own apt sources (nothing is fetched
 * outside apt), cached under the cache directory and made again when its
 * inputs change: the package list, the sources, the candidate versions apt
 * sees, or this file.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sha } from "../image/build-guest-image.js";
import { type Apt, onPath } from "../image/debian-packages.js";

/**
 * systemd as PID 1 with udev, kmod and iproute2; dbus for systemctl's peers;
 * procps for /bin/kill, which the unit's ExecReload= runs (every full
 * Debian or Amazon Linux host has it; the essential set does not).
 */
export const ROOTFS_PACKAGES = [
  "procps",
  "systemd",
  "systemd-sysv",
  "udev",
  "kmod",
  "iproute2",
  "usr-is-merged",
  "dbus",
] as const;

/** The host's apt sources, handed to mmdebstrap as they are (deb822 or one-line). */
export function aptSources(): string {
  const deb822 = "/etc/apt/sources.list.d/debian.sources";
  if (existsSync(deb822)) return deb822;
  return "/etc/apt/sources.list";
}

export interface Rootfs {
  /** The unpacked tree (read-only for users: copy before changing). */
  dir: string;
  key: string;
  built: boolean;
}

/** Builds (or finds) the rootfs under `cacheDir/systemd-rootfs-<key>/root`. */
export function ensureRootfs(o: { cacheDir: string; apt: Apt; log(line: string): void }): Rootfs {
  if (!onPath("mmdebstrap")) o.apt.install(["mmdebstrap"]);
  const sources = aptSources();
  const versions = [...o.apt.candidates([...ROOTFS_PACKAGES]).values()].map(
    (p) => `${p.name}=${p.version}`,
  );
  const key = sha(
    JSON.stringify({
      packages: ROOTFS_PACKAGES,
      versions,
      sources: readFileSync(sources, "utf8"),
      builder: readFileSync(new URL(import.meta.url)),
    }),
  ).slice(0, 16);
  const top = join(o.cacheDir, `systemd-rootfs-${key}`);
  const dir = join(top, "root");
  if (existsSync(join(top, "done"))) return { dir, key, built: false };
  const tmp = `${top}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  o.log(`mmdebstrap bookworm (${ROOTFS_PACKAGES.join(", ")}) from ${sources}`);
  const started = performance.now();
  const r = spawnSync(
    "mmdebstrap",
    [
      "--variant=essential",
      `--include=${ROOTFS_PACKAGES.join(",")}`,
      // Documentation is of no use in a test guest and only slows every boot's reads.
      ...["man", "doc", "locale", "info"].map((d) => `--dpkgopt=path-exclude=/usr/share/${d}/*`),
      "bookworm",
      join(tmp, "root"),
      sources,
    ],
    { encoding: "utf8", maxBuffer: 64 << 20 },
  );
  if (r.status !== 0) {
    throw new Error(
      `mmdebstrap failed (${r.status}): ${(r.stderr || r.error?.message || "").slice(-2000)}`,
    );
  }
  o.log(`rootfs built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  writeFileSync(join(tmp, "done"), "");
  rmSync(top, { recursive: true, force: true });
  renameSync(tmp, top);
  return { dir, key, built: true };
}

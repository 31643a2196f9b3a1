import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";

/** A Debian package at an exact version. */
export interface DebPackage {
  name: string;
  version: string;
}

/** True when `cmd` is an executable on PATH. */
export function onPath(cmd: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function run(cmd: string, args: string[], cwd?: string): { ok: boolean; out: string; err: string } {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 << 20,
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return {
    ok: r.status === 0 && !r.error,
    out: r.stdout ?? "",
    err: r.stderr ?? r.error?.message ?? "",
  };
}

/**
 * The host's apt, used through its ordinary commands. `update` runs at most
 * once per session and only when a lookup or download needs it.
 */
export class Apt {
  #updated = false;
  readonly #log: (line: string) => void;

  constructor(log: (line: string) => void) {
    this.#log = log;
  }

  /** apt is usable: the tools exist and we are root (install, update, download). */
  static usable(): boolean {
    const root = typeof process.getuid === "function" && process.getuid() === 0;
    return root && onPath("apt-get") && onPath("apt-cache") && onPath("dpkg-deb");
  }

  update(): void {
    if (this.#updated) return;
    this.#log("apt-get update");
    const r = run("apt-get", ["update"]);
    if (!r.ok) throw new Error(`apt-get update failed: ${r.err.trim()}`);
    this.#updated = true;
  }

  /** Installs packages on the host (non-interactive, no recommends). */
  install(names: string[]): void {
    this.update();
    this.#log(`apt-get install ${names.join(" ")}`);
    const r = run("apt-get", ["install", "-y", "--no-install-recommends", ...names]);
    if (!r.ok) throw new Error(`apt-get install ${names.join(" ")} failed: ${r.err.trim()}`);
  }

  /**
   * Candidate versions and Depends lines of several packages, in one
   * apt-cache call (each call costs about half a second).
   */
  candidates(names: string[]): Map<string, AptStanza> {
    const show = () => run("apt-cache", ["show", "--no-all-versions", ...names]);
    let r = show();
    if (!r.ok) {
      this.update();
      r = show();
    }
    if (!r.ok) throw new Error(`apt-cache show ${names.join(" ")}: ${r.err.trim()}`);
    return parseAptShow(r.out);
  }

  /**
   * The packages the guest is made of: the versioned kernel image that
   * linux-image-amd64 currently points at (its Depends pins the exact
   * version), and busybox-static.
   */
  guestPackages(): { kernel: DebPackage; busybox: DebPackage } {
    const meta = "linux-image-amd64";
    const found = this.candidates([meta, "busybox-static"]);
    const depends = found.get(meta)?.depends ?? "";
    const kernel = pinnedDependency(depends, "linux-image-");
    const busybox = found.get("busybox-static");
    if (kernel === undefined || busybox === undefined) {
      throw new Error(`cannot resolve ${meta} (Depends: ${depends}) or busybox-static`);
    }
    return { kernel, busybox: { name: busybox.name, version: busybox.version } };
  }

  /** Downloads a .deb into `dir` unless it is already there; returns its path. */
  download(pkg: DebPackage, dir: string): string {
    const arch = run("dpkg", ["--print-architecture"]).out.trim() || "amd64";
    const file = join(dir, `${pkg.name}_${pkg.version.replace(":", "%3a")}_${arch}.deb`);
    if (existsSync(file)) return file;
    this.#log(`apt-get download ${pkg.name}=${pkg.version}`);
    // Downloading as root into a directory apt's sandbox user cannot write:
    // ask apt not to drop privileges instead of printing a warning.
    const args = ["download", "-o", "APT::Sandbox::User=root", `${pkg.name}=${pkg.version}`];
    let r = run("apt-get", args, dir);
    if (!r.ok) {
      this.update();
      r = run("apt-get", args, dir);
    }
    if (!r.ok || !existsSync(file))
      throw new Error(`apt-get download ${pkg.name}: ${r.err.trim()}`);
    return file;
  }
}

export interface AptStanza extends DebPackage {
  depends: string;
}

/** Package, Version and Depends of each stanza of `apt-cache show` output. */
export function parseAptShow(out: string): Map<string, AptStanza> {
  const found = new Map<string, AptStanza>();
  for (const stanza of out.split(/\n\s*\n/)) {
    const name = /^Package: (.+)$/m.exec(stanza)?.[1];
    const version = /^Version: (.+)$/m.exec(stanza)?.[1];
    if (name === undefined || version === undefined) continue;
    found.set(name, { name, version, depends: /^Depends: (.+)$/m.exec(stanza)?.[1] ?? "" });
  }
  return found;
}

/** The first dependency named `prefix…` with an exact `(= version)` pin. */
export function pinnedDependency(depends: string, prefix: string): DebPackage | undefined {
  for (const alternative of depends.split(/[,|]/)) {
    const m = /^\s*(\S+)\s*\(=\s*([^)\s]+)\s*\)/.exec(alternative);
    if (m?.[1]?.startsWith(prefix)) return { name: m[1], version: m[2] as string };
  }
  return undefined;
}

/** Unpacks a .deb's files (no maintainer scripts) under `dir`. */
export function extractDeb(deb: string, dir: string): void {
  const r = run("dpkg-deb", ["-x", deb, dir]);
  if (!r.ok) throw new Error(`dpkg-deb -x ${deb}: ${r.err.trim()}`);
}

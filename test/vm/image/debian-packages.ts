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

  /** The candidate version of a package and its Depends line. */
  candidate(name: string): DebPackage & { depends: string } {
    let r = run("apt-cache", ["show", "--no-all-versions", name]);
    if (!r.ok || !/^Version:/m.test(r.out)) {
      this.update();
      r = run("apt-cache", ["show", "--no-all-versions", name]);
    }
    const version = /^Version: (.+)$/m.exec(r.out)?.[1];
    if (!r.ok || version === undefined) throw new Error(`apt-cache show ${name}: ${r.err.trim()}`);
    return { name, version, depends: /^Depends: (.+)$/m.exec(r.out)?.[1] ?? "" };
  }

  /**
   * The versioned kernel image package a metapackage such as
   * linux-image-amd64 currently points at.
   */
  kernelPackage(meta: string): DebPackage {
    const { depends } = this.candidate(meta);
    const name = /(linux-image-[^\s,(]+)/.exec(depends)?.[1];
    if (name === undefined) throw new Error(`${meta} depends on no linux-image package`);
    const { version } = this.candidate(name);
    return { name, version };
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

/** Unpacks a .deb's files (no maintainer scripts) under `dir`. */
export function extractDeb(deb: string, dir: string): void {
  const r = run("dpkg-deb", ["-x", deb, dir]);
  if (!r.ok) throw new Error(`dpkg-deb -x ${deb}: ${r.err.trim()}`);
}

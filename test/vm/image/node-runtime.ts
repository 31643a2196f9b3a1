import { spawnSync } from "node:child_process";
import { copyFileSync, realpathSync } from "node:fs";
import { onPath } from "./debian-packages.js";

/** A file the guest needs at `guestPath`, taken from the host's `hostPath`. */
export interface RuntimeFile {
  guestPath: string;
  hostPath: string;
}

/**
 * Parses `ldd` output into the libraries a binary loads, at the exact paths
 * the dynamic loader will look for them, the loader itself included.
 * linux-vdso has no file and is skipped; a "not found" is an error.
 */
export function parseLdd(output: string): string[] {
  const paths: string[] = [];
  for (const raw of output.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("linux-vdso") || line.startsWith("linux-gate")) continue;
    if (line.includes("not found")) throw new Error(`ldd: missing library: ${line}`);
    const path = /=>\s*(\/\S+)/.exec(line)?.[1] ?? /^(\/\S+)/.exec(line)?.[1];
    if (path === undefined) throw new Error(`ldd: cannot read line: ${line}`);
    paths.push(path);
  }
  return paths;
}

/** The shared libraries (and loader) of a host binary, each at its exact path. */
export function sharedLibraries(binary: string): RuntimeFile[] {
  const r = spawnSync("ldd", [binary], { encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(`ldd ${binary} failed: ${r.stderr || r.error?.message || "static?"}`);
  }
  return parseLdd(r.stdout).map((guestPath) => ({
    guestPath,
    hostPath: realpathSync(guestPath),
  }));
}

/**
 * Copies the node binary to `dest`, stripped of symbols when `strip` exists
 * (≈ 99 → 86 MB, less for the kernel to unpack at every boot).
 */
export function copyNode(execPath: string, dest: string): "stripped" | "copied" {
  if (onPath("strip")) {
    const r = spawnSync("strip", ["--strip-all", "-o", dest, execPath]);
    if (r.status === 0) return "stripped";
  }
  copyFileSync(execPath, dest);
  return "copied";
}

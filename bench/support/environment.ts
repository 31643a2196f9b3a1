/** The header of every benchmark result: where and on what it ran. */
import { execFileSync } from "node:child_process";
import { cpus, platform, release } from "node:os";
import type { BenchEnvironment } from "./bench.js";

/** Node, CPU, kernel and commit (with "+dirty" when tracked files changed) of the checkout at `root`. */
export function environment(root: string): BenchEnvironment {
  let commit = "unknown";
  try {
    const rev = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: root,
      encoding: "utf8",
    });
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      cwd: root,
      encoding: "utf8",
    });
    commit = `${rev.trim()}${dirty.trim() ? "+dirty" : ""}`;
  } catch {
    // Not a git checkout: the commit stays "unknown".
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cpus: cpus().length,
    platform: `${platform()} ${release()}`,
    commit,
  };
}

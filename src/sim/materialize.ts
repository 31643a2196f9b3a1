/**
 * Writes a simulated host out as a real directory tree: directories,
 * regular files holding what a read would return, and symbolic links with
 * the kernel's relative targets. The real adapter and the inventory can then
 * be tested on a temp directory, and demos can point `--sysfs-root` at it.
 *
 * It is a snapshot: writing to the files changes nothing kernel-like.
 * Write-only attributes become empty files with mode 0200, read-only ones
 * 0444, writable ones 0644; an attribute whose read fails (e.g. `carrier` of
 * a down interface) becomes an empty file.
 */
import * as fs from "node:fs";
import { join } from "node:path";
import type { SimKernel } from "./sim-kernel.js";
import { relativeLink, type SimDir } from "./sim-node.js";

export interface MaterializeOptions {
  /** Also create the host's device nodes (as empty files) under this directory, e.g. "<tmp>/dev". */
  devRoot?: string;
}

/** Materializes `kernel`'s sysfs under `dir` (created if missing; must not hold a previous tree). */
export async function materialize(
  kernel: SimKernel,
  dir: string,
  options: MaterializeOptions = {},
): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  await writeDir(kernel.tree(), dir, []);
  if (options.devRoot !== undefined) {
    for (const node of kernel.devNodes()) {
      const path = join(options.devRoot, node.replace(/^\/dev\//, ""));
      fs.mkdirSync(join(path, ".."), { recursive: true });
      fs.writeFileSync(path, "", { mode: 0o600 });
    }
  }
}

async function writeDir(node: SimDir, path: string, location: string[]): Promise<void> {
  for (const name of node.entries()) {
    const child = node.child(name);
    if (!child) continue;
    const childPath = join(path, name);
    if (child.kind === "dir") {
      fs.mkdirSync(childPath, { mode: 0o755 });
      await writeDir(child, childPath, [...location, name]);
    } else if (child.kind === "link") {
      fs.symlinkSync(relativeLink(location, child.target), childPath);
    } else {
      const shown = child.show ? await child.show() : "";
      const data = typeof shown === "string" || shown instanceof Uint8Array ? shown : "";
      const mode = child.show ? (child.store ? 0o644 : 0o444) : 0o200;
      fs.writeFileSync(childPath, data, { mode });
    }
  }
}

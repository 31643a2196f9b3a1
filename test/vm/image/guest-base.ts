import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { onPath } from "./debian-packages.js";
import { extractVmlinux } from "./extract-vmlinux.js";
import {
  DISK_MODULES,
  GUEST_MODULES,
  indexModules,
  LATE_MODULES,
  moduleClosure,
  readModinfo,
} from "./kernel-modules.js";
import { copyNode, type RuntimeFile } from "./node-runtime.js";

export interface BaseManifest {
  kernelVersion: string;
  modules: string[];
  node: "stripped" | "copied";
}

/**
 * Fills `dir` with the base layer, from the two unpacked packages in
 * `dir/deb-kernel` and `dir/deb-busybox`: `vmlinux` (uncompressed, for PVH
 * boot) and `root/` (busybox with its applet links, the module subset with
 * its modules.dep, node and its libraries at their exact paths).
 */
export function buildBase(o: { dir: string; libs: RuntimeFile[]; log(line: string): void }) {
  const root = join(o.dir, "root");
  const busybox = join(o.dir, "deb-busybox/bin/busybox");
  // The host may lack xz; busybox (just unpacked) can decompress it too.
  const xz = onPath("xz") ? ["xz", "-dc"] : [busybox, "unxz", "-c"];

  const versions = readdirSync(join(o.dir, "deb-kernel/lib/modules"));
  const kernelVersion = versions[0];
  if (kernelVersion === undefined || versions.length !== 1) {
    throw new Error(`expected one kernel in the package, found ${versions.join(", ")}`);
  }
  o.log(`extracting vmlinux ${kernelVersion}`);
  const bzImage = readFileSync(join(o.dir, `deb-kernel/boot/vmlinuz-${kernelVersion}`));
  writeFileSync(join(o.dir, "vmlinux"), extractVmlinux(bzImage, { xz }));

  const modules = copyModules(o.dir, root, kernelVersion, xz);
  const depmod = spawnSync(busybox, ["depmod", "-b", root, kernelVersion], { encoding: "utf8" });
  if (depmod.status !== 0) throw new Error(`depmod failed: ${depmod.stderr}`);

  place(root, "bin/busybox", busybox, 0o755);
  const applets = spawnSync(busybox, ["--list-full"], { encoding: "utf8" }).stdout.split("\n");
  for (const applet of applets) {
    if (applet !== "" && applet !== "bin/busybox") link(root, applet, "/bin/busybox");
  }

  mkdirSync(join(root, "usr/bin"), { recursive: true });
  const node = copyNode(process.execPath, join(root, "usr/bin/node"));
  for (const lib of o.libs) place(root, lib.guestPath, lib.hostPath, 0o755);
  o.log(`base layer: kernel ${kernelVersion}, ${modules.length} modules, node ${node}`);
  return { kernelVersion, modules, node } satisfies BaseManifest;
}

/** Copies the wanted modules and their dependencies, uncompressed, under `root`. */
function copyModules(dir: string, root: string, version: string, xz: string[]): string[] {
  const from = join(dir, "deb-kernel/lib/modules", version);
  const to = join(root, "lib/modules", version);
  const index = indexModules(from);
  const images = new Map<string, Buffer>();
  const image = (name: string): Buffer => {
    const rel = index.get(name);
    if (rel === undefined) throw new Error(`module ${name} is not in the kernel package`);
    let data = images.get(name) ?? readFileSync(join(from, rel));
    if (rel.endsWith(".xz")) {
      const [cmd, ...args] = xz;
      data = spawnSync(cmd as string, args, { input: data, maxBuffer: 1 << 28 }).stdout;
    } else if (rel.endsWith(".zst")) {
      data = spawnSync("zstd", ["-dc"], { input: data, maxBuffer: 1 << 28 }).stdout;
    }
    images.set(name, data);
    return data;
  };
  const dependsOf = (name: string) =>
    (readModinfo(image(name)).get("depends")?.[0] ?? "")
      .split(",")
      .filter((d) => d !== "")
      .map((d) => d.replaceAll("-", "_"));
  const names = moduleClosure([...GUEST_MODULES, ...LATE_MODULES, ...DISK_MODULES], dependsOf);
  for (const name of names) {
    const rel = (index.get(name) as string).replace(/\.(xz|zst)$/, "");
    mkdirSync(dirname(join(to, rel)), { recursive: true });
    writeFileSync(join(to, rel), image(name));
  }
  for (const file of ["modules.builtin", "modules.order"]) {
    copyFileSync(join(from, file), join(to, file));
  }
  return names;
}

/** Copies a host file to a path under `root`, creating parents. */
function place(root: string, guestPath: string, hostPath: string, mode: number): void {
  const dest = join(root, guestPath);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(hostPath, dest);
  chmodSync(dest, mode);
}

/** Creates a symbolic link under `root`, creating parents. */
function link(root: string, guestPath: string, target: string): void {
  const dest = join(root, guestPath);
  mkdirSync(dirname(dest), { recursive: true });
  symlinkSync(target, dest);
}

import { createHash } from "node:crypto";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { EMULATED_NIC_ID } from "../guest-entry.js";
import { bundleGuest } from "./bundle-guest.js";
import { CpioWriter } from "./cpio-writer.js";
import { type Apt, type DebPackage, extractDeb } from "./debian-packages.js";
import { buildBase } from "./guest-base.js";
import { DISK_MODULES, GUEST_MODULES, LATE_MODULES } from "./kernel-modules.js";
import { sharedLibraries } from "./node-runtime.js";

/** A bootable guest: uncompressed kernel (PVH) and uncompressed cpio initramfs. */
export interface GuestImage {
  kernel: string;
  initrd: string;
  kernelVersion: string;
  initrdBytes: number;
  packages: DebPackage[];
  /** What had to be built this time: nothing, the app layer, or everything. */
  built: "cached" | "initramfs" | "base+initramfs";
  buildMs: number;
}

export interface BuildOptions {
  /** test/vm of the repository (entries/, guest/, image/). */
  vmDir: string;
  cacheDir: string;
  entryNames: readonly string[];
  apt: Apt;
  log(line: string): void;
}

export const sha = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

/**
 * Builds (or finds in the cache) the guest image. Two layers, each keyed by
 * a hash of its inputs: the base (kernel, module subset, busybox, node and
 * its libraries; keyed on package versions, the node binary and this
 * builder's sources) and the initramfs (base + bundled test code + /init).
 * A changed test rebuilds only the initramfs, in about a second.
 */
export async function buildGuestImage(o: BuildOptions): Promise<GuestImage> {
  const started = performance.now();
  const base = await ensureBase(o);
  let built: GuestImage["built"] = base.built ? "base+initramfs" : "cached";
  const { baseDir, baseKey, packages } = base;
  const manifest = { kernelVersion: base.kernelVersion };
  const app = await appFiles(o);
  const imageKey = sha(
    JSON.stringify({ baseKey, app: app.map((f) => [f.path, f.mode, sha(f.data)]) }),
  ).slice(0, 16);
  const imageDir = join(o.cacheDir, `image-${imageKey}`);
  const initrd = join(imageDir, "initramfs.cpio");
  if (!existsSync(initrd)) {
    if (built === "cached") built = "initramfs";
    mkdirSync(imageDir, { recursive: true });
    const writer = new CpioWriter(`${initrd}.tmp`);
    writer.charDevice("dev/console", 5, 1);
    writer.charDevice("dev/null", 1, 3, 0o666);
    // Mount points and the state directory /init expects.
    for (const dir of ["proc", "sys", "tmp", "run", "root", "var/lib/eni-agent"]) writer.dir(dir);
    addTree(writer, join(baseDir, "root"), "");
    for (const f of app) writer.file(f.path, f.data, f.mode);
    writer.close();
    renameSync(`${initrd}.tmp`, initrd);
  }
  prune(o.cacheDir, [baseDir, imageDir], /^(base|image)-/);
  return {
    kernel: join(baseDir, "vmlinux"),
    initrd,
    kernelVersion: manifest.kernelVersion,
    initrdBytes: statSync(initrd).size,
    packages,
    built,
    buildMs: Math.round(performance.now() - started),
  };
}

/** The base layer (kernel, modules, busybox, node), shared by every guest. */
export interface BaseLayer {
  baseDir: string;
  baseKey: string;
  kernelVersion: string;
  packages: DebPackage[];
  /** True when it had to be built this time. */
  built: boolean;
}

/** Builds (or finds in the cache) the base layer; see buildGuestImage. */
export async function ensureBase(
  o: Pick<BuildOptions, "vmDir" | "cacheDir" | "apt" | "log">,
): Promise<BaseLayer> {
  const { kernel: kernelPkg, busybox: busyboxPkg } = o.apt.guestPackages();
  const packages = [kernelPkg, busyboxPkg];
  const node = statSync(process.execPath);
  const libs = sharedLibraries(process.execPath);
  const builderSources = readdirSync(join(o.vmDir, "image"))
    .filter((f) => !f.endsWith(".test.ts"))
    .sort()
    .map((f) => sha(readFileSync(join(o.vmDir, "image", f))));
  const baseKey = sha(
    JSON.stringify({
      packages,
      node: [process.execPath, process.version, node.size, node.mtimeMs],
      libs,
      modules: [GUEST_MODULES, LATE_MODULES, DISK_MODULES],
      builderSources,
    }),
  ).slice(0, 16);
  const baseDir = join(o.cacheDir, `base-${baseKey}`);
  let built = false;
  if (!existsSync(join(baseDir, "manifest.json"))) {
    built = true;
    const debDir = join(o.cacheDir, "debs");
    mkdirSync(debDir, { recursive: true });
    const debs = packages.map((p) => o.apt.download(p, debDir));
    const tmp = `${baseDir}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const [kernelDeb, busyboxDeb] = debs as [string, string];
    extractDeb(kernelDeb, join(tmp, "deb-kernel"));
    extractDeb(busyboxDeb, join(tmp, "deb-busybox"));
    const manifest = buildBase({ dir: tmp, libs, log: o.log });
    rmSync(join(tmp, "deb-kernel"), { recursive: true, force: true });
    rmSync(join(tmp, "deb-busybox"), { recursive: true, force: true });
    writeFileSync(join(tmp, "manifest.json"), JSON.stringify({ ...manifest, packages }, null, 2));
    rmSync(baseDir, { recursive: true, force: true });
    renameSync(tmp, baseDir);
  }
  const manifest = JSON.parse(readFileSync(join(baseDir, "manifest.json"), "utf8")) as {
    kernelVersion: string;
  };
  return { baseDir, baseKey, kernelVersion: manifest.kernelVersion, packages, built };
}

interface AppFile {
  path: string;
  data: Buffer;
  mode: number;
}

/**
 * The guests' `/etc/eni-agent/config.json`, in the daemon's format (a unit
 * test parses it with the schema). The emulated e1000e stands in for ENA:
 * admit it explicitly, and name its kernel driver (the agent knows ENA's,
 * not e1000e's), for restores the journal has no record of.
 */
export const GUEST_CONFIG = {
  allowedDevices: [EMULATED_NIC_ID],
  kernelDrivers: { [EMULATED_NIC_ID]: "e1000e" },
  stateDir: "/var/lib/eni-agent",
};

/** The per-change layer: /init, the bundled guest program, eni-agent's config. */
async function appFiles(o: BuildOptions): Promise<AppFile[]> {
  const init = readFileSync(join(o.vmDir, "guest/init.sh"), "utf8")
    .replace("@MODULES@", GUEST_MODULES.join(" "))
    .replace("@LATE_MODULES@", LATE_MODULES.join(" "));
  const bundle = await bundleGuest(o.vmDir, o.entryNames);
  return [
    { path: "init", data: Buffer.from(init), mode: 0o755 },
    { path: "eni/guest.mjs", data: Buffer.from(bundle), mode: 0o644 },
    {
      path: "etc/eni-agent/config.json",
      data: Buffer.from(JSON.stringify(GUEST_CONFIG)),
      mode: 0o644,
    },
  ];
}

/** Adds a directory tree to the archive in a stable (sorted) order. */
export function addTree(writer: CpioWriter, hostDir: string, archiveDir: string): void {
  for (const name of readdirSync(hostDir).sort()) {
    const host = join(hostDir, name);
    const path = archiveDir === "" ? name : `${archiveDir}/${name}`;
    const st = lstatSync(host);
    if (st.isSymbolicLink()) writer.symlink(path, readlinkSync(host));
    else if (st.isDirectory()) {
      writer.dir(path, st.mode & 0o7777);
      addTree(writer, host, path);
    } else writer.file(path, readFileSync(host), st.mode & 0o7777);
  }
}

/** Removes cached layers matching `pattern` other than the ones in use (each is ~100 MB). */
export function prune(cacheDir: string, keep: string[], pattern: RegExp): void {
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (pattern.test(name) && !keep.includes(path)) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

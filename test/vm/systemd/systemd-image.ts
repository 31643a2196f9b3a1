/**
 * The systemd guest's image: the Debian rootfs (debian-rootfs.ts) on an ext4
 * disk, with the shared base layer's kernel modules and node, npm with an
 * offline cache of eni-agent's dependencies, the `npm pack` tarball, the
 * README's install steps and the documented configurations to run, and the
 * guest program; plus a small busybox initramfs that mounts the disk and
 * hands over to systemd. Each part is cached under a hash of its inputs.
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { makeCa, makeLeaf } from "../../server/certs.js";
import { addTree, ensureBase, prune, sha } from "../image/build-guest-image.js";
import { bundleGuest } from "../image/bundle-guest.js";
import { CpioWriter } from "../image/cpio-writer.js";
import type { Apt } from "../image/debian-packages.js";
import { DISK_MODULES } from "../image/kernel-modules.js";
import { sharedLibraries } from "../image/node-runtime.js";
import { ensureRootfs } from "./debian-rootfs.js";
import { documentedConfigs, type InstallStep, installSteps } from "./doc-blocks.js";
import { GUEST_FILES } from "./guest-files.js";

export const SYSTEMD_ENTRIES = ["systemd-install", "systemd-reboot"] as const;

export interface SystemdImage {
  kernel: string;
  initrd: string;
  /** The ext4 root; copy it before booting (the guest writes to it). */
  disk: string;
  kernelVersion: string;
  tarball: string;
  built: string[];
  buildMs: number;
}

export interface SystemdBuildOptions {
  vmDir: string;
  repoRoot: string;
  cacheDir: string;
  apt: Apt;
  log(line: string): void;
}

/** Where things are in the guest. */
export const GUEST = {
  lib: "/usr/lib/eni-vm",
  npmCache: "/var/cache/eni-vm/npm",
  home: "/root",
} as const;

export async function buildSystemdImage(o: SystemdBuildOptions): Promise<SystemdImage> {
  const started = performance.now();
  const built: string[] = [];
  const base = await ensureBase(o);
  if (base.built) built.push("base");
  const rootfs = ensureRootfs(o);
  if (rootfs.built) built.push("rootfs");
  const work = mkdtempSync(join(tmpdir(), "eni-vm-systemd-"));
  try {
    const tarball = npmPack(o.repoRoot, work);
    const npm = ensureNpmCache(o, tarball);
    if (npm.built) built.push("npm-cache");
    const tls = ensureTls(o.cacheDir);
    const initrd = ensureBootInitramfs(o.cacheDir, base.baseDir, base.baseKey);
    if (initrd.built) built.push("initramfs");

    const bundle = await bundleGuest(o.vmDir, SYSTEMD_ENTRIES, "systemd/entries");
    const readme = readFileSync(join(o.repoRoot, "README.md"), "utf8");
    const daemonDoc = readFileSync(join(o.repoRoot, "docs/daemon.md"), "utf8");
    const app: { path: string; data: Buffer; mode: number }[] = [
      { path: `${GUEST.home}/${tarball.name}`, data: readFileSync(tarball.path), mode: 0o644 },
      { path: `${GUEST.lib}/guest.mjs`, data: Buffer.from(bundle), mode: 0o644 },
      {
        path: `${GUEST.lib}/install-steps.json`,
        data: Buffer.from(JSON.stringify(installSteps(readme), null, 2)),
        mode: 0o644,
      },
      {
        path: `${GUEST.lib}/documented-configs.json`,
        data: Buffer.from(
          JSON.stringify(
            [
              ...documentedConfigs("README.md", readme),
              ...documentedConfigs("docs/daemon.md", daemonDoc),
            ],
            null,
            2,
          ),
        ),
        mode: 0o644,
      },
      ...readdirSync(tls).map((f) => ({
        path: `${GUEST.lib}/tls/${f}`,
        data: readFileSync(join(tls, f)),
        mode: 0o644,
      })),
      ...GUEST_FILES.map((f) => ({ ...f, data: Buffer.from(f.text) })),
    ];
    const diskKey = sha(
      JSON.stringify({
        base: base.baseKey,
        rootfs: rootfs.key,
        npm: npm.key,
        node: process.version,
        app: app.map((f) => [f.path, f.mode, sha(f.data)]),
        builder: readFileSync(new URL(import.meta.url)).toString(),
      }),
    ).slice(0, 16);
    const diskDir = join(o.cacheDir, `systemd-disk-${diskKey}`);
    const disk = join(diskDir, "root.img");
    if (!existsSync(disk)) {
      built.push("disk");
      const stage = join(work, "root");
      o.log("staging the systemd guest's root");
      // cp keeps what mmdebstrap made (device nodes, hard links, owners).
      const cp = spawnSync("cp", ["-a", "--reflink=auto", rootfs.dir, stage], { encoding: "utf8" });
      if (cp.status !== 0) throw new Error(`cp -a of the rootfs failed: ${cp.stderr}`);
      for (const f of app) {
        const dest = join(stage, f.path);
        mkdirSync(dirname(dest), { recursive: true });
        writeFileSync(dest, f.data, { mode: f.mode });
      }
      prepareRoot(stage, base.baseDir, base.kernelVersion, npm.cacheDir);
      const ran = runPackageSteps(stage, installSteps(readme), o.log);
      writeFileSync(join(stage, `${GUEST.lib.slice(1)}/package-steps.json`), JSON.stringify(ran));
      rmSync(join(stage, GUEST.npmCache.slice(1)), { recursive: true, force: true });
      mkdirSync(diskDir, { recursive: true });
      makeExt4(stage, `${disk}.tmp`);
      renameSync(`${disk}.tmp`, disk);
    }
    prune(
      o.cacheDir,
      [diskDir, initrd.dir, npm.dir, dirname(rootfs.dir), tls],
      /^systemd-(disk|boot|npm|rootfs|tls)-/,
    );
    return {
      kernel: join(base.baseDir, "vmlinux"),
      initrd: initrd.path,
      disk,
      kernelVersion: base.kernelVersion,
      tarball: tarball.name,
      built,
      buildMs: Math.round(performance.now() - started),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `npm pack`: the tarball a user installs (the prepare script builds dist/ first). */
function npmPack(repoRoot: string, dir: string): { path: string; name: string } {
  const r = spawnSync("npm", ["pack", "--silent", "--pack-destination", dir], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  const name = r.stdout.trim().split("\n").pop() ?? "";
  if (r.status !== 0 || !name.endsWith(".tgz")) {
    throw new Error(`npm pack failed (${r.status}): ${r.stderr.slice(-2000)}`);
  }
  return { path: join(dir, name), name };
}

/**
 * The guest has no package registry: npm there reads a cache filled here by
 * installing the same tarball once, keyed on the lock file (the dependencies
 * it pins) and npm's version.
 */
function ensureNpmCache(
  o: SystemdBuildOptions,
  tarball: { path: string },
): { dir: string; cacheDir: string; key: string; built: boolean } {
  const npmVersion = spawnSync("npm", ["--version"], { encoding: "utf8" }).stdout.trim();
  const key = sha(
    JSON.stringify({
      lock: readFileSync(join(o.repoRoot, "package-lock.json")).toString(),
      npmVersion,
    }),
  ).slice(0, 16);
  const dir = join(o.cacheDir, `systemd-npm-${key}`);
  const cacheDir = join(dir, "cache");
  if (existsSync(join(dir, "done"))) return { dir, cacheDir, key, built: false };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  o.log("filling the guest's npm cache (npm install -g of the packed tarball)");
  const r = spawnSync(
    "npm",
    [
      "install",
      "-g",
      "--prefix",
      join(dir, "prefix"),
      "--cache",
      cacheDir,
      "--no-audit",
      "--no-fund",
      tarball.path,
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`npm install for the cache failed: ${r.stderr.slice(-2000)}`);
  rmSync(join(dir, "prefix"), { recursive: true, force: true });
  writeFileSync(join(dir, "done"), "");
  return { dir, cacheDir, key, built: true };
}

/** Certificates for the documented example's TCP listener, made once a day (they last two). */
function ensureTls(cacheDir: string): string {
  const dir = join(cacheDir, `systemd-tls-${new Date().toISOString().slice(0, 10)}`);
  if (existsSync(join(dir, "server.pem"))) return dir;
  const work = join(dir, ".work");
  mkdirSync(work, { recursive: true });
  makeCa(work, "ca");
  const server = makeLeaf(work, "ca", "server", {
    cn: "eni-agent",
    san: "DNS:localhost,IP:127.0.0.1",
    usage: "serverAuth",
  });
  writeFileSync(join(dir, "server-key.pem"), server.key);
  copyFileSync(join(work, "ca.crt"), join(dir, "clients-ca.pem"));
  writeFileSync(join(dir, "server.pem"), server.cert);
  rmSync(work, { recursive: true, force: true });
  return dir;
}

/** busybox, the disk modules, and an /init that mounts the disk and starts systemd. */
function ensureBootInitramfs(
  cacheDir: string,
  baseDir: string,
  baseKey: string,
): { dir: string; path: string; built: boolean } {
  const init = readFileSync(new URL("./boot-init.sh", import.meta.url), "utf8").replace(
    "@MODULES@",
    DISK_MODULES.join(" "),
  );
  const key = sha(JSON.stringify({ baseKey, init })).slice(0, 16);
  const dir = join(cacheDir, `systemd-boot-${key}`);
  const path = join(dir, "initramfs.cpio");
  if (existsSync(path)) return { dir, path, built: false };
  mkdirSync(dir, { recursive: true });
  const writer = new CpioWriter(`${path}.tmp`);
  writer.charDevice("dev/console", 5, 1);
  for (const d of ["proc", "sys", "newroot"]) writer.dir(d);
  const root = join(baseDir, "root");
  // Only busybox and the modules: node and its libraries stay on the disk.
  addTree(writer, join(root, "bin"), "bin");
  for (const d of ["sbin", "usr"]) {
    if (existsSync(join(root, d))) addLinksOnly(writer, join(root, d), d);
  }
  addTree(writer, join(root, "lib/modules"), "lib/modules");
  writer.file("init", Buffer.from(init), 0o755);
  writer.close();
  renameSync(`${path}.tmp`, path);
  return { dir, path, built: true };
}

/** The busybox applet links under `hostDir` (node and its libraries are skipped). */
function addLinksOnly(writer: CpioWriter, hostDir: string, archiveDir: string): void {
  for (const ent of readdirSync(hostDir, { withFileTypes: true })) {
    const host = join(hostDir, ent.name);
    const path = `${archiveDir}/${ent.name}`;
    if (ent.isSymbolicLink()) {
      const target = spawnSync("readlink", [host], { encoding: "utf8" }).stdout.trim();
      if (target === "/bin/busybox") writer.symlink(path, target);
    } else if (ent.isDirectory()) addLinksOnly(writer, host, path);
  }
}

/**
 * What the guest's root gets besides Debian: the kernel's module subset with
 * kmod's own depmod (udev needs modules.alias to load e1000e), node and any
 * library of it Debian lacks, npm and its cache, systemd settings for a quick
 * boot.
 */
function prepareRoot(
  stage: string,
  baseDir: string,
  kernelVersion: string,
  npmCache: string,
): void {
  const modules = join(stage, "usr/lib/modules", kernelVersion);
  cpSync(join(baseDir, "root/lib/modules", kernelVersion), modules, { recursive: true });
  for (const f of readdirSync(modules))
    if (f.startsWith("modules.") && f !== "modules.builtin" && f !== "modules.order")
      rmSync(join(modules, f));
  const depmod = spawnSync("chroot", [stage, "/sbin/depmod", "-a", kernelVersion], {
    encoding: "utf8",
  });
  if (depmod.status !== 0) throw new Error(`depmod in the guest root failed: ${depmod.stderr}`);

  copyFileSync(join(baseDir, "root/usr/bin/node"), join(stage, "usr/bin/node"));
  for (const lib of sharedLibraries(process.execPath)) {
    const dest = join(stage, lib.guestPath);
    if (!existsSync(dest)) {
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(lib.hostPath, dest);
    }
  }
  const npmDir = dirname(
    dirname(realpathSync(spawnSync("which", ["npm"], { encoding: "utf8" }).stdout.trim())),
  );
  cpSync(npmDir, join(stage, "usr/lib/node_modules/npm"), {
    recursive: true,
    verbatimSymlinks: true,
  });
  symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", join(stage, "usr/bin/npm"));
  cpSync(npmCache, join(stage, GUEST.npmCache.slice(1)), { recursive: true });

  writeFileSync(join(stage, "etc/hostname"), "eni-vm\n");
  writeFileSync(join(stage, "etc/machine-id"), `${sha("eni-vm-systemd-guest").slice(0, 32)}\n`);
  writeFileSync(join(stage, "etc/fstab"), "/dev/vda / ext4 rw,noatime 0 0\n");
  // Nothing logs in; timers would only compete with the tests for the one vCPU.
  for (const wants of ["getty.target.wants", "timers.target.wants", "sysinit.target.wants"]) {
    rmSync(join(stage, "etc/systemd/system", wants), { recursive: true, force: true });
  }
  const systemctl = (...args: string[]) => {
    const r = spawnSync("systemctl", [`--root=${stage}`, ...args], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`systemctl ${args.join(" ")}: ${r.stderr}`);
  };
  systemctl("mask", "serial-getty@.service", "getty@.service", "systemd-pstore.service");
  systemctl("enable", "systemd-networkd.service", "systemd-networkd-wait-online.service");
  systemctl("enable", "eni-vm-guest.service");
}

/** A README step that installs the package (it runs npm): done at build time. */
export function isPackageStep(step: InstallStep): boolean {
  return step.kind === "sh" && /\bnpm install\b/.test(step.text);
}

/**
 * The README's package step, as written, in the guest's root (chroot) on the
 * build machine: npm in the booted guest, under software emulation, took over
 * four minutes for what takes fifteen seconds here. It reads the cache that
 * ensureNpmCache filled (the guest has no registry).
 */
function runPackageSteps(
  stage: string,
  steps: readonly InstallStep[],
  log: (line: string) => void,
): { text: string; code: number | null; ms: number; output: string }[] {
  const out: { text: string; code: number | null; ms: number; output: string }[] = [];
  for (const step of steps.filter(isPackageStep)) {
    log(`in the guest's root: ${step.text.trim()}`);
    const started = performance.now();
    const r = spawnSync("chroot", [stage, "/bin/sh", "-ec", `cd ${GUEST.home}\n${step.text}`], {
      encoding: "utf8",
      env: {
        PATH: "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
        HOME: GUEST.home,
        npm_config_offline: "true",
        npm_config_cache: GUEST.npmCache,
        npm_config_update_notifier: "false",
        npm_config_fund: "false",
        npm_config_audit: "false",
      },
      maxBuffer: 64 << 20,
    });
    const ms = Math.round(performance.now() - started);
    out.push({
      text: step.text,
      code: r.status,
      ms,
      output: `${r.stdout}${r.stderr}`.slice(-3000),
    });
    if (r.status !== 0) break;
  }
  return out;
}

/** An ext4 image of `dir` with room for the install and the test's state. */
function makeExt4(dir: string, image: string): void {
  const du = spawnSync("du", ["-sm", dir], { encoding: "utf8" });
  const usedMb = Number(du.stdout.split(/\s/)[0]);
  const sizeMb = Math.ceil(usedMb * 1.3) + 512;
  rmSync(image, { force: true });
  const r = spawnSync(
    "mkfs.ext4",
    ["-q", "-F", "-L", "eni-vm-root", "-E", "root_owner=0:0", "-d", dir, image, `${sizeMb}M`],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`mkfs.ext4 failed: ${r.stderr}`);
  if (statSync(image).size === 0) throw new Error("mkfs.ext4 made an empty image");
}

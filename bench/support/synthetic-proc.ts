/**
 * A synthetic procfs for the holder scan: `<dir>/<pid>/fd/<n>` symbolic links
 * and `<dir>/<pid>/comm`, as many processes and descriptors as a busy
 * Kubernetes node has, written as a real directory tree so that the real
 * scanner reads it with the same system calls as /proc.
 *
 * Descriptor targets follow what /proc/<pid>/fd shows on such a node: mostly
 * sockets, pipes and anonymous inodes, some regular files and terminals. The
 * layout is deterministic (a seeded generator), so every run reads the same
 * tree.
 */

import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mulberry32 } from "./seeded-random.js";

export interface SyntheticProcOptions {
  processes: number;
  /** Descriptors per process, drawn uniformly from [min, max]. */
  fds: { min: number; max: number };
  /** Node held by the first process in scan order (lowest pid). */
  heldFirst?: string;
  /** Node held by the last process in scan order (highest pid). */
  heldLast?: string;
  seed?: number;
}

export interface SyntheticProc {
  root: string;
  processes: number;
  descriptors: number;
  firstPid: number;
  lastPid: number;
}

/** Pids start here and leave gaps, as on a host that has been up a while. */
const FIRST_PID = 300;

export function writeSyntheticProc(root: string, options: SyntheticProcOptions): SyntheticProc {
  const random = mulberry32(options.seed ?? 18);
  const span = options.fds.max - options.fds.min + 1;
  let pid = FIRST_PID;
  let descriptors = 0;
  for (let i = 0; i < options.processes; i += 1) {
    if (i > 0) pid += 1 + Math.floor(random() * 3);
    const fdDir = join(root, String(pid), "fd");
    mkdirSync(fdDir, { recursive: true });
    writeFileSync(join(root, String(pid), "comm"), `worker-${i % 97}\n`);
    const count = options.fds.min + Math.floor(random() * span);
    const held =
      i === 0 ? options.heldFirst : i === options.processes - 1 ? options.heldLast : undefined;
    // The held node sits among the others, not at a fixed descriptor.
    const heldAt = held === undefined ? -1 : Math.floor(random() * count);
    for (let fd = 0; fd < count; fd += 1) {
      const target = fd === heldAt ? held! : targetFor(fd, pid, random);
      symlinkSync(target, join(fdDir, String(fd)));
    }
    descriptors += count;
  }
  return {
    root,
    processes: options.processes,
    descriptors,
    firstPid: FIRST_PID,
    lastPid: pid,
  };
}

function targetFor(fd: number, pid: number, random: () => number): string {
  if (fd < 3) return fd === 0 ? "/dev/null" : `pipe:[${pid * 7 + fd}]`;
  const r = random();
  const inode = 10_000_000 + Math.floor(random() * 90_000_000);
  if (r < 0.55) return `socket:[${inode}]`;
  if (r < 0.7) return `pipe:[${inode}]`;
  if (r < 0.82) return r < 0.76 ? "anon_inode:[eventpoll]" : "anon_inode:[eventfd]";
  if (r < 0.95) return `/var/lib/containers/storage/overlay/${inode}/diff/app.log`;
  return "/dev/pts/0";
}

/**
 * Keeps a simulated kernel in a JSON file, so that a process killed with
 * SIGKILL in the middle of a transaction leaves the "kernel" behind, as a
 * real host would, and the next process continues from it.
 *
 * The file is replaced atomically after every state change (temp file,
 * fsync, rename), synchronously in the same turn as the change: a kill can
 * only ever leave the state before or after a write, never half of one.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import { dirname } from "node:path";
import { AgentError } from "../common/index.js";
import { SimKernel } from "./sim-kernel.js";
import type { SimKernelState } from "./sim-state.js";

/** Writes the kernel's state to `file` atomically. */
export function saveKernelState(kernel: SimKernel, file: string): void {
  const temp = `${file}.${randomUUID()}.tmp`;
  const fd = fs.openSync(temp, "w", 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(kernel.snapshot()));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}

/** Reads a kernel saved by saveKernelState/persistKernel. Throws NOT_FOUND when absent. */
export function loadKernelState(file: string): SimKernel {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new AgentError("NOT_FOUND", `no simulator state at ${file}`, { cause: err });
  }
  return SimKernel.fromState(JSON.parse(text) as SimKernelState);
}

/**
 * Saves the kernel now and after every change; returns a function that
 * stops saving. The directory of `file` must exist.
 */
export function persistKernel(kernel: SimKernel, file: string): () => void {
  if (!fs.existsSync(dirname(file))) {
    throw new AgentError("NOT_FOUND", `directory of ${file} does not exist`);
  }
  saveKernelState(kernel, file);
  return kernel.onChange((k) => saveKernelState(k, file));
}

/**
 * The kernel saved in `file` (or, when there is none, `create()` saved
 * there), kept up to date in the file from now on.
 */
export function openPersistentKernel(file: string, create: () => SimKernel): SimKernel {
  const kernel = fs.existsSync(file) ? loadKernelState(file) : create();
  persistKernel(kernel, file);
  return kernel;
}

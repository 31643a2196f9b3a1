/**
 * Keeps a simulated kernel in a JSON file, so that a process killed with
 * SIGKILL in the middle of a transaction leaves the "kernel" behind, as a
 * real host would, and the next process continues from it.
 *
 * The file is replaced atomically after every state change
 * (atomicWriteFileSync), synchronously in the same turn as the change: a
 * kill can only ever leave the state before or after a write, never half of
 * one.
 */
import * as fs from "node:fs";
import { basename, dirname } from "node:path";
import { AgentError, atomicWriteFileSync } from "../common/index.js";
import { SimKernel } from "./sim-kernel.js";
import type { SimKernelState } from "./sim-state.js";

/** Writes the kernel's state to `file` atomically. */
export function saveKernelState(kernel: SimKernel, file: string): void {
  atomicWriteFileSync(dirname(file), basename(file), JSON.stringify(kernel.snapshot()));
}

/**
 * Reads a kernel saved by saveKernelState/persistKernel. Throws NOT_FOUND
 * when absent, FAILED_PRECONDITION (naming the file) when it is unreadable
 * or not a saved kernel.
 */
export function loadKernelState(file: string): SimKernel {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code;
    if (errno === "ENOENT") {
      throw new AgentError("NOT_FOUND", `no simulator state at ${file}`, { cause: err });
    }
    throw unreadable(file, `cannot read it (${errno})`, err);
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (err) {
    throw unreadable(file, `not JSON: ${(err as Error).message}`, err);
  }
  const why = stateProblem(state);
  if (why !== null) throw unreadable(file, why);
  return SimKernel.fromState(state as SimKernelState);
}

/** The top level of a saved kernel; a file that passes was written by saveKernelState. */
function stateProblem(state: unknown): string | null {
  if (typeof state !== "object" || state === null) return "not an object";
  const s = state as Record<string, unknown>;
  if (s.format !== 1) return `unknown format ${JSON.stringify(s.format)}`;
  const lists = ["modules", "drivers", "devices", "removed", "processes", "routes", "probeFaults"];
  const maps = ["config", "catalog", "dynids"];
  const missing = [
    ...lists.filter((k) => !Array.isArray(s[k])),
    ...maps.filter((k) => typeof s[k] !== "object" || s[k] === null),
  ];
  return missing.length === 0 ? null : `fields missing or malformed: ${missing.join(", ")}`;
}

function unreadable(file: string, why: string, cause?: unknown): AgentError {
  return new AgentError("FAILED_PRECONDITION", `simulator state ${file} is unreadable: ${why}`, {
    path: file,
    remedy: "start with --fresh to forget the kept simulated host, or remove the file",
    cause,
  });
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

/**
 * Child processes of a guest entry: node started again on the guest's own
 * bundle with `--child <entry> <name> ...args`, so a child runs code of the
 * entry (GuestEntryModule.children) without a second bundle. The parent
 * reads the child's stdout line by line and waits for markers it prints.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export const CHILD_FLAG = "--child";

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface GuestChildProcess {
  readonly pid: number;
  /** Every stdout line so far. */
  readonly lines: readonly string[];
  /** stderr so far (for failure details). */
  stderr(): string;
  /** The first stdout line (seen or future) that `match` accepts; rejects on exit or after `timeoutMs`. */
  waitFor(match: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ChildExit>;
  /** Sends a signal (no-op once exited) and waits up to `timeoutMs` for the exit. */
  kill(signal: NodeJS.Signals, timeoutMs?: number): Promise<ChildExit | null>;
}

/** Starts `children[name]` of `entry` in a new node process. */
export function spawnGuestChild(
  entry: string,
  name: string,
  args: readonly string[] = [],
): GuestChildProcess {
  const script = process.argv[1];
  if (script === undefined) throw new Error("guest child: no script path in process.argv");
  const child = spawn(process.execPath, [script, CHILD_FLAG, entry, name, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return track(child);
}

function track(child: ChildProcess): GuestChildProcess {
  if (child.pid === undefined) throw new Error("guest child: spawn failed (no pid)");
  const lines: string[] = [];
  const waiters = new Set<(line: string | null) => void>();
  let stderr = "";
  let exit: ChildExit | null = null;
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout! }).on("line", (line) => {
    lines.push(line);
    for (const w of waiters) w(line);
  });
  const exited = new Promise<ChildExit>((resolve) => {
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      for (const w of waiters) w(null);
      resolve(exit);
    });
  });
  return {
    pid: child.pid,
    lines,
    stderr: () => stderr,
    exited,
    waitFor(match, timeoutMs) {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const done = (outcome: () => void) => {
          clearTimeout(timer);
          waiters.delete(waiter);
          outcome();
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`no such line within ${timeoutMs} ms`))),
          timeoutMs,
        );
        const waiter = (line: string | null) => {
          if (line === null) {
            const why = `child exited (${JSON.stringify(exit)}) before the line; stderr: ${stderr}`;
            done(() => reject(new Error(why)));
          } else if (match(line)) done(() => resolve(line));
        };
        if (exit !== null) waiter(null);
        else waiters.add(waiter);
      });
    },
    async kill(signal, timeoutMs = 10_000) {
      if (exit !== null) return exit;
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), timeoutMs);
      });
      const result = await Promise.race([exited, late]);
      clearTimeout(timer);
      return result;
    },
  };
}

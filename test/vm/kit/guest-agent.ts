/**
 * eni-agent's driver engine composed inside a test guest the way the agent
 * composes it: the real sysfs, procfs and holder adapters on the guest's
 * roots, a file journal in its state directory, and the guest's
 * configuration file. Also: the journal as recorded, read back independently.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { configuredPrimary, engineOptions } from "../../../src/agent/agent-engine.js";
import { parseConfig } from "../../../src/agent/config-schema.js";
import {
  DriverEngine,
  type DriverEngineDeps,
  type DriverEngineOptions,
  decodeJournal,
  FileJournal,
  foldJournal,
  type OperationView,
} from "../../../src/driver/index.js";
import {
  RealDefaultRouteReader,
  RealHolderScanner,
  RealSysfs,
  type Sysfs,
} from "../../../src/sysfs/index.js";
import type { GuestContext } from "../guest-entry.js";

/** What a guest engine needs of the guest; children get it as JSON in their arguments. */
export type GuestRoots = Pick<GuestContext, "sysRoot" | "procRoot" | "stateDir" | "configPath">;

export function rootsOf(ctx: GuestRoots): GuestRoots {
  const { sysRoot, procRoot, stateDir, configPath } = ctx;
  return { sysRoot, procRoot, stateDir, configPath };
}

export interface GuestEngineOptions {
  /** Wraps the real sysfs adapter (e.g. to hide a file from preflight). */
  sysfs?: (real: Sysfs) => Sysfs;
  boundary?: DriverEngineDeps["boundary"];
  engine?: DriverEngineOptions;
}

export function guestEngine(roots: GuestRoots, options: GuestEngineOptions = {}): DriverEngine {
  requireTestGuest(roots.procRoot);
  const config = parseConfig(JSON.parse(readFileSync(roots.configPath, "utf8")), roots.configPath);
  const real = new RealSysfs({ root: roots.sysRoot });
  return new DriverEngine(
    {
      sysfs: options.sysfs ? options.sysfs(real) : real,
      journal: new FileJournal({ stateDir: roots.stateDir }),
      holders: new RealHolderScanner({ procRoot: roots.procRoot }),
      routes: new RealDefaultRouteReader({ procRoot: roots.procRoot, blockingReads: true }),
      primary: { primary: async () => configuredPrimary(config) },
      addresses: { addresses: async () => [] },
      kernelRelease: readFileSync(join(roots.procRoot, "sys/kernel/osrelease"), "utf8").trim(),
      boundary: options.boundary,
    },
    { ...engineOptions(config), ...options.engine },
  );
}

/** Every operation in the guest's journal file, oldest first, decoded without the engine. */
export function journalOperations(stateDir: string): OperationView[] {
  let text = "";
  try {
    text = readFileSync(join(stateDir, "journal.log"), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const loaded = decodeJournal(text);
  if (loaded.problems.length > 0) {
    throw new Error(`journal problems: ${JSON.stringify(loaded.problems)}`);
  }
  return foldJournal(loaded.records);
}

/**
 * Safety belt: these helpers write sysfs, so they refuse to run anywhere but
 * in a test guest (whose kernel command line names the harness's nonce).
 */
export function requireTestGuest(procRoot: string): void {
  const cmdline = readFileSync(join(procRoot, "cmdline"), "utf8");
  if (!/(^|\s)eni\.nonce=/.test(cmdline)) {
    throw new Error("refusing to write sysfs outside a test guest (no eni.nonce on the cmdline)");
  }
}

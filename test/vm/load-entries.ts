import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { GUEST_CONFIG_NAMES, type GuestConfigName, type GuestEntryModule } from "./guest-entry.js";

export interface EntryInfo {
  /** File name without `.ts`; also its name on the kernel command line. */
  name: string;
  configs: readonly GuestConfigName[];
  nics: number;
  virtioNic: boolean;
  timeoutMs: number;
}

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Finds the guest entries (every `*.ts` under `dir`) and reads their options
 * by importing them on the host, so entry files must not do work at import.
 */
export async function loadEntries(dir: string): Promise<EntryInfo[]> {
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
  const entries: EntryInfo[] = [];
  for (const file of files.sort()) {
    const name = file.slice(0, -3);
    if (!NAME.test(name)) throw new Error(`entry file name ${file}: use [a-z0-9-] only`);
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Partial<GuestEntryModule>;
    if (typeof mod.run !== "function") throw new Error(`entry ${file} exports no run()`);
    const configs = mod.configs ?? GUEST_CONFIG_NAMES;
    const unknown = configs.filter((c) => !GUEST_CONFIG_NAMES.includes(c));
    if (unknown.length > 0) throw new Error(`entry ${file}: unknown configs ${unknown.join(", ")}`);
    entries.push({
      name,
      configs,
      nics: mod.nics ?? 3,
      virtioNic: mod.virtioNic === true,
      timeoutMs: mod.timeoutMs ?? 180_000,
    });
  }
  return entries;
}

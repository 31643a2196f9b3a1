/**
 * Hot reload of the configuration file: a chokidar watch on the file's
 * directory (editors and config management replace files by rename, which a
 * watch on the file itself loses) plus `reload()` for SIGHUP. Changes are
 * debounced and reloads serialized; a file that fails to load or validate is
 * reported and the running configuration stays.
 */
import { basename, dirname, resolve } from "node:path";
import { type FSWatcher, watch } from "chokidar";
import { type AgentError, type Service, toAgentError } from "../common/index.js";
import type { AgentConfig } from "./config-schema.js";

export type ReloadTrigger = "file" | "signal";

export type ReloadResult = { ok: true; config: AgentConfig } | { ok: false; error: AgentError };

interface ConfigWatcherDeps {
  /** Reads and validates the file. */
  load: () => Promise<AgentConfig>;
  /** Called with every configuration that loaded; the daemon applies what it can. */
  apply: (config: AgentConfig, trigger: ReloadTrigger) => void | Promise<void>;
  /** Called with the reason a reload was refused (the old configuration stays). */
  refused: (error: AgentError, trigger: ReloadTrigger) => void;
}

interface ConfigWatcherOptions {
  /** The file to watch; null: reload on signal only. */
  path: string | null;
  /**
   * Quiet time after the last change before reloading, in ms. Default 200,
   * at least 100: chokidar drops a change event that follows the previous
   * one within 50 ms, so the reload must read after that window closes.
   */
  debounceMs?: number;
}

export class ConfigWatcher implements Service {
  readonly name = "config-watcher";
  readonly #deps: ConfigWatcherDeps;
  readonly #path: string | null;
  readonly #debounceMs: number;
  #watcher: FSWatcher | null = null;
  #timer: NodeJS.Timeout | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(deps: ConfigWatcherDeps, options: ConfigWatcherOptions) {
    this.#deps = deps;
    this.#path = options.path === null ? null : resolve(options.path);
    this.#debounceMs = Math.max(100, options.debounceMs ?? 200);
  }

  async start(_signal: AbortSignal): Promise<void> {
    if (this.#path === null || this.#watcher !== null) return;
    const file = this.#path;
    const dir = dirname(file);
    this.#stopped = false;
    const watcher = watch(dir, {
      depth: 0,
      ignoreInitial: true,
      // Only the file itself (the directory is watched to survive renames).
      ignored: (p: string) => p !== dir && p !== file,
    });
    this.#watcher = watcher;
    watcher.on("all", (_event, changed) => {
      if (basename(changed) === basename(file)) this.#schedule();
    });
    // A missing directory is not an error: SIGHUP still reloads.
    watcher.on("error", () => undefined);
    await new Promise<void>((ready) => watcher.once("ready", () => ready()));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const watcher = this.#watcher;
    this.#watcher = null;
    await watcher?.close();
    await this.#queue;
  }

  /** Loads the file now (SIGHUP); resolves with the outcome. Never rejects. */
  reload(trigger: ReloadTrigger = "signal"): Promise<ReloadResult> {
    const run = this.#queue.then(() => this.#reload(trigger));
    this.#queue = run;
    return run;
  }

  #schedule(): void {
    if (this.#stopped) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.reload("file");
    }, this.#debounceMs);
  }

  async #reload(trigger: ReloadTrigger): Promise<ReloadResult> {
    let config: AgentConfig;
    try {
      config = await this.#deps.load();
    } catch (err) {
      const error = toAgentError(err);
      this.#deps.refused(error, trigger);
      return { ok: false, error };
    }
    try {
      await this.#deps.apply(config, trigger);
    } catch (err) {
      const error = toAgentError(err);
      this.#deps.refused(error, trigger);
      return { ok: false, error };
    }
    return { ok: true, config };
  }
}

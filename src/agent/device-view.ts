/**
 * The last device listing, kept between calls so that a controller polling
 * ListDevices costs the daemon a lookup instead of a scan of every device
 * (on a real host a scan is milliseconds of sysfs reads through the thread
 * pool; a hundred pollers would queue behind each other).
 *
 * A kept listing is answered only while it is still right as far as the
 * agent can know:
 * - `invalidate()` drops it; the core calls it for every event it emits
 *   (operation steps, devices added or removed, drivers changed), so a
 *   caller that saw its bind succeed lists the new driver;
 * - the inputs it was joined with (IMDS identity, configuration) are
 *   compared by identity on every call: each refresh or reload makes new
 *   objects, so a change in either rebuilds it;
 * - it expires after `maxAgeMs` (the device poll interval), which bounds how
 *   long a change made outside the agent can go unseen, the same bound the
 *   device watcher puts on its events.
 *
 * Concurrent callers share one scan; `fresh` callers always get a scan that
 * started after they asked.
 */
import type { DeviceList } from "../server/core-types.js";

interface DeviceViewDeps {
  /** Reads sysfs and joins it into records (the expensive part). */
  build: () => Promise<DeviceList["devices"]>;
  /** Objects a listing was joined with; a change of identity in any rebuilds it. */
  inputs: () => readonly unknown[];
  /** How long a listing may answer when nothing invalidated it. */
  maxAgeMs: () => number;
  now?: () => number;
}

interface Build {
  generation: number;
  inputs: readonly unknown[];
  startedAt: number;
  list: Promise<DeviceList>;
}

export class DeviceView {
  readonly #deps: DeviceViewDeps;
  readonly #now: () => number;
  #generation = 0;
  /** The newest build, running or finished; reused while it is valid. */
  #latest: Build | null = null;
  #settled = false;

  constructor(deps: DeviceViewDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** The listing, from the kept one when it is valid, else from a new scan. */
  list(options: { fresh: boolean }): Promise<DeviceList> {
    const latest = this.#latest;
    if (!options.fresh && latest !== null && this.#valid(latest)) return latest.list;
    return this.#build();
  }

  /** Something the listing shows may have changed: the next call scans again. */
  invalidate(): void {
    this.#generation++;
  }

  #valid(build: Build): boolean {
    if (build.generation !== this.#generation) return false;
    const inputs = this.#deps.inputs();
    if (inputs.length !== build.inputs.length) return false;
    if (inputs.some((input, i) => input !== build.inputs[i])) return false;
    // A running scan is shared whatever its age: it started after the last change.
    return !this.#settled || this.#now() - build.startedAt < this.#deps.maxAgeMs();
  }

  #build(): Promise<DeviceList> {
    const startedAt = this.#now();
    const list = this.#deps.build().then((devices) => ({
      devices,
      observedAt: new Date(startedAt),
    }));
    const build: Build = {
      generation: this.#generation,
      inputs: this.#deps.inputs(),
      startedAt,
      list,
    };
    this.#latest = build;
    this.#settled = false;
    list.then(
      () => {
        if (this.#latest === build) this.#settled = true;
      },
      () => {
        // A failed scan is never kept: the next caller tries again.
        if (this.#latest === build) this.#latest = null;
      },
    );
    return list;
  }
}

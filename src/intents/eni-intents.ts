/**
 * The controller contract's engine room: intents by ENI id, stored before the
 * ENI is attached and applied when it is present (at once, on hot-attach,
 * after a reboot), the release handshake, level-triggered sync and status.
 *
 * Two orders keep it consistent. Every change of the stored state runs in
 * one queue (decide on the latest state, save, then publish), so two ENIs'
 * changes never lose each other. Everything done to one ENI (apply,
 * release) runs in that ENI's queue, so a release waits for a bind in
 * flight and a newer generation for the older one's bind.
 *
 * A release is marked in the state file before the device moves: a crash
 * between the restore and the drop leaves an intent marked releasing, which
 * the next start finishes rather than binds again.
 */
import {
  AgentError,
  type DriverName,
  type EniId,
  type Mac,
  type Service,
  toAgentError,
} from "../common/index.js";
import { decidePut, fenceRelease, type PutRequest } from "./decide.js";
import { type IntentState, type IntentStore, MAX_RELEASED } from "./intent-store.js";
import type {
  EniIntent,
  EniLocation,
  EniPhase,
  EniStatus,
  IntentCaller,
  PresentDevice,
  ReleaseMode,
  ReleaseOutcome,
} from "./intent-types.js";
import { isFinal, markDeleting, pendingDeletes } from "./pending-delete.js";
import { RequestLedger } from "./request-ledger.js";

export interface IntentLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface EniIntentsDeps {
  store: IntentStore;
  /** Where an ENI is attached (IMDS), asked only when the intent names no MAC. */
  locate: (eniId: EniId) => Promise<EniLocation>;
  /** The device that has this MAC now (live, or moved off the kernel by the agent); null: none. */
  deviceOf: (mac: Mac) => Promise<PresentDevice | null>;
  /**
   * Binds and verifies (the driver engine's transaction); rejects with
   * AgentError. `requestedBy` names the intent's owner ("intent:<owner>"),
   * which the operation records as who asked.
   */
  bind: (address: string, driver: DriverName, requestedBy: string) => Promise<void>;
  /** Restores to the kernel driver and verifies; FAILED_PRECONDITION names a holder's pid. */
  restore: (address: string, requestedBy: string) => Promise<void>;
  /** False while the agent stops or the instance terminates: nothing binds then. */
  mayBind: () => boolean;
  log: IntentLog;
  /**
   * Detaches the ENI, waits until EC2 shows it available, deletes it; only
   * an ENI this agent owns (FAILED_PRECONDITION, guard "not-owned",
   * otherwise). Absent: mode detach-and-delete is FAILED_PRECONDITION.
   */
  detachAndDelete?: (eniId: EniId) => Promise<void>;
  /** Each change of an ENI's phase or observed generation, as its status (WatchEvents). */
  publish?: (status: EniStatus) => void;
}

export interface PutIntentRequest extends PutRequest {}

export interface ReleaseRequest {
  eniId: EniId;
  owner: string;
  requestId: string;
  force: boolean;
  /** Default "restore". */
  mode?: ReleaseMode;
}

export interface ReleaseResult {
  outcome: ReleaseOutcome;
  status: EniStatus;
}

export interface SyncRequest {
  owner: string;
  requestId: string;
  intents: readonly Omit<PutRequest, "owner" | "force" | "requestId">[];
}

export interface SyncResult {
  statuses: EniStatus[];
  /** Intents of the set that were refused, and releases that failed, by ENI id. */
  failures: { eniId: EniId; error: AgentError }[];
}

type Busy = "binding" | "releasing";

/** An ENI's MAC and device as read now; `unknown` says why neither could be read. */
interface Found {
  mac: Mac | null;
  device: PresentDevice | null;
  unknown: string | null;
}

export class EniIntents implements Service {
  readonly name = "eni-intents";
  readonly #deps: EniIntentsDeps;
  readonly #ledger = new RequestLedger();
  #state: IntentState = { intents: [], released: [] };
  #loaded = false;
  /** The queue of state changes (see the file comment). */
  #writes: Promise<unknown> = Promise.resolve();
  /** Each ENI's queue of work. */
  readonly #queues = new Map<EniId, Promise<unknown>>();
  readonly #busy = new Map<EniId, Busy>();
  readonly #failures = new Map<EniId, AgentError>();
  readonly #observed = new Map<EniId, number>();
  /** The last phase published per ENI, "phase/observed generation". */
  readonly #published = new Map<EniId, string>();
  readonly #inflight = new Set<Promise<unknown>>();
  #sweep: Promise<void> | null = null;
  #sweepAgain = false;
  #stopped = false;

  constructor(deps: EniIntentsDeps) {
    this.#deps = deps;
  }

  /** Loads the stored intents, then applies them (and finishes releases) in the background. */
  async start(_signal: AbortSignal): Promise<void> {
    this.#state = await this.#deps.store.load();
    this.#loaded = true;
    this.#stopped = false;
    this.reconcile();
  }

  /** Waits for work in flight; starts none after. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }

  /**
   * Stores the intent and applies it at once when the ENI is present.
   * Resolves with the ENI's status (BOUND, PENDING_ATTACH, or FAILED with the
   * reason: the intent stays and is applied again on the next change).
   * Rejects as decidePut says, or UNAVAILABLE when the state file cannot be written.
   */
  async put(request: PutIntentRequest, caller: IntentCaller): Promise<EniStatus> {
    this.#requireStarted();
    const fingerprint = JSON.stringify(["put", { ...request, requestId: undefined }]);
    return this.#ledger.run(request.requestId, fingerprint, () =>
      this.#track(
        this.#serial(request.eniId, async () => {
          const decision = await this.#change((state) => {
            const d = decidePut(state, request, caller);
            if (d.kind === "unchanged") return null;
            return {
              ...state,
              intents: [...state.intents.filter((i) => i.eniId !== request.eniId), d.intent],
            };
          });
          if (decision !== null) this.#failures.delete(request.eniId);
          const unmoved = await this.#apply(request.eniId);
          return this.#announce(
            unmoved === null
              ? await this.#observe(request.eniId)
              : this.#status(request.eniId, unmoved),
          );
        }),
      ),
    );
  }

  /**
   * The release handshake: restores the ENI's device to its kernel driver
   * (verified), drops the intent and leaves a tombstone of its generation.
   * SAFE_TO_DETACH: the device is on its kernel driver; NOT_PRESENT: the ENI
   * is not on this host. Rejects PERMISSION_DENIED (another owner's), the
   * restore's error (FAILED_PRECONDITION naming the pid that holds the
   * device: the intent stays, marked releasing, and a retry continues), or
   * UNAVAILABLE when nobody can say whether the ENI is attached.
   */
  async release(request: ReleaseRequest, caller: IntentCaller): Promise<ReleaseResult> {
    this.#requireStarted();
    const fingerprint = JSON.stringify(["release", { ...request, requestId: undefined }]);
    return this.#ledger.run(request.requestId, fingerprint, () =>
      this.#track(
        this.#serial(request.eniId, async () => {
          const intent = fenceRelease(
            this.#state,
            request.eniId,
            request.owner,
            request.force,
            caller,
          );
          let outcome = await this.#release(request.eniId, intent, request.owner);
          if (request.mode === "detach-and-delete") {
            await this.#detachAndDelete(request.eniId);
            outcome = "DELETED";
          }
          const status = await this.#observe(request.eniId, request.owner);
          return { outcome, status: this.#announce(status) };
        }),
      ),
    );
  }

  /**
   * Level-triggered: `intents` is everything `owner` wants on this host.
   * Each is put (refusals are collected, not thrown); every stored intent of
   * `owner` not in the set is released. Resolves with the status of each ENI
   * in the set and of each released one.
   */
  async sync(request: SyncRequest, caller: IntentCaller): Promise<SyncResult> {
    this.#requireStarted();
    const fingerprint = JSON.stringify(["sync", { ...request, requestId: undefined }]);
    return this.#ledger.run(request.requestId, fingerprint, async () => {
      const wanted = new Set(request.intents.map((i) => i.eniId));
      const stale = this.#state.intents.filter(
        (i) => i.owner === request.owner && !wanted.has(i.eniId),
      );
      const failures: SyncResult["failures"] = [];
      const statuses: EniStatus[] = [];
      const puts = request.intents.map(async (wish) => {
        try {
          statuses.push(
            await this.put(
              {
                ...wish,
                owner: request.owner,
                force: false,
                requestId: `${request.requestId}.${wish.eniId}`,
              },
              caller,
            ),
          );
        } catch (err) {
          failures.push({ eniId: wish.eniId, error: toAgentError(err) });
        }
      });
      const releases = stale.map(async (intent) => {
        try {
          const done = await this.release(
            {
              eniId: intent.eniId,
              owner: request.owner,
              force: false,
              requestId: `${request.requestId}.release.${intent.eniId}`,
            },
            caller,
          );
          statuses.push(done.status);
        } catch (err) {
          failures.push({ eniId: intent.eniId, error: toAgentError(err) });
        }
      });
      await Promise.all([...puts, ...releases]);
      statuses.sort((a, b) => (a.eniId < b.eniId ? -1 : 1));
      return { statuses, failures };
    });
  }

  /** The status of one ENI. NOT_FOUND when no intent names it and none was released. */
  async get(eniId: EniId): Promise<EniStatus> {
    this.#requireStarted();
    return this.#observe(eniId);
  }

  /** Every ENI with an intent or a tombstone, of `owner` (all when null), by ENI id. */
  async list(owner: string | null): Promise<EniStatus[]> {
    this.#requireStarted();
    const ids = new Set<EniId>();
    for (const i of this.#state.intents) if (owner === null || i.owner === owner) ids.add(i.eniId);
    for (const r of this.#state.released) {
      if ((owner === null || r.owner === owner) && !this.#intent(r.eniId)) ids.add(r.eniId);
    }
    const all = await Promise.all([...ids].sort().map((id) => this.#observe(id)));
    return all.filter((s) => owner === null || s.owner === owner);
  }

  /**
   * Applies every intent (and finishes every release) again: on device
   * changes and IMDS refreshes. Calls while one runs coalesce into one more.
   */
  reconcile(): void {
    if (!this.#loaded || this.#stopped) return;
    if (this.#sweep !== null) {
      this.#sweepAgain = true;
      return;
    }
    const sweep = async (): Promise<void> => {
      do {
        this.#sweepAgain = false;
        const ids = [...this.#state.intents.map((i) => i.eniId), ...pendingDeletes(this.#state)];
        await Promise.all(
          ids.map((id) =>
            this.#serial(id, () => this.#reconcileOne(id)).catch((err: unknown) => {
              this.#deps.log.warn({ eni: id, err: toAgentError(err) }, "intent not applied");
            }),
          ),
        );
      } while (this.#sweepAgain && !this.#stopped);
    };
    this.#sweep = this.#track(sweep()).finally(() => {
      this.#sweep = null;
    });
  }

  /** Resolves once no sweep runs (tests). */
  async settled(): Promise<void> {
    while (this.#sweep !== null) await this.#sweep;
  }

  // --- internals ---------------------------------------------------------------

  async #reconcileOne(eniId: EniId): Promise<void> {
    const intent = this.#intent(eniId);
    if (intent === undefined) {
      // A detach-and-delete that an earlier run of the agent did not finish.
      if (this.#tombstone(eniId)?.deleting) await this.#detachAndDelete(eniId);
      return;
    }
    let unmoved: Found | null = null;
    if (intent.releasing) await this.#release(eniId, intent, intent.owner);
    else unmoved = await this.#apply(eniId);
    if (unmoved !== null) {
      this.#announce(this.#status(eniId, unmoved));
      return;
    }
    await this.#observe(eniId).then(
      (status) => this.#announce(status),
      () => undefined,
    );
  }

  /**
   * Brings the ENI's device to its intent's driver, when the ENI is present.
   * Never rejects for a failed bind. Returns what it read when it moved
   * nothing (absent, already there, or no binding now), so that the status
   * needs no second read of the host; null when it tried a move.
   */
  async #apply(eniId: EniId): Promise<Found | null> {
    const intent = this.#intent(eniId);
    if (intent === undefined || intent.releasing) return null;
    const found = await this.#find(intent.eniId, intent.mac);
    if (found.device === null) return found;
    if (intent.mac === null && found.mac !== null) await this.#learnMac(eniId, found.mac);
    if (found.device.driver === intent.driver) {
      this.#observed.set(eniId, intent.generation);
      this.#failures.delete(eniId);
      return found;
    }
    if (!this.#deps.mayBind() || this.#stopped) return found;
    this.#busy.set(eniId, "binding");
    // Nothing moved yet: the status of what was just read, now BINDING.
    this.#announce(this.#status(eniId, found));
    try {
      await this.#deps.bind(found.device.address, intent.driver, requester(intent.owner));
      this.#observed.set(eniId, intent.generation);
      this.#failures.delete(eniId);
      this.#deps.log.info(
        {
          eni: eniId,
          device: found.device.address,
          driver: intent.driver,
          generation: intent.generation,
        },
        "intent applied",
      );
    } catch (err) {
      const error = toAgentError(err);
      this.#failures.set(eniId, error);
      this.#deps.log.warn(
        { eni: eniId, device: found.device.address, err: error },
        "intent failed",
      );
    } finally {
      this.#busy.delete(eniId);
    }
    return null;
  }

  /** `owner`: who releases, when no intent names the ENI (else the intent's owner asks). */
  async #release(eniId: EniId, intent: EniIntent | null, owner: string): Promise<ReleaseOutcome> {
    if (intent !== null && !intent.releasing) {
      await this.#change((state) => ({
        ...state,
        intents: state.intents.map((i) => (i.eniId === eniId ? { ...i, releasing: true } : i)),
      }));
    }
    this.#busy.set(eniId, "releasing");
    await this.#announceNow(eniId);
    try {
      const known = intent?.mac ?? this.#tombstone(eniId)?.mac ?? null;
      const found = await this.#find(eniId, known);
      if (found.unknown !== null) {
        throw new AgentError(
          "UNAVAILABLE",
          `cannot tell whether ${eniId} is attached: ${found.unknown}`,
          {
            remedy: "retry when instance metadata answers, or put the intent with the ENI's MAC",
          },
        );
      }
      const device = found.device;
      if (device !== null && !device.onKernelDriver) {
        try {
          await this.#deps.restore(device.address, requester(intent?.owner ?? owner));
        } catch (err) {
          const error = toAgentError(err);
          this.#failures.set(eniId, error);
          throw error;
        }
      }
      if (intent !== null) {
        const mac = found.mac ?? intent.mac;
        await this.#change((state) => ({
          intents: state.intents.filter((i) => i.eniId !== eniId),
          released: [
            ...state.released.filter((r) => r.eniId !== eniId || r.owner !== intent.owner),
            { eniId, owner: intent.owner, generation: intent.generation, mac },
          ].slice(-MAX_RELEASED),
        }));
        this.#observed.set(eniId, intent.generation);
        this.#deps.log.info(
          {
            eni: eniId,
            owner: intent.owner,
            generation: intent.generation,
            present: device !== null,
          },
          "intent released",
        );
      }
      this.#failures.delete(eniId);
      return device === null ? "NOT_PRESENT" : "SAFE_TO_DETACH";
    } finally {
      this.#busy.delete(eniId);
    }
  }

  /**
   * After the handshake: EC2's detach (never forced here: the device is on
   * its kernel driver), the wait for available, the delete. Journaled on the
   * tombstone (pending-delete.ts): if the agent dies before the end, its
   * next start runs it again; each step is idempotent against EC2.
   */
  async #detachAndDelete(eniId: EniId): Promise<void> {
    const run = this.#deps.detachAndDelete;
    if (run === undefined) {
      await this.#change((state) => markDeleting(state, eniId, false));
      throw new AgentError("FAILED_PRECONDITION", "this agent cannot detach or delete ENIs", {
        remedy: "release with the default mode and detach from the controller",
      });
    }
    await this.#change((state) => markDeleting(state, eniId, true));
    try {
      await run(eniId);
    } catch (err) {
      const error = toAgentError(err);
      if (isFinal(error)) await this.#change((state) => markDeleting(state, eniId, false));
      throw error;
    }
    await this.#change((state) => markDeleting(state, eniId, false));
    this.#deps.log.info({ eni: eniId }, "released ENI detached and deleted");
  }

  /** The ENI's MAC (the intent's, else IMDS's) and its device now. */
  async #find(eniId: EniId, mac: Mac | null): Promise<Found> {
    if (mac === null) {
      const where = await this.#deps.locate(eniId);
      if (where.kind === "absent") return { mac: null, device: null, unknown: null };
      if (where.kind === "unknown") return { mac: null, device: null, unknown: where.reason };
      mac = where.mac;
    }
    return { mac, device: await this.#deps.deviceOf(mac), unknown: null };
  }

  /** Keeps the MAC IMDS told: a later release then needs no IMDS. */
  async #learnMac(eniId: EniId, mac: Mac): Promise<void> {
    await this.#change((state) => ({
      ...state,
      intents: state.intents.map((i) => (i.eniId === eniId && i.mac === null ? { ...i, mac } : i)),
    }));
  }

  /**
   * The ENI's status as read now. `releasedBy`: the owner whose release of
   * it just ran; an ENI no intent ever named (the controller died before its
   * put) then has the status of a released one, of generation 0, instead of
   * NOT_FOUND, so that the controller's cleanup goes on.
   */
  async #observe(eniId: EniId, releasedBy?: string): Promise<EniStatus> {
    const intent = this.#intent(eniId);
    const mac = intent?.mac ?? this.#tombstone(eniId)?.mac ?? null;
    let found: Found;
    try {
      found = await this.#find(eniId, mac);
    } catch (err) {
      found = { mac, device: null, unknown: toAgentError(err).message };
    }
    return this.#status(eniId, found, releasedBy);
  }

  /** The phase from what is stored, what runs, and the device as read. */
  #status(eniId: EniId, found: Found, releasedBy?: string): EniStatus {
    const intent = this.#intent(eniId);
    const released = this.#tombstone(eniId);
    const unnamed =
      releasedBy === undefined ? undefined : { owner: releasedBy, generation: 0, mac: null };
    const source = intent ?? released ?? unnamed;
    if (source === undefined) {
      throw new AgentError("NOT_FOUND", `no intent names ${eniId}`, {
        remedy: "put an intent for it first (PutEniIntent)",
      });
    }
    const failure = this.#failures.get(eniId) ?? null;
    const { phase, detail } =
      intent === undefined
        ? releasedPhase(found.device)
        : intentPhase(intent, this.#busy.get(eniId), failure, found, this.#deps.mayBind());
    return {
      eniId,
      owner: source.owner,
      phase,
      generation: source.generation,
      observedGeneration: this.#observed.get(eniId) ?? 0,
      driver: intent?.driver ?? null,
      pciAddress: found.device?.address ?? null,
      mac: found.mac ?? source.mac,
      detail,
      error: phase === "FAILED" ? failure : null,
    };
  }

  /** Publishes the status when its phase or observed generation changed; returns it. */
  #announce(status: EniStatus): EniStatus {
    const key = `${status.phase}/${status.observedGeneration}`;
    if (this.#published.get(status.eniId) !== key) {
      this.#published.set(status.eniId, key);
      this.#deps.publish?.(status);
    }
    return status;
  }

  async #announceNow(eniId: EniId): Promise<void> {
    if (this.#deps.publish === undefined) return;
    try {
      this.#announce(await this.#observe(eniId));
    } catch {
      // No intent and no tombstone: nothing to announce.
    }
  }

  #intent(eniId: EniId): EniIntent | undefined {
    return this.#state.intents.find((i) => i.eniId === eniId);
  }

  #tombstone(eniId: EniId): IntentState["released"][number] | undefined {
    return this.#state.released.findLast((r) => r.eniId === eniId);
  }

  /**
   * Runs `next` on the latest state in the write queue, saves its result
   * and publishes it; null: nothing to change. Returns what was saved.
   */
  #change(next: (state: IntentState) => IntentState | null): Promise<IntentState | null> {
    const run = this.#writes.then(async () => {
      const changed = next(this.#state);
      if (changed === null) return null;
      await this.#deps.store.save(changed);
      this.#state = changed;
      return changed;
    });
    this.#writes = run.catch(() => undefined);
    return run;
  }

  #serial<T>(eniId: EniId, work: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(eniId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    this.#queues.set(eniId, tail);
    void tail.then(() => {
      if (this.#queues.get(eniId) === tail) this.#queues.delete(eniId);
    });
    return run;
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#inflight.add(work);
    const done = () => this.#inflight.delete(work);
    work.then(done, done);
    return work;
  }

  #requireStarted(): void {
    if (!this.#loaded) {
      throw new AgentError("UNAVAILABLE", "ENI intents are not loaded yet", {
        remedy: "retry once the agent is ready",
      });
    }
    if (this.#stopped) {
      throw new AgentError("UNAVAILABLE", "eni-agent is stopping", {
        remedy: "retry after it restarted",
      });
    }
  }
}

/** Who asked for the moves an intent makes, as its operations record it. */
function requester(owner: string): string {
  return `intent:${owner}`;
}

function intentPhase(
  intent: EniIntent,
  busy: Busy | undefined,
  failure: AgentError | null,
  found: Found,
  mayBind: boolean,
): { phase: EniPhase; detail: string } {
  const device = found.device;
  if (intent.releasing || busy === "releasing") {
    return { phase: "RELEASING", detail: failure?.message ?? "" };
  }
  if (busy === "binding") return { phase: "BINDING", detail: "" };
  if (failure !== null) return { phase: "FAILED", detail: failure.message };
  if (device === null) {
    return {
      phase: "PENDING_ATTACH",
      detail: found.unknown ?? `${intent.eniId} is not attached to this instance (yet)`,
    };
  }
  if (device.driver === intent.driver) return { phase: "BOUND", detail: "" };
  return {
    phase: "BINDING",
    detail: mayBind
      ? `on ${device.driver ?? "no driver"}; the bind is queued`
      : "the agent is stopping or the instance terminating: nothing binds now",
  };
}

function releasedPhase(device: PresentDevice | null): { phase: EniPhase; detail: string } {
  if (device === null) return { phase: "RELEASED", detail: "" };
  if (device.onKernelDriver) return { phase: "SAFE_TO_DETACH", detail: "" };
  return {
    phase: "FAILED",
    detail: `released, but bound to ${device.driver ?? "no driver"} since, outside the contract`,
  };
}

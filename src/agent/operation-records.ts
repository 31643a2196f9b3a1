/**
 * The engine's journaled operations as the API shows them. The journal keeps
 * the operation and who asked for it (its begin record); the API also shows
 * step by step progress and records that never reach the journal (no-ops,
 * dry runs, termination plans). This book follows the engine's progress
 * events for step states and keeps the non-journaled records in memory
 * (bounded).
 */
import { AgentError, ERROR_CODES, type ErrorCode, type PciAddress } from "../common/index.js";
import {
  type DeviceState,
  describeStep,
  type JournalIssues,
  journalNotes,
  type OperationView,
  type PlannedOperation,
  type ProgressEvent,
  requestOf,
  stepWrite,
} from "../driver/index.js";
import type {
  OperationConfirmation,
  OperationPage,
  OperationQuery,
  OperationRecord,
  OperationStatus,
  OperationStep,
  StepStatus,
} from "../server/core-types.js";

/** What a caller asked along with a request that journals nothing (dry run, no-op). */
export interface RequestMeta {
  requestedBy: string | null;
  persist: boolean;
  force: boolean;
}

const STATUS: Record<OperationView["status"], OperationStatus> = {
  running: "running",
  stuck: "stuck",
  committed: "succeeded",
  rolled_back: "rolled_back",
  rollback_failed: "degraded",
  superseded: "superseded",
};

/** The engine's view of the journal (DriverEngine satisfies it). */
export interface JournaledOperations {
  operations(): OperationView[];
  operation(id: string): OperationView | undefined;
  journalIssues(): JournalIssues;
}

/** How many non-journaled records (no-ops, dry runs, terminations) are kept. */
const MAX_EPHEMERAL = 500;

export class OperationRecords {
  readonly #engine: JournaledOperations;
  /** Step states of operations seen live; a verify pseudo-step is last. */
  readonly #steps = new Map<string, StepStatus[]>();
  readonly #ephemeral = new Map<string, OperationRecord>();

  constructor(engine: JournaledOperations) {
    this.#engine = engine;
  }

  /** Follows one engine event; returns the operation's id when its record changed. */
  observe(event: ProgressEvent): string {
    const id = event.operationId;
    switch (event.type) {
      case "begin":
        this.#steps.set(id, [...event.steps.map((): StepStatus => "pending"), "pending"]);
        break;
      case "step":
        this.#set(id, event.index, "running");
        break;
      case "step-done":
        this.#set(id, event.index, "done");
        break;
      case "verify": {
        const steps = this.#steps.get(id);
        if (steps) steps[steps.length - 1] = "running";
        break;
      }
      case "rollback": {
        const steps = this.#steps.get(id);
        if (steps) {
          for (let i = 0; i < steps.length; i++) {
            if (steps[i] === "running") steps[i] = "failed";
            else if (steps[i] === "done") steps[i] = "undone";
            else if (steps[i] === "pending") steps[i] = "skipped";
          }
        }
        break;
      }
      case "end": {
        const steps = this.#steps.get(id);
        if (steps && event.status === "committed") steps[steps.length - 1] = "done";
        break;
      }
    }
    return id;
  }

  #set(id: string, index: number, status: StepStatus): void {
    const steps = this.#steps.get(id);
    if (steps && index < steps.length - 1) steps[index] = status;
  }

  /** Keeps a record the journal does not hold (no-op, dry run, termination). */
  remember(record: OperationRecord): void {
    this.#ephemeral.set(record.id, record);
    if (this.#ephemeral.size > MAX_EPHEMERAL) {
      const oldest = this.#ephemeral.keys().next().value;
      if (oldest !== undefined) this.#ephemeral.delete(oldest);
    }
  }

  get(id: string): OperationRecord | undefined {
    const view = this.#engine.operation(id);
    return view === undefined ? this.#ephemeral.get(id) : this.record(view);
  }

  /** Running or stuck operation of a device, if any. */
  active(device: PciAddress): string | null {
    const ops = this.#engine.operations();
    for (let i = ops.length - 1; i >= 0; i--) {
      const op = ops[i]!;
      if (op.header.device === device && (op.status === "running" || op.status === "stuck")) {
        return op.header.id;
      }
    }
    return null;
  }

  /**
   * The operation that explains a driver change seen by a poll: one running
   * on the device, or the latest one if it ended within the last `windowMs`.
   */
  recent(device: PciAddress, windowMs: number): string | null {
    const active = this.active(device);
    if (active !== null) return active;
    const ops = this.#engine.operations();
    for (let i = ops.length - 1; i >= 0; i--) {
      const op = ops[i]!;
      if (op.header.device !== device) continue;
      const ended = op.endedAt === null ? Number.NaN : Date.parse(op.endedAt);
      return Date.now() - ended <= windowMs + 1_000 ? op.header.id : null;
    }
    return null;
  }

  /** Newest first, `pageSize` at a time; the token names the last record of the page before. */
  page(query: OperationQuery): OperationPage {
    const all = [
      ...this.#engine.operations().map((v) => this.record(v)),
      ...this.#ephemeral.values(),
    ]
      .filter((r) => query.pciAddress === null || r.pciAddress === query.pciAddress)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
    let start = 0;
    if (query.pageToken !== null) {
      const after = query.pageToken.startsWith("a.") ? query.pageToken.slice(2) : "";
      const at = all.findIndex((r) => r.id === after);
      if (at < 0) {
        throw new AgentError("INVALID_ARGUMENT", "page_token was not issued by this agent", {
          remedy: "start again without a page token",
        });
      }
      start = at + 1;
    }
    const operations = all.slice(start, start + query.pageSize);
    const more = start + query.pageSize < all.length;
    return {
      operations,
      nextPageToken: more && operations.length > 0 ? `a.${operations.at(-1)!.id}` : null,
      journalNotes: journalNotes(this.#engine.journalIssues()),
    };
  }

  /** A journaled operation, with the step states seen live (or derived from its status). */
  record(view: OperationView): OperationRecord {
    const tracked = this.#steps.get(view.header.id);
    return journaledRecord(view, (i) => tracked?.[i]);
  }
}

/**
 * A journaled operation as the API shows it. Step states come from `seen`
 * (progress events) when known, else from the operation's status.
 */
export function journaledRecord(
  view: OperationView,
  seen: (index: number) => StepStatus | undefined = () => undefined,
): OperationRecord {
  const { header } = view;
  const request = requestOf(header);
  const status = statusOf(view);
  const outcome = STATUS[view.status];
  const fallback: StepStatus =
    outcome === "succeeded" ? "done" : outcome === "running" ? "pending" : "undone";
  const createdAt = new Date(header.startedAt);
  const finishedAt = view.endedAt === null ? null : new Date(view.endedAt);
  return {
    id: header.id,
    kind: request.reapply ? "reapply" : header.kind === "drift" ? "repair" : header.kind,
    status,
    pciAddress: header.device,
    fromDriver: header.snapshot.driver,
    toDriver: header.target.driver,
    dryRun: false,
    force: header.force,
    overriddenGuards: header.overriddenGuards ?? [],
    persist: request.persist,
    steps: stepsOf(header.device, header.steps, (i) => seen(i) ?? fallback),
    error: view.error === null ? null : { ...view.error, code: errorCode(view.error.code) },
    createdAt,
    updatedAt: finishedAt ?? createdAt,
    finishedAt,
    requestedBy: request.requestedBy,
    confirmation: confirmationOf(view),
  };
}

/** A bind on trial awaits (or was reverted) whatever its journal outcome says. */
function statusOf(view: OperationView): OperationStatus {
  const state = view.confirmation?.state;
  if (state === "pending") return "awaiting_confirmation";
  if (state === "reverted") return "reverted";
  return STATUS[view.status];
}

function confirmationOf(view: OperationView): OperationConfirmation | null {
  const c = view.confirmation;
  if (c === null) return null;
  return {
    deadline: new Date(c.deadline),
    state: c.state,
    by: c.by,
    updatedAt: c.at === null ? null : new Date(c.at),
  };
}

/** A dry run's record: the plan, nothing written. */
export function plannedRecord(
  id: string,
  planned: PlannedOperation,
  meta: RequestMeta,
): OperationRecord {
  return unjournaledRecord({
    id,
    kind: planned.kind === "drift" ? "repair" : planned.kind,
    status: "planned",
    pciAddress: planned.device,
    fromDriver: planned.snapshot.driver,
    toDriver: planned.plan.target.driver,
    dryRun: true,
    force: meta.force,
    overriddenGuards: planned.overriddenGuards,
    persist: meta.persist,
    steps: stepsOf(planned.device, planned.plan.steps, () => "pending"),
    requestedBy: meta.requestedBy,
  });
}

/** A request that found its device already there: nothing written, nothing journaled. */
export function noopRecord(
  id: string,
  kind: "bind" | "restore",
  done: { device: PciAddress; state: DeviceState; overriddenGuards: readonly string[] },
  meta: Omit<RequestMeta, "force">,
): OperationRecord {
  return unjournaledRecord({
    id,
    kind,
    status: "succeeded",
    pciAddress: done.device,
    fromDriver: done.state.driver,
    toDriver: done.state.driver,
    dryRun: false,
    force: done.overriddenGuards.length > 0,
    overriddenGuards: [...done.overriddenGuards],
    persist: meta.persist,
    steps: [],
    requestedBy: meta.requestedBy,
  });
}

/** A record the journal never holds: it began and ended now, without error or trial. */
function unjournaledRecord(
  record: Omit<
    OperationRecord,
    "error" | "createdAt" | "updatedAt" | "finishedAt" | "confirmation"
  >,
): OperationRecord {
  const now = new Date();
  return {
    ...record,
    error: null,
    createdAt: now,
    updatedAt: now,
    finishedAt: now,
    confirmation: null,
  };
}

function stepsOf(
  device: PciAddress,
  steps: PlannedOperation["plan"]["steps"],
  status: (index: number) => StepStatus,
): OperationStep[] {
  const out: OperationStep[] = steps.map((step, i) => {
    const write = stepWrite(device, step);
    return {
      description: describeStep(device, step),
      path: write.path,
      value: write.data,
      status: status(i),
    };
  });
  out.push({ description: "verify", path: null, value: null, status: status(steps.length) });
  return out;
}

function errorCode(code: string): ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : "INTERNAL";
}

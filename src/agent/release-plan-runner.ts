/**
 * The daemon's termination plan: src/aws's ReleasePlan (journaled, resumable,
 * restores through the engine, then detaches and deletes owned ENIs or marks
 * them DeleteOnTermination per `ec2.releasePolicy`), with its records and
 * events turned into the API's: one termination operation per notice (same
 * id across restarts), `termination_planned`, progress and result events,
 * and `eni_released` for each ENI released.
 * The plan asks for its EC2 actions only when it has EC2 work: with no
 * Region known yet (no ec2.region, IMDS silent) it still returns every
 * device to the kernel and fails only its EC2 steps, saying why.
 */

import { createHash } from "node:crypto";
import type {
  TerminationNotice as AwsNotice,
  EniStep,
  LifecycleStep,
  ManualTrigger,
  PlanTrigger,
  ReleasePlan,
  ReleasePlanEvent,
  ReleasePlanRecord,
  RestoreStep,
} from "../aws/index.js";
import { AgentError, type ErrorCode, type PciAddress } from "../common/index.js";
import type {
  AgentEventPayload,
  DeviceRecord,
  OperationRecord,
  ReleaseAction,
  StepStatus,
  TerminationAction,
  TerminationNotice,
  TerminationPlan,
  TerminationResult,
  TerminationStep,
} from "../server/core-types.js";
import type { AgentLog } from "./agent-log.js";
import { toCoreNotice } from "./to-core-notice.js";

/** What the core asks of a termination plan. */
export interface TerminationPlanner {
  /**
   * Plans (dry run: nothing changes) or runs the plan for `notice` (null: a
   * manual request). Resolves when every step succeeded; rejects otherwise
   * with `operationId` set. A notice seen again joins its plan.
   */
  run(
    notice: AwsNotice | null,
    options: { dryRun: boolean; requestedBy: string | null; signal: AbortSignal },
  ): Promise<TerminationResult>;
  /** The notice whose plan ran or runs; null before any. */
  pendingNotice(): TerminationNotice | null;
  /** Finishes plans a stopped or killed agent left unfinished (start-up). */
  resume(signal: AbortSignal): Promise<void>;
}

/** What a planner gets from the core. */
export interface PlannerHooks {
  /** The managed devices now. */
  devices(): Promise<DeviceRecord[]>;
  /** Returns a device to its kernel driver (a verified engine transaction). */
  restore(device: PciAddress): Promise<void>;
  /** Sends an event to subscribers. */
  emit(payload: AgentEventPayload): void;
  /** Keeps the plan's operation record for GetOperation/ListOperations (called on every change). */
  remember(record: OperationRecord): void;
  /** Plan durations, for metrics. */
  finished(durationMs: number, ok: boolean): void;
}

/** A stable operation id for a notice's plan: the same notice, the same id, across restarts. */
function terminationOperationId(key: string): string {
  return `term-${createHash("sha256").update(key).digest("hex").slice(0, 20)}`;
}

interface ReleasePlanRunnerDeps {
  hooks: PlannerHooks;
  /** The ReleasePlan to use now (it reports through `emit`). */
  plan: (emit: (event: ReleasePlanEvent) => void) => ReleasePlan;
  /** Deadline of a manual plan, from now, in ms. */
  defaultDeadlineMs: () => number;
  /** Says how each plan resumed at start-up ended (no client is watching yet). */
  log?: Pick<AgentLog, "info" | "warn">;
}

const ACTION: Record<EniStep["action"], TerminationAction> = {
  "detach-and-delete": "delete",
  detach: "detach",
  "mark-delete-on-termination": "set_delete_on_termination",
  covered: "skip",
  skip: "skip",
};

const RESTORE_STATUS: Record<RestoreStep["status"], StepStatus> = {
  pending: "pending",
  running: "running",
  done: "done",
  failed: "failed",
  "dry-run": "skipped",
};

const RELEASED: Partial<Record<NonNullable<EniStep["outcome"]>, ReleaseAction>> = {
  deleted: "deleted",
  detached: "detached",
  "delete-on-termination-set": "delete_on_termination_set",
};

export class ReleasePlanRunner implements TerminationPlanner {
  readonly #deps: ReleasePlanRunnerDeps;
  /** The latest record of each plan this process saw, by notice key. */
  readonly #records = new Map<string, ReleasePlanRecord>();
  readonly #requestedBy = new Map<string, string | null>();
  #pending: TerminationNotice | null = null;
  #manual = 0;

  constructor(deps: ReleasePlanRunnerDeps) {
    this.#deps = deps;
  }

  pendingNotice(): TerminationNotice | null {
    return this.#pending;
  }

  /**
   * Finishes the plans a previous agent left unfinished. They run before the
   * listeners open, so no WatchEvents subscriber sees them happen: each is
   * kept as an operation (GetOperation, ListOperations: how late watchers
   * catch up) and logged with how it ended.
   */
  async resume(signal: AbortSignal): Promise<void> {
    for (const result of await this.#plan().resumeUnfinished(signal)) {
      const notice = noticeOf(result.plan.notice);
      this.#pending = notice ?? this.#pending;
      const operation = this.#operation(result.plan);
      this.#deps.hooks.remember(operation);
      const failed = result.plan.status === "failed";
      this.#deps.log?.[failed ? "warn" : "info"](
        { op: operation.id, notice: result.plan.key, status: result.plan.status, run: result.run },
        "termination plan resumed",
      );
    }
  }

  async run(
    aws: AwsNotice | null,
    options: { dryRun: boolean; requestedBy: string | null; signal: AbortSignal },
  ): Promise<TerminationResult> {
    const plan = this.#plan();
    const trigger: PlanTrigger = aws ?? this.#manualTrigger();
    if (options.dryRun) {
      const preview = await plan.preview(trigger);
      return { plan: toPlan(preview), operation: null };
    }
    this.#pending = aws === null ? this.#pending : toCoreNotice(aws);
    this.#requestedBy.set(trigger.key, options.requestedBy);
    const t0 = performance.now();
    const result = await plan.run(trigger, { signal: options.signal });
    const record = result.plan;
    const operation = this.#operation(record);
    if (result.run !== "already-finished") {
      this.#deps.hooks.finished(performance.now() - t0, record.status === "succeeded");
    }
    if (record.status === "failed") {
      const first = firstError(record);
      throw new AgentError(
        first?.code ?? "INTERNAL",
        `the termination plan failed${first ? `: ${first.message}` : ""}`,
        { operationId: operation.id, remedy: "see the operation's steps (GetOperation)" },
      );
    }
    return { plan: toPlan(record), operation };
  }

  /** The plan, reporting into this runner. */
  #plan(): ReleasePlan {
    return this.#deps.plan((event) => this.#onEvent(event));
  }

  #manualTrigger(): ManualTrigger {
    const now = Date.now();
    this.#manual += 1;
    return {
      kind: "manual",
      key: `manual-${now}-${this.#manual}`,
      deadlineMs: now + this.#deps.defaultDeadlineMs(),
      observedAtMs: now,
      triggersRelease: true,
    };
  }

  #onEvent(event: ReleasePlanEvent): void {
    const { hooks } = this.#deps;
    switch (event.type) {
      case "planned":
        this.#records.set(event.plan.key, event.plan);
        if (!event.plan.dryRun)
          hooks.emit({ kind: "termination_planned", plan: toPlan(event.plan) });
        break;
      case "restore": {
        const record = this.#records.get(event.key);
        const i = record?.restores.findIndex((r) => r.device === event.step.device) ?? -1;
        if (record && i >= 0) record.restores[i] = event.step;
        break;
      }
      case "eni": {
        const record = this.#records.get(event.key);
        const i = record?.enis.findIndex((e) => e.eniId === event.step.eniId) ?? -1;
        if (record && i >= 0) record.enis[i] = event.step;
        const action = event.step.outcome === undefined ? undefined : RELEASED[event.step.outcome];
        if (action !== undefined && event.step.phase === "done" && record?.dryRun === false) {
          hooks.emit({
            kind: "eni_released",
            eniId: event.step.eniId,
            pciAddress: event.step.device as PciAddress | null,
            action,
          });
        }
        break;
      }
      case "lifecycle": {
        const record = this.#records.get(event.key);
        if (record) record.lifecycle = event.step;
        break;
      }
      case "finished":
        this.#records.set(event.plan.key, event.plan);
        break;
    }
    const record = this.#records.get(
      event.type === "planned" || event.type === "finished" ? event.plan.key : event.key,
    );
    if (record === undefined || record.dryRun) return;
    const operation = this.#operation(record);
    hooks.remember(operation);
    const done = event.type === "finished";
    hooks.emit({ kind: done ? "operation_result" : "operation_progress", operation });
  }

  #operation(record: ReleasePlanRecord): OperationRecord {
    const created = new Date(record.createdAtMs);
    const finished = record.finishedAtMs === undefined ? null : new Date(record.finishedAtMs);
    const error = firstError(record);
    const id = terminationOperationId(record.key);
    return {
      id,
      kind: "termination",
      confirmation: null,
      status: record.status === "running" ? "running" : record.status,
      pciAddress: null,
      fromDriver: null,
      toDriver: null,
      dryRun: record.dryRun,
      force: false,
      overriddenGuards: [],
      persist: false,
      steps: [
        ...record.restores.map((r) => ({
          description: `restore ${r.device} to its kernel driver`,
          path: null,
          value: null,
          status: RESTORE_STATUS[r.status],
        })),
        ...record.enis.map((e) => ({
          description: `${e.action} ${e.eniId}: ${e.reason}`,
          path: null,
          value: null,
          status: eniStatus(e),
        })),
        ...(record.lifecycle === undefined ? [] : [lifecycleStep(record.lifecycle)]),
      ],
      error: error === null ? null : { ...error, operationId: id },
      createdAt: created,
      updatedAt: finished ?? new Date(),
      finishedAt: finished,
      requestedBy: this.#requestedBy.get(record.key) ?? null,
    };
  }
}

function noticeOf(trigger: PlanTrigger): TerminationNotice | null {
  return trigger.kind === "manual" ? null : toCoreNotice(trigger);
}

const LIFECYCLE_STATUS: Record<LifecycleStep["status"], StepStatus> = {
  pending: "pending",
  completed: "done",
  "not-waiting": "skipped",
  failed: "failed",
};

/** The Auto Scaling lifecycle action as an operation step. */
function lifecycleStep(step: LifecycleStep): OperationRecord["steps"][number] {
  const group = step.groupName ?? "its Auto Scaling group";
  const outcome =
    step.status === "completed"
      ? `: ${step.result}`
      : step.status === "not-waiting"
        ? ": nothing waited any more"
        : "";
  return {
    description: `complete lifecycle action of hook ${step.hookName} (${group})${outcome}`,
    path: null,
    value: null,
    status: LIFECYCLE_STATUS[step.status],
  };
}

function eniStatus(step: EniStep): StepStatus {
  if (step.action === "skip" || step.action === "covered") return "skipped";
  switch (step.phase) {
    case "pending":
      return "pending";
    case "done":
      return "done";
    case "failed":
      return "failed";
    default:
      return "running";
  }
}

function toPlan(record: ReleasePlanRecord): TerminationPlan {
  const steps: TerminationStep[] = [
    ...record.restores.map((r) => ({
      eniId: r.eniId,
      pciAddress: r.device as PciAddress,
      action: "restore_kernel_driver" as const,
      reason: "bound to a DPDK driver",
      status: RESTORE_STATUS[r.status],
    })),
    ...record.enis.map((e) => ({
      eniId: e.eniId,
      pciAddress: e.device as PciAddress | null,
      action: ACTION[e.action],
      reason: e.reason,
      status: eniStatus(e),
    })),
  ];
  return { notice: noticeOf(record.notice), deadline: new Date(record.deadlineMs), steps };
}

function firstError(record: ReleasePlanRecord): { code: ErrorCode; message: string } | null {
  return (
    record.devicesError ??
    record.listError ??
    record.restores.find((r) => r.error)?.error ??
    record.enis.find((e) => e.error)?.error ??
    record.lifecycle?.error ??
    null
  );
}

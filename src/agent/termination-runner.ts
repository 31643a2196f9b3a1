/**
 * The termination plan's contract inside the agent, and its restore-only
 * form. When the instance is going away (a notice the release policy acts
 * on, or PrepareTermination), every managed device that is not under its
 * kernel driver goes back to it through the engine (each return a verified
 * transaction), then the ENIs the agent owns are released in EC2.
 *
 * The daemon runs the full plan (src/aws ReleasePlan, see
 * release-plan-runner.ts) once it can reach EC2; this restore-only runner is
 * what runs while it cannot (no Region known yet), and in tests that need no
 * EC2. Its EC2 half is the `EniReleaser` seam, empty by default.
 */
import { createHash, randomUUID } from "node:crypto";
import type { TerminationNotice as AwsNotice } from "../aws/index.js";
import { AgentError, type EniId, type PciAddress, toAgentError } from "../common/index.js";
import type {
  AgentEventPayload,
  DeviceRecord,
  OperationRecord,
  ReleaseAction,
  StepStatus,
  TerminationNotice,
  TerminationPlan,
  TerminationResult,
  TerminationStep,
} from "../server/core-types.js";
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
export function terminationOperationId(key: string): string {
  return `term-${createHash("sha256").update(key).digest("hex").slice(0, 20)}`;
}

/** What the EC2 release needs to know about one device whose ENI is known. */
export interface ReleaseCandidate {
  eniId: EniId;
  pciAddress: PciAddress;
  /** Device number 0 on card 0: never detached. */
  primary: boolean;
}

/** The EC2 half of the restore-only runner. */
export interface EniReleaser {
  /** The EC2 steps for these ENIs (owned ones only; others get a "skip" step with the reason). */
  plan(candidates: readonly ReleaseCandidate[]): Promise<TerminationStep[]>;
  /** Performs one step before `deadlineMs` (epoch ms); resolves with what was done. */
  release(step: TerminationStep, deadlineMs: number, signal: AbortSignal): Promise<ReleaseAction>;
}

/** No EC2 steps: the restore-only runner's default. */
export const noEc2Release: EniReleaser = {
  plan: async () => [],
  release: async () => {
    throw new AgentError("FAILED_PRECONDITION", "the EC2 release is not available");
  },
};

export interface TerminationRunnerDeps extends PlannerHooks {
  releaser: EniReleaser;
}

export interface TerminationRunnerOptions {
  /** Finish this long before the notice's deadline. */
  graceMs: () => number;
  /** Deadline of a plan whose notice has none, from now. */
  defaultDeadlineMs: () => number;
}

export class TerminationRunner implements TerminationPlanner {
  readonly #deps: TerminationRunnerDeps;
  readonly #options: TerminationRunnerOptions;
  /** One run per notice: a notice seen again joins its run. */
  readonly #runs = new Map<string, Promise<TerminationResult>>();
  #pending: TerminationNotice | null = null;

  constructor(deps: TerminationRunnerDeps, options: TerminationRunnerOptions) {
    this.#deps = deps;
    this.#options = options;
  }

  pendingNotice(): TerminationNotice | null {
    return this.#pending;
  }

  /** Nothing to resume: this runner keeps no journal of its own (the engine's covers restores). */
  async resume(): Promise<void> {}

  async run(
    aws: AwsNotice | null,
    options: { dryRun: boolean; requestedBy: string | null; signal: AbortSignal },
  ): Promise<TerminationResult> {
    const notice = aws === null ? null : toCoreNotice(aws);
    const plan = await this.plan(notice);
    if (options.dryRun) return { plan, operation: null };
    const key = notice?.noticeId ?? `manual-${randomUUID()}`;
    let run = this.#runs.get(key);
    if (run === undefined) {
      this.#pending = notice ?? this.#pending;
      run = this.#execute(plan, key, options.requestedBy, options.signal);
      this.#runs.set(key, run);
    }
    return run;
  }

  async plan(notice: TerminationNotice | null): Promise<TerminationPlan> {
    const devices = await this.#deps.devices();
    const steps: TerminationStep[] = [];
    for (const d of devices) {
      if (d.state === "kernel") continue;
      steps.push({
        eniId: d.identity.eniId ?? ("eni-unknown" as EniId),
        pciAddress: d.pciAddress,
        action: "restore_kernel_driver",
        reason: `bound to ${d.driver ?? "no driver"} (${d.state})`,
        status: "pending",
      });
    }
    const candidates = devices.flatMap((d) =>
      d.identity.eniId === null
        ? []
        : [{ eniId: d.identity.eniId, pciAddress: d.pciAddress, primary: d.management }],
    );
    steps.push(...(await this.#deps.releaser.plan(candidates)));
    const deadlineMs =
      notice?.deadline?.getTime() ?? Date.now() + this.#options.defaultDeadlineMs();
    return { notice, deadline: new Date(deadlineMs), steps };
  }

  async #execute(
    plan: TerminationPlan,
    key: string,
    requestedBy: string | null,
    signal: AbortSignal,
  ): Promise<TerminationResult> {
    const t0 = performance.now();
    const created = new Date();
    const record: OperationRecord = {
      id: terminationOperationId(key),
      kind: "termination",
      confirmation: null,
      status: "running",
      pciAddress: null,
      fromDriver: null,
      toDriver: null,
      dryRun: false,
      force: false,
      persist: false,
      steps: plan.steps.map((s) => ({
        description: `${s.action} ${s.pciAddress ?? s.eniId}`,
        path: null,
        value: null,
        status: s.status,
      })),
      error: null,
      createdAt: created,
      updatedAt: created,
      finishedAt: null,
      requestedBy,
    };
    const progress = (): void => {
      const copy = { ...record, steps: record.steps.map((s) => ({ ...s })) };
      this.#deps.remember(copy);
      const done = copy.status !== "running";
      this.#deps.emit({ kind: done ? "operation_result" : "operation_progress", operation: copy });
    };
    this.#deps.emit({ kind: "termination_planned", plan });
    progress();
    const set = (i: number, status: StepStatus): void => {
      plan.steps[i]!.status = status;
      record.steps[i]!.status = status;
      record.updatedAt = new Date();
      progress();
    };
    const failures: AgentError[] = [];
    const deadlineMs = (plan.deadline?.getTime() ?? Date.now()) - this.#options.graceMs();
    // Kernel first, all devices at once (the engine bounds the parallelism):
    // an ENI is detached only after its device is back with the kernel.
    const restores = plan.steps.flatMap((s, i) =>
      s.action === "restore_kernel_driver" && s.pciAddress !== null ? [i] : [],
    );
    await Promise.all(
      restores.map(async (i) => {
        set(i, "running");
        try {
          await this.#deps.restore(plan.steps[i]!.pciAddress!);
          set(i, "done");
        } catch (err) {
          failures.push(toAgentError(err));
          set(i, "failed");
        }
      }),
    );
    for (let i = 0; i < plan.steps.length; i++) {
      const step = plan.steps[i]!;
      if (step.action === "restore_kernel_driver" || step.action === "skip") continue;
      set(i, "running");
      try {
        const action = await this.#deps.releaser.release(step, deadlineMs, signal);
        set(i, "done");
        this.#deps.emit({
          kind: "eni_released",
          eniId: step.eniId,
          pciAddress: step.pciAddress,
          action,
        });
      } catch (err) {
        failures.push(toAgentError(err));
        set(i, "failed");
      }
    }
    record.status = failures.length === 0 ? "succeeded" : "failed";
    record.finishedAt = new Date();
    record.updatedAt = record.finishedAt;
    if (failures.length > 0) {
      record.error = {
        ...failures[0]!.toJSON(),
        message: `${failures.length} step(s) of the termination plan failed; first: ${failures[0]!.message}`,
        operationId: record.id,
      };
    }
    this.#deps.finished(performance.now() - t0, failures.length === 0);
    progress();
    if (failures.length > 0) {
      throw new AgentError(failures[0]!.code, record.error!.message, {
        ...failures[0]!.details(),
        operationId: record.id,
        cause: failures[0],
      });
    }
    return { plan, operation: record };
  }
}

/**
 * The daemon's AWS side, wired from the configuration in effect: the release
 * plan a termination notice runs (with the Auto Scaling lifecycle action it
 * completes, when a hook is configured), the EC2 actions it and the leak
 * sweeper use, and DeleteOnTermination at bind. Each is rebuilt when its
 * part of the configuration changes.
 *
 * The SDKs are loaded when the actions are first asked for (see
 * ec2-client.ts): `Ec2Actions` and `AsgLifecycleActions` are imported here
 * as types only, their classes dynamically, so that no module on the
 * daemon's start path imports an SDK.
 */

import { uptime } from "node:os";
import {
  ASG_GROUP_TAG,
  type AsgLifecycleActions,
  type Ec2Actions,
  FileReleasePlanStore,
  LeakSweeper,
  type LifecycleHookDeps,
  type MetadataReader,
  protectOwnedEni,
  ReleasePlan,
  type ReleasePlanEvent,
  readInstanceTag,
  type TerminationNotice,
} from "../aws/index.js";
import { AgentError, type EniId, type PciAddress } from "../common/index.js";
import type { AgentLog } from "./agent-log.js";
import type { AgentConfig } from "./config-schema.js";
import type { AgentAutoScalingClient, AgentEc2Client } from "./ec2-client.js";
import type { PlannerHooks } from "./release-plan-runner.js";

interface AgentEc2Deps {
  /** The configuration in effect (read at every use). */
  config: () => AgentConfig;
  client: AgentEc2Client;
  autoScaling: AgentAutoScalingClient;
  /** Where the Auto Scaling group tag is read (null: IMDS disabled). */
  imds: MetadataReader | null;
  /** This instance's id, once IMDS named it. */
  instanceId: () => string | null;
  log: AgentLog;
  /** When the host booted, epoch ms: journaled plans of earlier boots do not answer new notices. */
  bootedAtMs?: number;
}

/**
 * How long one ReleaseEni may spend on EC2: a detach usually settles in
 * seconds, and a slower one is finished by the controller's retry.
 */
const RELEASE_ENI_BUDGET_MS = 120_000;

export class AgentEc2 {
  readonly #deps: AgentEc2Deps;
  #plan: { key: string; plan: ReleasePlan } | null = null;
  #actions: { key: string; actions: Promise<Ec2Actions> } | null = null;
  #lifecycleActions: Promise<AsgLifecycleActions> | null = null;

  constructor(deps: AgentEc2Deps) {
    this.#deps = deps;
  }

  /**
   * A notice came back with another deadline: an earlier one moves the
   * running plan's (see ReleasePlan.noticeChanged). Returns what happened,
   * for the log.
   */
  noticeChanged(notice: TerminationNotice): "moved" | "kept" | "not-running" {
    return this.#plan?.plan.noticeChanged(notice) ?? "not-running";
  }

  /** The ReleasePlan for the configuration in effect, rebuilt when its part of it changed. */
  releasePlan(emit: (event: ReleasePlanEvent) => void, hooks: PlannerHooks): ReleasePlan {
    const c = this.#deps.config();
    const key = JSON.stringify([
      c.ec2.ownerTag,
      c.ec2.releasePolicy,
      c.termination,
      c.autoScaling.lifecycleHook,
    ]);
    if (this.#plan?.key === key) return this.#plan.plan;
    const { log } = this.#deps;
    const plan = new ReleasePlan(
      {
        actions: () => this.actions(),
        store: new FileReleasePlanStore({
          stateDir: c.stateDir,
          onCorrupt: (path, reason) =>
            log.error({ path, reason }, "unreadable release plan record"),
        }),
        instanceId: async () => {
          const id = this.#deps.instanceId();
          if (id === null) {
            throw new AgentError("UNAVAILABLE", "the instance id is not known yet (IMDS)");
          }
          return id;
        },
        boundDevices: async () =>
          (await hooks.devices())
            .filter((d) => d.state !== "kernel")
            .map((d) => ({
              device: d.pciAddress,
              eniId: d.identity.eniId,
              mac: d.identity.mac,
            })),
        restore: (device) => hooks.restore(device as PciAddress),
        emit,
        onJournalError: (err) =>
          log.error({ err }, "release plan journal failed; the plan goes on"),
        bootedAtMs: this.#deps.bootedAtMs ?? Date.now() - uptime() * 1000,
        ...this.#lifecycleHook(c),
      },
      {
        mode: c.ec2.releasePolicy,
        dpdkGraceMs: c.termination.dpdkGraceMs,
        deadlineMarginMs: c.termination.graceMs,
        concurrency: c.termination.concurrency,
        defaultDeadlineMs: c.termination.defaultDeadlineMs,
      },
    );
    this.#plan = { key, plan };
    return plan;
  }

  /**
   * EC2 actions on the owned ENIs, one set per owner tag (they hold the
   * client-side rate buckets). Rejects with UNAVAILABLE while the Region is
   * unknown; the first call loads the SDK.
   */
  actions(): Promise<Ec2Actions> {
    const c = this.#deps.config().ec2;
    const key = JSON.stringify([c.ownerTag, c.forceDetach]);
    if (this.#actions?.key !== key) {
      const actions = this.#build(c.ownerTag, c.forceDetach);
      const entry = { key, actions };
      this.#actions = entry;
      // A failure (Region unknown) is not kept: the next call tries again.
      actions.catch(() => {
        if (this.#actions === entry) this.#actions = null;
      });
    }
    return this.#actions!.actions;
  }

  /**
   * `autoScaling.lifecycleHook`: the plan of an Auto Scaling notice completes
   * the instance's lifecycle action, heartbeating at half the configured
   * hook timeout so the action outlives the plan.
   */
  #lifecycleHook(c: AgentConfig): { lifecycleHook?: LifecycleHookDeps } {
    const hook = c.autoScaling.lifecycleHook;
    if (hook === null) return {};
    const { imds } = this.#deps;
    return {
      lifecycleHook: {
        hookName: hook.name,
        ...(hook.groupName === null ? {} : { groupName: hook.groupName }),
        onFailure: hook.onFailure,
        heartbeatIntervalMs: Math.floor(c.termination.asgLifecycleHookTimeoutMs / 2),
        actions: () => this.#asgActions(),
        ...(imds === null
          ? {}
          : { groupFromMetadata: (signal) => readInstanceTag(imds, ASG_GROUP_TAG, { signal }) }),
      },
    };
  }

  #asgActions(): Promise<AsgLifecycleActions> {
    if (this.#lifecycleActions === null) {
      const made = Promise.all([
        this.#deps.autoScaling.get(),
        import("../aws/asg-lifecycle-actions.js"),
      ]).then(([client, { AsgLifecycleActions }]) => new AsgLifecycleActions({ client }));
      this.#lifecycleActions = made;
      // A failure (Region unknown) is not kept: the next call tries again.
      made.catch(() => {
        if (this.#lifecycleActions === made) this.#lifecycleActions = null;
      });
    }
    return this.#lifecycleActions;
  }

  /** `ec2.deleteOnTerminationOnBind`: an owned ENI handed to DPDK is marked DeleteOnTermination. */
  async protectEni(eniId: EniId): Promise<void> {
    if (!this.#deps.config().ec2.deleteOnTerminationOnBind) return;
    const actions = await this.actions();
    const outcome = await protectOwnedEni(actions, eniId, { deadlineMs: Date.now() + 30_000 });
    this.#deps.log.info({ eni: eniId, outcome }, "DeleteOnTermination on bind");
  }

  /**
   * ReleaseEni's detach-and-delete mode: detach (Force only as configured),
   * wait until available, delete, within RELEASE_ENI_BUDGET_MS. Owned ENIs
   * only (FAILED_PRECONDITION, guard "not-owned"); a dry-run configuration
   * is FAILED_PRECONDITION too, since nothing was deleted.
   */
  async detachAndDelete(eniId: EniId): Promise<void> {
    const actions = await this.actions();
    const outcome = await actions.detachAndDelete(eniId, {
      deadlineMs: Date.now() + RELEASE_ENI_BUDGET_MS,
    });
    this.#deps.log.info({ eni: eniId, outcome }, "ENI detached and deleted on release");
    if (outcome === "dry-run") {
      throw new AgentError(
        "FAILED_PRECONDITION",
        `${eniId} was not deleted: EC2 calls are dry runs`,
        {
          remedy: "release again without detach-and-delete, and detach from the controller",
        },
      );
    }
  }

  /** `ec2.leakSweep`: deletes owned ENIs left `available` (see src/aws/leak-sweeper.ts). */
  newSweeper(c: AgentConfig): LeakSweeper {
    const { log } = this.#deps;
    const sweep = c.ec2.leakSweep;
    return new LeakSweeper(
      {
        actions: () => this.actions(),
        onSweep: (report) => {
          for (const entry of report.entries) {
            if (entry.decision === "deleted" || entry.decision === "would-delete") {
              log.warn(
                { eni: entry.eniId, decision: entry.decision, ageMs: entry.ageMs },
                "leaked ENI swept",
              );
            } else if (entry.decision === "failed") {
              log.warn({ eni: entry.eniId, error: entry.error }, "leaked ENI not deleted");
            }
          }
        },
        onError: (err) => log.warn({ err }, "leak sweep failed"),
      },
      {
        intervalMs: sweep.intervalMs,
        minAgeMs: sweep.minAgeMs,
        createdAtTag: sweep.createdAtTag,
        dryRun: sweep.dryRun,
      },
    );
  }

  async #build(owner: AgentConfig["ec2"]["ownerTag"], forceDetach: boolean): Promise<Ec2Actions> {
    const [client, { Ec2Actions }] = await Promise.all([
      this.#deps.client.get(),
      import("../aws/ec2-actions.js"),
    ]);
    return new Ec2Actions(
      { client },
      { owner: { tagKey: owner.key, tagValue: owner.value }, forceDetach },
    );
  }
}

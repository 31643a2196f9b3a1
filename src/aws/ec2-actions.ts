/**
 * The EC2 ENI actions of the release plan, thin over the SDK. Every describe
 * is filtered and paginated (the cheaper throttling bucket, bounded answers).
 * Every mutation first re-describes the ENI filtered by the owner tag and
 * refuses ENIs the agent does not own, requester-managed ENIs and the primary
 * ENI, before EC2 would. "Already gone" answers are outcomes, not errors, so
 * the plan is idempotent and can be re-run after a crash.
 */
import {
  CreateTagsCommand,
  DeleteNetworkInterfaceCommand,
  DetachNetworkInterfaceCommand,
  type EC2Client,
  type Filter,
  ModifyNetworkInterfaceAttributeCommand,
} from "@aws-sdk/client-ec2";
import {
  AgentError,
  type Clock,
  type EniId,
  isAgentError,
  parseEniId,
  wallClock,
} from "../common/index.js";
import { ATTACHMENT_NOT_FOUND, ENI_NOT_FOUND, isDryRunSuccess } from "./aws-errors.js";
import { backoffDelayMs } from "./backoff.js";
import { describeNetworkInterfaces } from "./describe-network-interfaces.js";
import { callEc2, type Ec2CallContext, type Ec2CallOptions } from "./ec2-call.js";
import { type Ec2ApiAction, Ec2RateLimiter, type RateLimit } from "./ec2-rate-limiter.js";
import { type EniDescription, type EniStatus, refuseUntouchable } from "./eni-description.js";

export interface OwnerTag {
  readonly tagKey: string;
  readonly tagValue: string;
}

export interface Ec2ActionsOptions {
  /** The tag that marks ENIs the agent owns; nothing else is ever mutated. */
  readonly owner: OwnerTag;
  /** Send Force=true on detach (a last resort: the device index may stay unusable). Default false. */
  readonly forceDetach?: boolean;
  /** Send DryRun=true on every mutation; outcomes are then "dry-run". Default false. */
  readonly dryRun?: boolean;
  /** MaxResults per describe page, 5..1000. Default 100. */
  readonly pageSize?: number;
  /** Overrides of the client-side buckets (default: EC2's documented sizes). */
  readonly rateLimits?: Partial<Record<Ec2ApiAction, RateLimit>>;
  /** First delay between describes while waiting, in ms. Default 250. */
  readonly waitBaseDelayMs?: number;
  /** Largest delay between describes while waiting, in ms. Default 2000. */
  readonly waitMaxDelayMs?: number;
}

export interface Ec2ActionsDeps {
  readonly client: EC2Client;
  /** Epoch ms: deadlines, waits and the client-side buckets. Default wallClock. */
  readonly clock?: Clock;
  readonly random?: () => number;
}

export type DetachOutcome = "detaching" | "already-detached" | "already-gone" | "dry-run";
export type DeleteOutcome = "deleted" | "already-gone" | "dry-run";
export type DeleteOnTerminationOutcome = "set" | "already-set" | "dry-run";

export class Ec2Actions {
  private readonly client: EC2Client;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly owner: OwnerTag;
  private readonly forceDetach: boolean;
  private readonly dryRun: boolean;
  private readonly pageSize: number;
  private readonly context: Ec2CallContext;
  private readonly waitBackoff: { baseMs: number; capMs: number };
  private readonly options: Ec2ActionsOptions;

  constructor(deps: Ec2ActionsDeps, options: Ec2ActionsOptions, shared?: Ec2CallContext) {
    this.client = deps.client;
    this.clock = deps.clock ?? wallClock;
    this.random = deps.random ?? Math.random;
    if (options.owner.tagKey === "" || options.owner.tagKey.startsWith("aws:")) {
      throw new AgentError("INVALID_ARGUMENT", "the owner tag key must be non-empty, not aws:*");
    }
    this.owner = options.owner;
    this.forceDetach = options.forceDetach ?? false;
    this.dryRun = options.dryRun ?? false;
    this.pageSize = options.pageSize ?? 100;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 5 || this.pageSize > 1000) {
      throw new AgentError("INVALID_ARGUMENT", "pageSize must be an integer in 5..1000");
    }
    this.options = options;
    // A sibling made by withDryRun() spends from the same client-side buckets.
    this.context = shared ?? {
      limiter: new Ec2RateLimiter(options.rateLimits, this.clock),
      clock: this.clock,
    };
    this.waitBackoff = {
      baseMs: options.waitBaseDelayMs ?? 250,
      capMs: options.waitMaxDelayMs ?? 2000,
    };
  }

  /** True when every mutation is sent with DryRun=true. */
  get isDryRun(): boolean {
    return this.dryRun;
  }

  /**
   * The same actions with DryRun=true on every mutation, sharing this
   * instance's client and client-side buckets (a dry run of the release plan
   * spends from the same budget as the real one would).
   */
  withDryRun(): Ec2Actions {
    if (this.dryRun) return this;
    return new Ec2Actions(
      { client: this.client, clock: this.clock, random: this.random },
      { ...this.options, dryRun: true },
      this.context,
    );
  }

  /** The tags that make an ENI owned by this agent (for tagEnis). */
  ownerTags(): Record<string, string> {
    return { [this.owner.tagKey]: this.owner.tagValue };
  }

  /** ENIs attached to `instanceId`, owned or not. */
  describeInstanceEnis(instanceId: string, call: Ec2CallOptions): Promise<EniDescription[]> {
    return this.describe([{ Name: "attachment.instance-id", Values: [instanceId] }], call);
  }

  /** ENIs carrying the owner tag, optionally narrowed to an instance or an ENI status. */
  describeOwnedEnis(
    call: Ec2CallOptions,
    narrow: { instanceId?: string; status?: EniStatus } = {},
  ): Promise<EniDescription[]> {
    const filters: Filter[] = [{ Name: `tag:${this.owner.tagKey}`, Values: [this.owner.tagValue] }];
    if (narrow.instanceId) {
      filters.push({ Name: "attachment.instance-id", Values: [narrow.instanceId] });
    }
    if (narrow.status) filters.push({ Name: "status", Values: [narrow.status] });
    return this.describe(filters, call);
  }

  /** One ENI, or undefined when EC2 does not know it (any more). */
  async describeEni(eniId: string, call: Ec2CallOptions): Promise<EniDescription | undefined> {
    const id = parseEniId(eniId);
    const [eni] = await this.describe([{ Name: "network-interface-id", Values: [id] }], call);
    return eni;
  }

  /**
   * Several ENIs in one filtered, paginated describe (up to 200 ids); the
   * ones EC2 does not know are simply absent. Lets a waiter poll many ENIs
   * with one request instead of one each.
   */
  describeEnis(eniIds: readonly string[], call: Ec2CallOptions): Promise<EniDescription[]> {
    const ids = eniIds.map(parseEniId);
    if (ids.length === 0) return Promise.resolve([]);
    if (ids.length > 200) {
      throw new AgentError("INVALID_ARGUMENT", "describeEnis takes at most 200 ids");
    }
    return this.describe([{ Name: "network-interface-id", Values: ids }], call);
  }

  /**
   * Detaches an owned ENI (Force only if configured). Returns without
   * waiting: use waitForAvailable. Throws FAILED_PRECONDITION (guard
   * "not-owned", "requester-managed", "primary-eni") before calling EC2.
   * `seen`: a description of this ENI the caller just got from EC2 (a
   * listing, a wait); the owner check then uses its tags instead of a
   * re-describe, which saves a request from the scarce Describe bucket.
   */
  async detachEni(
    eniId: string,
    call: Ec2CallOptions,
    seen?: EniDescription,
  ): Promise<DetachOutcome> {
    const eni = await this.ownedNow(eniId, call, seen);
    if (eni === undefined) return "already-gone";
    refuseUntouchable(eni, true);
    const attachment = eni.attachment;
    if (!attachment) return "already-detached";
    if (attachment.status === "detaching") return "detaching";
    const outcome = await this.mutate(
      "DetachNetworkInterface",
      call,
      eni.eniId,
      (abortSignal) =>
        this.client.send(
          new DetachNetworkInterfaceCommand({
            AttachmentId: attachment.attachmentId,
            ...(this.forceDetach ? { Force: true } : {}),
            ...this.dryRunFlag(),
          }),
          { abortSignal },
        ),
      ATTACHMENT_NOT_FOUND,
    );
    return outcome === "done" ? "detaching" : outcome === "gone" ? "already-detached" : "dry-run";
  }

  /**
   * Deletes an owned ENI. An attached ENI fails with FAILED_PRECONDITION
   * (awsCode InvalidNetworkInterface.InUse); an unknown one is "already-gone".
   */
  async deleteEni(
    eniId: string,
    call: Ec2CallOptions,
    seen?: EniDescription,
  ): Promise<DeleteOutcome> {
    const eni = await this.ownedNow(eniId, call, seen);
    if (eni === undefined) return "already-gone";
    refuseUntouchable(eni, false);
    const outcome = await this.mutate(
      "DeleteNetworkInterface",
      call,
      eni.eniId,
      (abortSignal) =>
        this.client.send(
          new DeleteNetworkInterfaceCommand({
            NetworkInterfaceId: eni.eniId,
            ...this.dryRunFlag(),
          }),
          { abortSignal },
        ),
      ENI_NOT_FOUND,
    );
    return outcome === "done" ? "deleted" : outcome === "gone" ? "already-gone" : "dry-run";
  }

  /**
   * Polls describe until the ENI is `available` (returned) or gone
   * (undefined), with backoff bounded by the deadline: DEADLINE_EXCEEDED when
   * it is still attached or detaching then. Transient describe failures
   * (throttling, 5xx) are retried inside the same deadline.
   */
  async waitForAvailable(eniId: string, call: Ec2CallOptions): Promise<EniDescription | undefined> {
    return this.pollEni(eniId, call, "available", (eni) => eni?.status === "available" || !eni);
  }

  /** Detach, wait for `available`, delete: the whole release of one owned ENI. */
  async detachAndDelete(eniId: string, call: Ec2CallOptions): Promise<DeleteOutcome> {
    const detached = await this.detachEni(eniId, call);
    if (detached === "already-gone") return "already-gone";
    if (detached === "dry-run") return "dry-run";
    if ((await this.waitForAvailable(eniId, call)) === undefined) return "already-gone";
    return this.deleteEni(eniId, call);
  }

  /**
   * Sets DeleteOnTermination=true on the owned ENI's attachment, then
   * describes until EC2 shows it (or DEADLINE_EXCEEDED). With it set, EC2
   * deletes the ENI at termination without any call at that time.
   */
  async setDeleteOnTermination(
    eniId: string,
    call: Ec2CallOptions,
  ): Promise<DeleteOnTerminationOutcome> {
    const eni = await this.requireOwned(eniId, call);
    if (eni === undefined) {
      throw new AgentError("NOT_FOUND", `${eniId} does not exist`, { awsCode: ENI_NOT_FOUND });
    }
    refuseUntouchable(eni, false);
    const attachment = eni.attachment;
    if (!attachment) {
      throw new AgentError("FAILED_PRECONDITION", `${eniId} is not attached`, {
        guard: "not-attached",
        remedy: "DeleteOnTermination is a property of an attachment",
      });
    }
    if (attachment.deleteOnTermination) return "already-set";
    const outcome = await this.mutate(
      "ModifyNetworkInterfaceAttribute",
      call,
      eni.eniId,
      (abortSignal) =>
        this.client.send(
          new ModifyNetworkInterfaceAttributeCommand({
            NetworkInterfaceId: eni.eniId,
            Attachment: { AttachmentId: attachment.attachmentId, DeleteOnTermination: true },
            ...this.dryRunFlag(),
          }),
          { abortSignal },
        ),
    );
    if (outcome === "dry-run") return "dry-run";
    await this.verifyDeleteOnTermination(eni.eniId, attachment.attachmentId, call);
    return "set";
  }

  /** Adds tags to ENIs (e.g. ownerTags() to claim them). Keys under aws: are refused. */
  async tagEnis(
    eniIds: readonly string[],
    tags: Readonly<Record<string, string>>,
    call: Ec2CallOptions,
  ): Promise<"tagged" | "dry-run"> {
    const ids = eniIds.map(parseEniId);
    const entries = Object.entries(tags);
    if (ids.length === 0 || entries.length === 0) return "tagged";
    if (entries.some(([key]) => key === "" || key.startsWith("aws:"))) {
      throw new AgentError(
        "INVALID_ARGUMENT",
        "tag keys must be non-empty and not start with aws:",
      );
    }
    const outcome = await this.mutate("CreateTags", call, undefined, (abortSignal) =>
      this.client.send(
        new CreateTagsCommand({
          Resources: ids,
          Tags: entries.map(([Key, Value]) => ({ Key, Value })),
          ...this.dryRunFlag(),
        }),
        { abortSignal },
      ),
    );
    return outcome === "dry-run" ? "dry-run" : "tagged";
  }

  // --- internals -------------------------------------------------------------

  /**
   * One mutating call. "dry-run" when EC2 answered DryRunOperation; "gone"
   * when it answered `goneCode` (the thing to act on no longer exists).
   */
  private async mutate(
    action: Ec2ApiAction,
    call: Ec2CallOptions,
    eniId: string | undefined,
    send: (abortSignal: AbortSignal) => Promise<unknown>,
    goneCode?: string,
  ): Promise<"done" | "gone" | "dry-run"> {
    try {
      await callEc2(this.context, action, call, send, eniId);
      return "done";
    } catch (err) {
      if (isDryRunSuccess(err)) return "dry-run";
      if (goneCode !== undefined && isAgentError(err) && err.awsCode === goneCode) return "gone";
      throw err;
    }
  }

  private dryRunFlag(): { DryRun?: true } {
    return this.dryRun ? { DryRun: true } : {};
  }

  private describe(filters: Filter[], call: Ec2CallOptions): Promise<EniDescription[]> {
    return describeNetworkInterfaces(this.client, this.context, filters, this.pageSize, call);
  }

  /** `seen` when it is this ENI and carries the owner tag; otherwise as requireOwned. */
  private async ownedNow(
    eniId: string,
    call: Ec2CallOptions,
    seen: EniDescription | undefined,
  ): Promise<EniDescription | undefined> {
    if (seen === undefined || seen.eniId !== parseEniId(eniId)) {
      return this.requireOwned(eniId, call);
    }
    if (seen.tags[this.owner.tagKey] !== this.owner.tagValue) throw this.notOwned(seen.eniId);
    return seen;
  }

  private notOwned(id: string): AgentError {
    return new AgentError("FAILED_PRECONDITION", `${id} is not owned by this agent`, {
      guard: "not-owned",
      remedy: `eni-agent only changes ENIs tagged ${this.owner.tagKey}=${this.owner.tagValue}`,
    });
  }

  /** The ENI if owned; undefined if EC2 does not know it; FAILED_PRECONDITION if not ours. */
  private async requireOwned(
    eniId: string,
    call: Ec2CallOptions,
  ): Promise<EniDescription | undefined> {
    const id = parseEniId(eniId);
    const [owned] = await this.describe(
      [
        { Name: "network-interface-id", Values: [id] },
        { Name: `tag:${this.owner.tagKey}`, Values: [this.owner.tagValue] },
      ],
      call,
    );
    if (owned) return owned;
    if ((await this.describeEni(id, call)) === undefined) return undefined;
    throw this.notOwned(id);
  }

  private async verifyDeleteOnTermination(
    eniId: EniId,
    attachmentId: string,
    call: Ec2CallOptions,
  ): Promise<void> {
    await this.pollEni(eniId, call, "showing DeleteOnTermination", (eni) => {
      if (eni?.attachment?.attachmentId !== attachmentId) {
        throw new AgentError(
          "ABORTED",
          `${eniId} changed attachment while setting DeleteOnTermination`,
        );
      }
      return eni.attachment.deleteOnTermination;
    });
  }

  /**
   * Describes the ENI until `settled` holds, with backoff bounded by the
   * deadline. Transient describe failures (throttling, 5xx) are retried
   * inside it; at the deadline, DEADLINE_EXCEEDED says what the ENI was
   * last seen doing rather than only that a describe ran late.
   */
  private async pollEni(
    eniId: string,
    call: Ec2CallOptions,
    goal: string,
    settled: (eni: EniDescription | undefined) => boolean,
  ): Promise<EniDescription | undefined> {
    let last = "not described yet";
    const late = (cause?: unknown): AgentError =>
      new AgentError("DEADLINE_EXCEEDED", `${eniId}: not ${goal} by the deadline (${last})`, {
        cause,
      });
    for (let attempt = 0; ; attempt++) {
      try {
        const eni = await this.describeEni(eniId, call);
        if (settled(eni)) return eni;
        last = `last seen ${eni?.status ?? "gone"}`;
      } catch (err) {
        if (isAgentError(err) && err.code === "DEADLINE_EXCEEDED") throw late(err);
        if (!isAgentError(err) || err.code !== "UNAVAILABLE") throw err;
        last = `describe failing with ${err.awsCode ?? err.code}`;
      }
      const delayMs = backoffDelayMs(attempt, this.waitBackoff, this.random);
      if (this.clock.now() + delayMs >= call.deadlineMs) throw late();
      await this.pause(delayMs, call);
    }
  }

  private async pause(delayMs: number, call: Ec2CallOptions): Promise<void> {
    await this.clock.sleep(delayMs, call.signal).catch((reason: unknown) => {
      throw new AgentError("ABORTED", "EC2 wait aborted", { cause: reason });
    });
  }
}

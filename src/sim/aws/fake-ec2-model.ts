/**
 * The state behind the fake EC2 endpoint: ENIs, their attachments and a few
 * instances, with EC2's rules and error codes. Time is derived, not driven by
 * timers: a detach records when it was asked for, and every read settles the
 * attachments whose delay has passed (attached → detaching → available). So
 * the fake owns no timer and a stopped fake leaks nothing.
 */
import { randomBytes } from "node:crypto";

/** An EC2 API error as the wire carries it. */
export class Ec2Fault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface FakeAttachment {
  readonly attachmentId: string;
  readonly instanceId: string;
  readonly deviceIndex: number;
  readonly networkCardIndex: number;
  deleteOnTermination: boolean;
  readonly attachTimeMs: number;
  /** When a detach was accepted; undefined while attached. */
  detachRequestedAtMs: number | undefined;
  forced: boolean;
}

export interface FakeEni {
  readonly id: string;
  readonly mac: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly ownerId: string;
  readonly availabilityZone: string;
  readonly privateIpAddress: string;
  readonly description: string;
  /** ENIs created by AWS services (load balancers, NAT gateways): OperationNotPermitted. */
  readonly requesterManaged: boolean;
  readonly tags: Map<string, string>;
  attachment: FakeAttachment | undefined;
  /** When its last detach completed; deletes may still see the attachment a moment after. */
  detachedAtMs?: number;
}

export interface FakeInstance {
  readonly id: string;
  state: "running" | "terminated";
}

export type EniStatus = "available" | "in-use" | "detaching";
type AttachmentStatus = "attached" | "detaching";

interface NewEni {
  readonly subnetId?: string;
  readonly vpcId?: string;
  readonly description?: string;
  readonly requesterManaged?: boolean;
  readonly tags?: Record<string, string>;
}

export class FakeEc2Model {
  readonly enis = new Map<string, FakeEni>();
  readonly instances = new Map<string, FakeInstance>();
  /** attached → available takes this long after a detach, in ms. */
  detachDelayMs = 2000;
  /**
   * Deletes keep answering "in use" this long after describes show the ENI
   * `available` (EC2's actions do not see a detach at the same instant), in ms.
   */
  inUseAfterDetachMs = 0;
  ownerId = "123456789012";
  availabilityZone = "us-east-1a";
  private ipCounter = 10;

  constructor(private readonly now: () => number) {}

  createEni(spec: NewEni = {}): FakeEni {
    this.ipCounter += 1;
    const eni: FakeEni = {
      id: `eni-${hex(17)}`,
      mac: `0e:${hex(2)}:${hex(2)}:${hex(2)}:${hex(2)}:${hex(2)}`,
      subnetId: spec.subnetId ?? "subnet-0ac62554",
      vpcId: spec.vpcId ?? "vpc-d295a6a7",
      ownerId: this.ownerId,
      availabilityZone: this.availabilityZone,
      privateIpAddress: `10.0.${Math.floor(this.ipCounter / 250)}.${this.ipCounter % 250}`,
      description: spec.description ?? "",
      requesterManaged: spec.requesterManaged ?? false,
      tags: new Map(Object.entries(spec.tags ?? {})),
      attachment: undefined,
    };
    this.enis.set(eni.id, eni);
    return eni;
  }

  /** A running instance with its primary ENI at card 0, device 0 (DeleteOnTermination). */
  createInstance(): FakeInstance {
    const instance: FakeInstance = { id: `i-${hex(17)}`, state: "running" };
    this.instances.set(instance.id, instance);
    const primary = this.createEni({ description: "Primary network interface" });
    this.attach(primary.id, instance.id, 0, 0, true);
    return instance;
  }

  attach(
    eniId: string,
    instanceId: string,
    deviceIndex: number,
    networkCardIndex = 0,
    deleteOnTermination = false,
  ): FakeAttachment {
    const eni = this.requireEni(eniId);
    this.settle();
    // What AttachNetworkInterface answers for an ENI that is attached already.
    if (eni.attachment)
      throw new Ec2Fault("InvalidNetworkInterface.InUse", `Interface: [${eniId}] in use.`);
    const instance = this.instances.get(instanceId);
    if (instance?.state !== "running") {
      throw new Ec2Fault("IncorrectInstanceState", `instance ${instanceId} is not running`);
    }
    for (const other of this.enis.values()) {
      const a = other.attachment;
      if (
        a?.instanceId === instanceId &&
        a.deviceIndex === deviceIndex &&
        a.networkCardIndex === networkCardIndex
      ) {
        throw new Ec2Fault("InvalidParameterValue", `device index ${deviceIndex} is in use`);
      }
    }
    eni.attachment = {
      attachmentId: `eni-attach-${hex(17)}`,
      instanceId,
      deviceIndex,
      networkCardIndex,
      deleteOnTermination,
      attachTimeMs: this.now(),
      detachRequestedAtMs: undefined,
      forced: false,
    };
    return eni.attachment;
  }

  /** Ends detaches whose delay has passed. */
  settle(): void {
    const now = this.now();
    for (const eni of this.enis.values()) {
      const requested = eni.attachment?.detachRequestedAtMs;
      if (requested !== undefined && now >= requested + this.detachDelayMs) {
        eni.attachment = undefined;
        eni.detachedAtMs = requested + this.detachDelayMs;
      }
    }
  }

  status(eni: FakeEni): EniStatus {
    if (!eni.attachment) return "available";
    return eni.attachment.detachRequestedAtMs === undefined ? "in-use" : "detaching";
  }

  attachmentStatus(attachment: FakeAttachment): AttachmentStatus {
    return attachment.detachRequestedAtMs === undefined ? "attached" : "detaching";
  }

  detach(attachmentId: string, force: boolean, dryRun: boolean): void {
    this.settle();
    const eni = [...this.enis.values()].find((e) => e.attachment?.attachmentId === attachmentId);
    const attachment = eni?.attachment;
    if (!eni || !attachment) {
      throw new Ec2Fault(
        "InvalidAttachmentID.NotFound",
        `The attachment ID '${attachmentId}' does not exist`,
      );
    }
    if (
      eni.requesterManaged ||
      (attachment.deviceIndex === 0 && attachment.networkCardIndex === 0)
    ) {
      throw new Ec2Fault(
        "OperationNotPermitted",
        `The network interface at device index 0 and networkCard index 0 cannot be detached.`,
      );
    }
    dryRunCheck(dryRun);
    if (attachment.detachRequestedAtMs === undefined) attachment.detachRequestedAtMs = this.now();
    attachment.forced ||= force;
  }

  deleteEni(eniId: string, dryRun: boolean): void {
    this.settle();
    const eni = this.requireEni(eniId);
    if (eni.requesterManaged) {
      throw new Ec2Fault("OperationNotPermitted", `You do not have permission to access ${eniId}`);
    }
    // EC2 overloads InvalidParameterValue here, with this message, for an ENI
    // that is attached or still detaching (see docs/aws.md for the sources).
    const settling =
      eni.detachedAtMs !== undefined && this.now() < eni.detachedAtMs + this.inUseAfterDetachMs;
    if (eni.attachment || settling) {
      throw new Ec2Fault(
        "InvalidParameterValue",
        `Network interface '${eniId}' is currently in use.`,
      );
    }
    dryRunCheck(dryRun);
    this.enis.delete(eniId);
  }

  setDeleteOnTermination(
    eniId: string,
    attachmentId: string,
    value: boolean,
    dryRun: boolean,
  ): void {
    this.settle();
    const eni = this.requireEni(eniId);
    if (eni.attachment?.attachmentId !== attachmentId) {
      throw new Ec2Fault(
        "InvalidAttachmentID.NotFound",
        `The attachment ID '${attachmentId}' does not exist`,
      );
    }
    dryRunCheck(dryRun);
    eni.attachment.deleteOnTermination = value;
  }

  createTags(
    resourceIds: readonly string[],
    tags: ReadonlyMap<string, string>,
    dryRun: boolean,
  ): void {
    const enis = resourceIds.map((id) => this.requireEni(id));
    for (const key of tags.keys()) {
      if (key.startsWith("aws:")) {
        throw new Ec2Fault("InvalidParameterValue", `Tag keys starting with 'aws:' are reserved`);
      }
    }
    dryRunCheck(dryRun);
    for (const eni of enis) for (const [key, value] of tags) eni.tags.set(key, value);
  }

  /**
   * Terminates an instance as EC2 does: ENIs with DeleteOnTermination are
   * deleted, the others are detached and left `available` (leaked, unless
   * someone deletes them).
   */
  terminateInstance(instanceId: string): void {
    const instance = this.instances.get(instanceId);
    if (!instance) throw new Ec2Fault("InvalidInstanceID.NotFound", `${instanceId} not found`);
    instance.state = "terminated";
    for (const eni of [...this.enis.values()]) {
      if (eni.attachment?.instanceId !== instanceId) continue;
      if (eni.attachment.deleteOnTermination) this.enis.delete(eni.id);
      else {
        eni.attachment = undefined;
        eni.detachedAtMs = this.now();
      }
    }
  }

  requireEni(eniId: string): FakeEni {
    const eni = this.enis.get(eniId);
    if (!eni) {
      throw new Ec2Fault(
        "InvalidNetworkInterfaceID.NotFound",
        `The networkInterface ID '${eniId}' does not exist`,
      );
    }
    return eni;
  }
}

/** DryRun: every check passed, so answer "would have succeeded" instead of acting. */
export function dryRunCheck(dryRun: boolean): void {
  if (dryRun) {
    throw new Ec2Fault(
      "DryRunOperation",
      "Request would have succeeded, but DryRun flag is set.",
      412,
    );
  }
}

function hex(chars: number): string {
  return randomBytes(Math.ceil(chars / 2))
    .toString("hex")
    .slice(0, chars);
}

/**
 * The agent's view of an ENI as EC2 describes it: only the fields the release
 * plan needs, validated, with tags as a plain record.
 */
import type { NetworkInterface } from "@aws-sdk/client-ec2";
import { AgentError, type EniId, isEniId } from "../common/index.js";

export type EniStatus = "available" | "associated" | "attaching" | "in-use" | "detaching";

interface EniAttachmentDescription {
  readonly attachmentId: string;
  readonly instanceId: string | undefined;
  readonly deviceIndex: number | undefined;
  readonly networkCardIndex: number | undefined;
  readonly status: "attaching" | "attached" | "detaching" | "detached" | (string & {}) | undefined;
  readonly deleteOnTermination: boolean;
}

export interface EniDescription {
  readonly eniId: EniId;
  readonly status: EniStatus | (string & {});
  readonly macAddress: string | undefined;
  readonly subnetId: string | undefined;
  readonly vpcId: string | undefined;
  readonly ownerId: string | undefined;
  /** Created by another AWS service: never detached, deleted or modified by the agent. */
  readonly requesterManaged: boolean;
  readonly attachment: EniAttachmentDescription | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

/** The primary ENI (card 0, device 0) can never be detached. */
export function isPrimaryAttachment(attachment: EniAttachmentDescription | undefined): boolean {
  return attachment?.deviceIndex === 0 && (attachment.networkCardIndex ?? 0) === 0;
}

export function toEniDescription(eni: NetworkInterface): EniDescription {
  const id = eni.NetworkInterfaceId ?? "";
  if (!isEniId(id)) {
    throw new AgentError(
      "INTERNAL",
      `EC2 described an ENI without a valid id: ${JSON.stringify(id)}`,
    );
  }
  const a = eni.Attachment;
  const tags: Record<string, string> = {};
  for (const tag of eni.TagSet ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? "";
  return {
    eniId: id,
    status: eni.Status ?? "unknown",
    macAddress: eni.MacAddress,
    subnetId: eni.SubnetId,
    vpcId: eni.VpcId,
    ownerId: eni.OwnerId,
    requesterManaged: eni.RequesterManaged === true,
    // A "detached" attachment is history, not a link to an instance.
    attachment:
      a?.AttachmentId && a.Status !== "detached"
        ? {
            attachmentId: a.AttachmentId,
            instanceId: a.InstanceId,
            deviceIndex: a.DeviceIndex,
            networkCardIndex: a.NetworkCardIndex,
            status: a.Status,
            deleteOnTermination: a.DeleteOnTermination === true,
          }
        : undefined,
    tags,
  };
}

/** Requester-managed ENIs are never touched; the primary ENI is never detached. */
export function refuseUntouchable(eni: EniDescription, detaching: boolean): void {
  if (eni.requesterManaged) {
    throw new AgentError("FAILED_PRECONDITION", `${eni.eniId} is managed by another AWS service`, {
      guard: "requester-managed",
    });
  }
  if (detaching && isPrimaryAttachment(eni.attachment)) {
    throw new AgentError("FAILED_PRECONDITION", `${eni.eniId} is the instance's primary ENI`, {
      guard: "primary-eni",
    });
  }
}

import type { IncomingMessage } from "node:http";
import { type Clock, type Service, wallClock } from "../../common/index.js";
import { dryRunCheck, Ec2Fault, FakeEc2Model, type FakeEni } from "./fake-ec2-model.js";
import {
  boolParam,
  listParam,
  matchesFilters,
  paginate,
  parseFilters,
  parseTagSpecifications,
  parseTags,
  requiredParam,
} from "./fake-ec2-query.js";
import { eniXml, errorXml, instanceXml, responseXml } from "./fake-ec2-xml.js";
import { FakeQueryEndpoint, type QueryFault } from "./fake-query-endpoint.js";
import { type BucketSize, EC2_BUCKETS, FakeTokenBucket } from "./fake-token-bucket.js";
import { FaultQueue } from "./fault-queue.js";

const FAKE_EC2_ACTIONS = [
  "CreateNetworkInterface",
  "AttachNetworkInterface",
  "DescribeNetworkInterfaces",
  "DetachNetworkInterface",
  "DeleteNetworkInterface",
  "ModifyNetworkInterfaceAttribute",
  "CreateTags",
  "DescribeInstances",
] as const;
type FakeEc2Action = (typeof FAKE_EC2_ACTIONS)[number];

export interface FakeEc2Deps {
  /** Epoch ms: detach delays, bucket refills and the answer latency. Default wallClock. */
  readonly clock?: Clock;
  readonly random?: () => number;
}

export interface FakeEc2Options {
  /** attached → available after a detach, in ms. Default 2000. */
  readonly detachDelayMs?: number;
  /** Deletes still answer "in use" this long after the detach completed, in ms. Default 0. */
  readonly inUseAfterDetachMs?: number;
  /** Overrides the documented bucket size of an action. */
  readonly buckets?: Partial<Record<FakeEc2Action, BucketSize>>;
}

type XmlBody = Parameters<typeof responseXml>[2];

/**
 * The instance whose devices follow its attachments: an attach to it
 * hot-plugs the ENI's device, an accepted detach unplugs it. Without one,
 * attachments are bookkeeping only.
 */
export interface InstanceHotplug {
  readonly instanceId: string;
  /** The ENI was just attached to the instance. */
  plugged(eni: FakeEni): void;
  /** A detach of the ENI from the instance was just accepted (EC2 answers before the device has left). */
  unplugged(eni: FakeEni): void;
}

export class FakeEc2 extends FakeQueryEndpoint implements Service {
  readonly model: FakeEc2Model;
  /** Fraction [0, 1] of requests answered RequestLimitExceeded regardless of buckets. */
  throttleRate = 0;
  private readonly random: () => number;
  private readonly bucketSizes: Partial<Record<FakeEc2Action, BucketSize>>;
  private readonly buckets = new Map<string, FakeTokenBucket>();
  private readonly faults = new FaultQueue<FakeEc2Action>();
  /** CreateNetworkInterface's ClientToken → the ENI it created (a retry gets the same ENI). */
  private readonly clientTokens = new Map<string, string>();
  hotplug: InstanceHotplug | null = null;

  constructor(deps: FakeEc2Deps = {}, options: FakeEc2Options = {}) {
    super("fake-ec2", deps.clock ?? wallClock);
    this.random = deps.random ?? Math.random;
    this.model = new FakeEc2Model(() => this.clock.now());
    if (options.detachDelayMs !== undefined) this.model.detachDelayMs = options.detachDelayMs;
    if (options.inUseAfterDetachMs !== undefined) {
      this.model.inUseAfterDetachMs = options.inUseAfterDetachMs;
    }
    this.bucketSizes = options.buckets ?? {};
  }

  /** The next `count` requests (of `action`, or any) fail with `code`, HTTP `status` and `message`. */
  failNext(
    count: number,
    options: { action?: FakeEc2Action; code?: string; status?: number; message?: string } = {},
  ): void {
    this.faults.add(count, { ...options, code: options.code ?? "InternalError" });
  }

  /** The next `count` requests (of `action`, or any) are throttled. */
  throttleNext(count: number, action?: FakeEc2Action): void {
    this.failNext(count, { action, code: "RequestLimitExceeded", status: 503 });
  }

  /** How many requests of `action` were answered with success. */
  succeeded(action: FakeEc2Action): number {
    return this.requests.filter((r) => r.action === action && r.errorCode === undefined).length;
  }

  protected fault(err: unknown): QueryFault {
    return err instanceof Ec2Fault ? err : new Ec2Fault("InternalError", String(err), 500);
  }

  protected unsigned(): QueryFault {
    return new Ec2Fault(
      "AuthFailure",
      "AWS was not able to validate the provided credentials",
      401,
    );
  }

  protected errorXml(fault: QueryFault, requestId: string): string {
    return errorXml(fault.code, fault.message, requestId);
  }

  protected dispatch(
    _req: IncomingMessage,
    action: string,
    params: URLSearchParams,
    requestId: string,
  ): string {
    if (!(FAKE_EC2_ACTIONS as readonly string[]).includes(action)) {
      throw new Ec2Fault(
        "InvalidAction",
        `The action ${action} is not valid for this web service.`,
      );
    }
    this.injectFaults(action as FakeEc2Action, params);
    return responseXml(action, requestId, this.execute(action as FakeEc2Action, params));
  }

  private injectFaults(action: FakeEc2Action, params: URLSearchParams): void {
    const fault = this.faults.take(action);
    if (fault) throw new Ec2Fault(fault.code, fault.message, fault.status);
    if (this.throttleRate > 0 && this.random() < this.throttleRate) throw throttled();
    if (!this.bucket(action, params).take()) throw throttled();
  }

  /**
   * EC2 charges a Describe against a cheaper bucket when it is filtered (or
   * names ids) and paginated; everything else against the action's own bucket.
   */
  private bucket(action: FakeEc2Action, params: URLSearchParams): FakeTokenBucket {
    let kind: keyof typeof EC2_BUCKETS;
    if (action === "DescribeNetworkInterfaces" || action === "DescribeInstances") {
      const filtered = [...params.keys()].some((k) =>
        /^(Filter|NetworkInterfaceId|InstanceId)\./.test(k),
      );
      kind = filtered && params.has("MaxResults") ? "describeFiltered" : "describeUnfiltered";
    } else if (action === "DetachNetworkInterface" || action === "AttachNetworkInterface") {
      kind = "mutating";
    } else if (action === "CreateTags") kind = "createTags";
    else kind = "networkInterface";
    const key = `${action}:${kind}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new FakeTokenBucket(this.bucketSizes[action] ?? EC2_BUCKETS[kind], () =>
        this.clock.now(),
      );
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private execute(action: FakeEc2Action, params: URLSearchParams): XmlBody {
    const model = this.model;
    const dryRun = boolParam(params, "DryRun");
    switch (action) {
      case "DescribeNetworkInterfaces":
        return this.describeNetworkInterfaces(params, dryRun);
      case "DescribeInstances":
        return this.describeInstances(params);
      case "CreateNetworkInterface":
        return this.createNetworkInterface(params, dryRun);
      case "AttachNetworkInterface":
        return this.attachNetworkInterface(params, dryRun);
      case "DetachNetworkInterface":
        this.detachNetworkInterface(params, dryRun);
        return { return: true };
      case "DeleteNetworkInterface":
        model.deleteEni(requiredParam(params, "NetworkInterfaceId"), dryRun);
        return { return: true };
      case "ModifyNetworkInterfaceAttribute":
        this.modifyAttribute(params, dryRun);
        return { return: true };
      case "CreateTags": {
        const ids = listParam(params, "ResourceId");
        if (ids.length === 0) requiredParam(params, "ResourceId.1");
        model.createTags(ids, parseTags(params), dryRun);
        return { return: true };
      }
    }
  }

  private createNetworkInterface(params: URLSearchParams, dryRun: boolean): XmlBody {
    const subnetId = requiredParam(params, "SubnetId");
    const tags = parseTagSpecifications(params, "network-interface");
    dryRunCheck(dryRun);
    const token = params.get("ClientToken") ?? undefined;
    const earlier = token === undefined ? undefined : this.clientTokens.get(token);
    const eni =
      (earlier === undefined ? undefined : this.model.enis.get(earlier)) ??
      this.model.createEni({
        subnetId,
        description: params.get("Description") ?? "",
        tags: Object.fromEntries(tags),
      });
    if (token !== undefined) this.clientTokens.set(token, eni.id);
    return { networkInterface: eniXml(this.model, eni), clientToken: token };
  }

  private attachNetworkInterface(params: URLSearchParams, dryRun: boolean): XmlBody {
    const eniId = requiredParam(params, "NetworkInterfaceId");
    const instanceId = requiredParam(params, "InstanceId");
    const deviceIndex = Number(requiredParam(params, "DeviceIndex"));
    const networkCardIndex = Number(params.get("NetworkCardIndex") ?? "0");
    if (!Number.isInteger(deviceIndex) || deviceIndex < 0) {
      throw new Ec2Fault("InvalidParameterValue", `Invalid value for DeviceIndex`);
    }
    if (!Number.isInteger(networkCardIndex) || networkCardIndex < 0) {
      throw new Ec2Fault("InvalidParameterValue", `Invalid value for NetworkCardIndex`);
    }
    const eni = this.model.requireEni(eniId);
    if (!this.model.instances.has(instanceId)) {
      throw new Ec2Fault(
        "InvalidInstanceID.NotFound",
        `The instance ID '${instanceId}' does not exist`,
      );
    }
    dryRunCheck(dryRun);
    const attachment = this.model.attach(eniId, instanceId, deviceIndex, networkCardIndex);
    if (this.hotplug?.instanceId === instanceId) this.hotplug.plugged(eni);
    return { attachmentId: attachment.attachmentId, networkCardIndex };
  }

  private detachNetworkInterface(params: URLSearchParams, dryRun: boolean): void {
    const attachmentId = requiredParam(params, "AttachmentId");
    const eni = [...this.model.enis.values()].find(
      (e) => e.attachment?.attachmentId === attachmentId,
    );
    const instanceId = eni?.attachment?.instanceId;
    const pending = eni?.attachment?.detachRequestedAtMs !== undefined;
    this.model.detach(attachmentId, boolParam(params, "Force"), dryRun);
    // A repeated detach of an attachment already detaching moves nothing more.
    const hotplug = this.hotplug;
    if (eni !== undefined && !pending && hotplug !== null && hotplug.instanceId === instanceId) {
      hotplug.unplugged(eni);
    }
  }

  private describeNetworkInterfaces(params: URLSearchParams, dryRun: boolean): XmlBody {
    const ids = listParam(params, "NetworkInterfaceId");
    if (ids.length > 0 && params.has("MaxResults")) {
      throw new Ec2Fault(
        "InvalidParameterCombination",
        "The parameter NetworkInterfaceIds cannot be used with the parameter MaxResults",
      );
    }
    const filters = parseFilters(params);
    this.model.settle();
    for (const id of ids) this.model.requireEni(id);
    dryRunCheck(dryRun);
    const items = [...this.model.enis.values()]
      .filter((eni) => ids.length === 0 || ids.includes(eni.id))
      .filter((eni) => matchesFilters(this.model, eni, filters))
      .sort((a, b) => a.id.localeCompare(b.id));
    const queryKey = JSON.stringify({ ids, filters });
    const { page, nextToken } = paginate(items, params, queryKey, { min: 5, max: 1000 });
    return { networkInterfaceSet: page.map((eni) => eniXml(this.model, eni)), nextToken };
  }

  private describeInstances(params: URLSearchParams): XmlBody {
    const ids = new Set(listParam(params, "InstanceId"));
    for (const filter of parseFilters(params)) {
      if (filter.name !== "instance-id") {
        throw new Ec2Fault(
          "InvalidParameterValue",
          `The filter '${filter.name}' is not supported by this fake`,
        );
      }
      for (const value of filter.values) ids.add(value);
    }
    this.model.settle();
    const instances = [...this.model.instances.values()].filter(
      (i) => ids.size === 0 || ids.has(i.id),
    );
    for (const id of ids) {
      if (!this.model.instances.has(id)) {
        throw new Ec2Fault("InvalidInstanceID.NotFound", `The instance ID '${id}' does not exist`);
      }
    }
    return {
      reservationSet: instances.map((instance) => ({
        reservationId: `r-${instance.id.slice(2)}`,
        ownerId: this.model.ownerId,
        groupSet: [],
        instancesSet: [instanceXml(this.model, instance)],
      })),
    };
  }

  private modifyAttribute(params: URLSearchParams, dryRun: boolean): void {
    const eniId = requiredParam(params, "NetworkInterfaceId");
    const attributes = [
      "Description.Value",
      "SourceDestCheck.Value",
      "SecurityGroupId.1",
      "Attachment.AttachmentId",
    ];
    const given = attributes.filter((a) => params.has(a));
    if (given.length === 0) {
      throw new Ec2Fault(
        "MissingParameter",
        "The request must contain exactly one attribute to modify",
      );
    }
    if (given.length > 1) {
      throw new Ec2Fault(
        "InvalidParameterCombination",
        "Only one attribute can be modified at a time",
      );
    }
    if (given[0] !== "Attachment.AttachmentId") {
      this.model.requireEni(eniId);
      dryRunCheck(dryRun);
      return;
    }
    const attachmentId = requiredParam(params, "Attachment.AttachmentId");
    if (!params.has("Attachment.DeleteOnTermination")) {
      throw new Ec2Fault(
        "MissingParameter",
        "The request must contain the parameter Attachment.DeleteOnTermination",
      );
    }
    const value = boolParam(params, "Attachment.DeleteOnTermination");
    this.model.setDeleteOnTermination(eniId, attachmentId, value, dryRun);
  }
}

function throttled(): Ec2Fault {
  return new Ec2Fault("RequestLimitExceeded", "Request limit exceeded.", 503);
}

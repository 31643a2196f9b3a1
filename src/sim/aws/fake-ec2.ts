/**
 * A fake EC2 endpoint speaking the EC2 Query API over real HTTP (form-encoded
 * POST in, XML out) well enough for `@aws-sdk/client-ec2`: the ENI actions
 * the agent uses plus a minimal DescribeInstances, EC2's error codes and
 * HTTP statuses, per-action token buckets with the documented sizes, DryRun,
 * and injectable throttling, 5xx and latency. It checks that requests are
 * SigV4-signed but not the signature itself.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Clock, type Service, wallClock } from "../../common/index.js";
import { dryRunCheck, Ec2Fault, FakeEc2Model } from "./fake-ec2-model.js";
import {
  boolParam,
  listParam,
  matchesFilters,
  paginate,
  parseFilters,
  parseTags,
  requiredParam,
} from "./fake-ec2-query.js";
import { eniXml, errorXml, instanceXml, responseXml } from "./fake-ec2-xml.js";
import { type BucketSize, EC2_BUCKETS, FakeTokenBucket } from "./fake-token-bucket.js";
import { LocalHttpServer } from "./local-http-server.js";

export const FAKE_EC2_ACTIONS = [
  "DescribeNetworkInterfaces",
  "DetachNetworkInterface",
  "DeleteNetworkInterface",
  "ModifyNetworkInterfaceAttribute",
  "CreateTags",
  "DescribeInstances",
] as const;
export type FakeEc2Action = (typeof FAKE_EC2_ACTIONS)[number];

/** One request as the fake saw it, for assertions on what the agent sent. */
export interface FakeEc2Request {
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
  /** The error code answered, or undefined for success. */
  readonly errorCode: string | undefined;
}

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

interface Fault {
  readonly action: string | undefined;
  remaining: number;
  readonly code: string;
  readonly status: number;
  readonly message: string | undefined;
}

type XmlBody = Parameters<typeof responseXml>[2];

export class FakeEc2 implements Service {
  readonly name = "fake-ec2";
  readonly model: FakeEc2Model;
  readonly requests: FakeEc2Request[] = [];
  /** Delay before every answer, in ms. */
  latencyMs = 0;
  /** Fraction [0, 1] of requests answered RequestLimitExceeded regardless of buckets. */
  throttleRate = 0;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly bucketSizes: Partial<Record<FakeEc2Action, BucketSize>>;
  private readonly buckets = new Map<string, FakeTokenBucket>();
  private readonly faults: Fault[] = [];
  private readonly http: LocalHttpServer;

  constructor(deps: FakeEc2Deps = {}, options: FakeEc2Options = {}) {
    this.clock = deps.clock ?? wallClock;
    this.random = deps.random ?? Math.random;
    this.model = new FakeEc2Model(() => this.clock.now());
    if (options.detachDelayMs !== undefined) this.model.detachDelayMs = options.detachDelayMs;
    if (options.inUseAfterDetachMs !== undefined) {
      this.model.inUseAfterDetachMs = options.inUseAfterDetachMs;
    }
    this.bucketSizes = options.buckets ?? {};
    this.http = new LocalHttpServer(this.name, (req, body, res, signal) =>
      this.handle(req, body, res, signal),
    );
  }

  /** Base URL to give the EC2 client as its endpoint. */
  get url(): string {
    return this.http.url;
  }

  start(signal: AbortSignal): Promise<void> {
    return this.http.start(signal);
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /** The next `count` requests (of `action`, or any) fail with `code`, HTTP `status` and `message`. */
  failNext(
    count: number,
    options: { action?: FakeEc2Action; code?: string; status?: number; message?: string } = {},
  ): void {
    this.faults.push({
      action: options.action,
      remaining: count,
      code: options.code ?? "InternalError",
      status: options.status ?? 500,
      message: options.message,
    });
  }

  /** The next `count` requests (of `action`, or any) are throttled. */
  throttleNext(count: number, action?: FakeEc2Action): void {
    this.failNext(count, { action, code: "RequestLimitExceeded", status: 503 });
  }

  /** How many requests of `action` were answered with success. */
  succeeded(action: FakeEc2Action): number {
    return this.requests.filter((r) => r.action === action && r.errorCode === undefined).length;
  }

  private async handle(
    req: IncomingMessage,
    body: string,
    res: ServerResponse,
    signal: AbortSignal,
  ): Promise<void> {
    if (this.latencyMs > 0) await this.clock.sleep(this.latencyMs, signal);
    const params = new URLSearchParams(body);
    const action = params.get("Action") ?? "";
    const requestId = randomUUID();
    try {
      const xml = this.dispatch(req, action, params, requestId);
      this.requests.push({ action, params: Object.fromEntries(params), errorCode: undefined });
      res.writeHead(200, xmlHeaders(requestId));
      res.end(xml);
    } catch (err) {
      const fault = err instanceof Ec2Fault ? err : new Ec2Fault("InternalError", String(err), 500);
      this.requests.push({ action, params: Object.fromEntries(params), errorCode: fault.code });
      res.writeHead(fault.status, xmlHeaders(requestId));
      res.end(errorXml(fault.code, fault.message, requestId));
    }
  }

  private dispatch(
    req: IncomingMessage,
    action: string,
    params: URLSearchParams,
    requestId: string,
  ): string {
    const auth = req.headers.authorization ?? "";
    if (req.method !== "POST" || !auth.startsWith("AWS4-HMAC-SHA256 Credential=")) {
      throw new Ec2Fault(
        "AuthFailure",
        "AWS was not able to validate the provided credentials",
        401,
      );
    }
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
    const fault = this.faults.find(
      (f) => f.remaining > 0 && (f.action === undefined || f.action === action),
    );
    if (fault) {
      fault.remaining -= 1;
      throw new Ec2Fault(fault.code, fault.message ?? `injected ${fault.code}`, fault.status);
    }
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
    } else if (action === "DetachNetworkInterface") kind = "mutating";
    else if (action === "CreateTags") kind = "createTags";
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
      case "DetachNetworkInterface":
        model.detach(requiredParam(params, "AttachmentId"), boolParam(params, "Force"), dryRun);
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

function xmlHeaders(requestId: string): Record<string, string> {
  return { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": requestId };
}

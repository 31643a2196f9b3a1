/**
 * A fake Auto Scaling endpoint speaking the awsQuery protocol over real HTTP
 * (form-encoded POST in, XML in Auto Scaling's namespace out) well enough for
 * `@aws-sdk/client-auto-scaling`: the calls the agent makes about lifecycle
 * actions (DescribeAutoScalingInstances, RecordLifecycleActionHeartbeat,
 * CompleteLifecycleAction), with Auto Scaling's answers (see
 * fake-autoscaling-model.ts) and injectable faults. It checks that requests
 * are SigV4-signed but not the signature itself, as the fake EC2 does.
 */
import type { IncomingMessage } from "node:http";
import { type Clock, type Service, wallClock } from "../../common/index.js";
import { AutoScalingFault, FakeAutoScalingModel } from "./fake-autoscaling-model.js";
import { listParam } from "./fake-ec2-query.js";
import { escapeXml, toXml } from "./fake-ec2-xml.js";
import { FakeQueryEndpoint, type QueryFault } from "./fake-query-endpoint.js";
import { type FakeFault, FaultQueue } from "./fault-queue.js";

const FAKE_AUTOSCALING_ACTIONS = [
  "DescribeAutoScalingInstances",
  "RecordLifecycleActionHeartbeat",
  "CompleteLifecycleAction",
] as const;
type FakeAutoScalingAction = (typeof FAKE_AUTOSCALING_ACTIONS)[number];

const AUTOSCALING_XMLNS = "http://autoscaling.amazonaws.com/doc/2011-01-01/";

interface FakeAutoScalingDeps {
  /** Epoch ms: action timeouts and the answer latency. Default wallClock. */
  readonly clock?: Clock;
}

export class FakeAutoScaling extends FakeQueryEndpoint implements Service {
  readonly model: FakeAutoScalingModel;
  readonly faults = new FaultQueue<FakeAutoScalingAction>();

  constructor(deps: FakeAutoScalingDeps = {}) {
    super("fake-autoscaling", deps.clock ?? wallClock);
    this.model = new FakeAutoScalingModel(() => this.clock.now());
  }

  /** The next `count` requests (of `action`, or any) fail as `fault` says. */
  failNext(count: number, fault: Partial<FakeFault<FakeAutoScalingAction>> = {}): void {
    this.faults.add(count, fault);
  }

  protected fault(err: unknown): QueryFault {
    return err instanceof AutoScalingFault
      ? err
      : new AutoScalingFault("InternalFailure", String(err), 500);
  }

  protected unsigned(): QueryFault {
    return new AutoScalingFault(
      "InvalidClientTokenId",
      "The security token included in the request is invalid.",
      403,
    );
  }

  protected errorXml(fault: QueryFault, requestId: string): string {
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n` +
      `<ErrorResponse xmlns="${AUTOSCALING_XMLNS}"><Error>` +
      `<Type>${fault.status >= 500 ? "Receiver" : "Sender"}</Type>` +
      `<Code>${escapeXml(fault.code)}</Code><Message>${escapeXml(fault.message)}</Message>` +
      `</Error><RequestId>${requestId}</RequestId></ErrorResponse>`
    );
  }

  protected dispatch(
    _req: IncomingMessage,
    action: string,
    params: URLSearchParams,
    requestId: string,
  ): string {
    if (!(FAKE_AUTOSCALING_ACTIONS as readonly string[]).includes(action)) {
      throw new AutoScalingFault("InvalidAction", `Could not find operation ${action}`);
    }
    const fault = this.faults.take(action as FakeAutoScalingAction);
    if (fault) throw new AutoScalingFault(fault.code, fault.message, fault.status);
    const result = this.result(action as FakeAutoScalingAction, params);
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n` +
      `<${action}Response xmlns="${AUTOSCALING_XMLNS}">` +
      `<${action}Result>${result}</${action}Result>` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
      `</${action}Response>`
    );
  }

  private result(action: FakeAutoScalingAction, params: URLSearchParams): string {
    const get = (name: string): string => params.get(name) ?? "";
    switch (action) {
      case "DescribeAutoScalingInstances": {
        const found = this.model.describeInstances(listParam(params, "InstanceIds.member"));
        return toXml({
          AutoScalingInstances: found.map((i) => ({
            InstanceId: i.instanceId,
            AutoScalingGroupName: i.group,
            AvailabilityZone: "us-east-1a",
            LifecycleState: i.lifecycleState,
            HealthStatus: "HEALTHY",
            ProtectedFromScaleIn: false,
          })),
        })
          .replaceAll("<item>", "<member>")
          .replaceAll("</item>", "</member>");
      }
      case "RecordLifecycleActionHeartbeat":
        this.model.recordHeartbeat(
          required(params, "AutoScalingGroupName"),
          required(params, "LifecycleHookName"),
          get("InstanceId"),
          get("LifecycleActionToken"),
        );
        return "";
      case "CompleteLifecycleAction":
        this.model.complete(
          required(params, "AutoScalingGroupName"),
          required(params, "LifecycleHookName"),
          get("InstanceId"),
          get("LifecycleActionToken"),
          required(params, "LifecycleActionResult"),
        );
        return "";
    }
  }
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === "") {
    throw new AutoScalingFault(
      "ValidationError",
      `1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/**
 * What the fake EC2 and Auto Scaling endpoints share: AWS's query protocols
 * (a form-encoded POST naming an Action; XML back, an error envelope with
 * a request id on failure), an answer latency on the fake's clock, and a
 * log of every request with the code it was answered.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "../../common/index.js";
import { FakeEndpoint } from "./local-http-server.js";

/** One request as a fake saw it, for assertions on what the agent sent. */
interface FakeQueryRequest {
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
  /** The error code answered, or undefined for success. */
  readonly errorCode: string | undefined;
  /** When it arrived, on the fake's clock. */
  readonly atMs: number;
}

/** An API error as the wire carries it. */
export interface QueryFault {
  readonly code: string;
  readonly message: string;
  readonly status: number;
}

export abstract class FakeQueryEndpoint extends FakeEndpoint {
  readonly requests: FakeQueryRequest[] = [];
  /** Delay before every answer, in ms (on the fake's clock). */
  latencyMs = 0;

  constructor(
    name: string,
    protected readonly clock: Clock,
  ) {
    super(name);
  }

  /** The XML answer to a valid request; throws for an error answer. */
  protected abstract dispatch(
    req: IncomingMessage,
    action: string,
    params: URLSearchParams,
    requestId: string,
  ): string;

  /** What the service answers a request that is not SigV4-signed (the signature is not checked). */
  protected abstract unsigned(): QueryFault;

  /** The wire form of what dispatch threw. */
  protected abstract fault(err: unknown): QueryFault;

  protected abstract errorXml(fault: QueryFault, requestId: string): string;

  protected async handle(
    req: IncomingMessage,
    body: string,
    res: ServerResponse,
    signal: AbortSignal,
  ): Promise<void> {
    if (this.latencyMs > 0) await this.clock.sleep(this.latencyMs, signal);
    const params = new URLSearchParams(body);
    const action = params.get("Action") ?? "";
    const requestId = randomUUID();
    const seen = { action, params: Object.fromEntries(params), atMs: this.clock.now() };
    const headers = { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": requestId };
    try {
      const auth = req.headers.authorization ?? "";
      if (req.method !== "POST" || !auth.startsWith("AWS4-HMAC-SHA256 Credential=")) {
        throw this.unsigned();
      }
      const xml = this.dispatch(req, action, params, requestId);
      this.requests.push({ ...seen, errorCode: undefined });
      res.writeHead(200, headers);
      res.end(xml);
    } catch (err) {
      const fault = this.fault(err);
      this.requests.push({ ...seen, errorCode: fault.code });
      res.writeHead(fault.status, headers);
      res.end(this.errorXml(fault, requestId));
    }
  }
}

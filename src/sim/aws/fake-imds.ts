/**
 * A fake instance metadata service on a real HTTP socket. IMDSv2 only: a PUT
 * to /latest/api/token with a TTL header (1..21600, else 400) returns a token;
 * every GET needs a live token, else 401, as on an instance that requires
 * tokens. Notices are scripted through methods; faults (status codes, latency,
 * a dead endpoint, revoked tokens) are injected the same way.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Service, sleep } from "../../common/index.js";
import {
  applySimNotice,
  checkSimToken,
  SIM_CONTROL_PATH,
  SimControlError,
  type SimNoticeTarget,
} from "./fake-imds-control.js";
import {
  defaultImdsData,
  type FakeImdsData,
  type FakeInterface,
  type FakeScheduledEvent,
  formatNoticeTime,
  renderImdsPath,
  requireInterface,
  type ScheduledCode,
  type ScheduledState,
  type SpotAction,
} from "./fake-imds-data.js";
import { FakeEndpoint } from "./local-http-server.js";

interface FakeImdsDeps {
  /** Clock for token expiry and notice times, epoch ms. */
  readonly now?: () => number;
}

interface FakeImdsOptions {
  /** Replaces parts of the default data (AWS metadata mock values plus a second ENI). */
  readonly data?: Partial<FakeImdsData>;
  /** Token of the control path (POST /_sim/notice). Default: random. */
  readonly controlToken?: string;
}

interface FaultRule {
  remaining: number;
  readonly status: number;
  readonly pathPrefix: string;
}

interface FakeImdsStats {
  tokenRequests: number;
  gets: number;
  unauthorized: number;
  faultsServed: number;
}

export class FakeImds extends FakeEndpoint implements Service, SimNoticeTarget {
  readonly data: FakeImdsData;
  /** Authorizes POST /_sim/notice (header x-eni-agent-sim-token). */
  readonly controlToken: string;
  readonly stats: FakeImdsStats = { tokenRequests: 0, gets: 0, unauthorized: 0, faultsServed: 0 };
  /** Delay before every answer, in ms. */
  latencyMs = 0;
  /** When true, connections are reset without an answer (IMDS unreachable). */
  down = false;
  private readonly now: () => number;
  private readonly tokens = new Map<string, number>();
  private readonly faults: FaultRule[] = [];
  private readonly rawBodies = new Map<string, string | null>();
  private eventCounter = 0;
  /** An ASG state that takes effect at a given time (derived on read: the fake owns no timer). */
  private pendingAsg: { state: string; atMs: number } | undefined;
  private readonly asgListeners: ((state: string | undefined) => void)[] = [];

  constructor(deps: FakeImdsDeps = {}, options: FakeImdsOptions = {}) {
    super("fake-imds");
    this.now = deps.now ?? Date.now;
    this.data = { ...defaultImdsData(), ...options.data };
    this.controlToken = options.controlToken ?? randomBytes(24).toString("base64url");
  }

  // --- scripting notices -------------------------------------------------

  /**
   * Schedules a spot interruption `leadTimeMs` from now (AWS gives about 2
   * minutes). With `moving`, every answer carries request time + lead, as
   * amazon-ec2-metadata-mock does by default; EC2 keeps one time per notice.
   */
  announceSpot(
    action: SpotAction = "terminate",
    leadTimeMs = 120_000,
    options: { moving?: boolean } = {},
  ): { action: SpotAction; time: string } {
    const timeMs = this.now() + leadTimeMs;
    this.data.spot = { action, timeMs, ...(options.moving ? { leadTimeMs } : {}) };
    return { action, time: formatNoticeTime(timeMs) };
  }

  clearSpot(): void {
    this.data.spot = undefined;
  }

  /** Sets autoscaling/target-lifecycle-state, now or `afterMs` from now; undefined makes the path 404. */
  setAsgState(state: string | undefined, afterMs = 0): void {
    if (afterMs > 0 && state !== undefined) {
      this.pendingAsg = { state, atMs: this.now() + afterMs };
      return;
    }
    this.pendingAsg = undefined;
    this.applyAsgState(state);
  }

  /**
   * Calls `listener` whenever the ASG target state changes (a simulated host
   * moves its fake Auto Scaling along: Terminated puts the instance in
   * Terminating:Wait).
   */
  onAsgStateChange(listener: (state: string | undefined) => void): void {
    this.asgListeners.push(listener);
  }

  private applyAsgState(state: string | undefined): void {
    if (this.data.asgState === state) return;
    this.data.asgState = state;
    for (const listener of this.asgListeners) listener(state);
  }

  /** Adds a scheduled event starting `leadTimeMs` from now; returns its EventId. */
  announceScheduled(
    code: ScheduledCode,
    options: { leadTimeMs?: number; durationMs?: number; state?: ScheduledState } = {},
  ): string {
    this.eventCounter += 1;
    const eventId = `instance-event-${this.eventCounter.toString(16).padStart(17, "0")}`;
    const notBeforeMs = this.now() + (options.leadTimeMs ?? 14 * 24 * 3600_000);
    const event: FakeScheduledEvent = {
      eventId,
      code,
      description: `scheduled ${code}`,
      state: options.state ?? "active",
      notBeforeMs,
      notAfterMs: notBeforeMs + (options.durationMs ?? 2 * 3600_000),
    };
    this.data.scheduled.push(event);
    return eventId;
  }

  setScheduledState(eventId: string, state: ScheduledState): void {
    for (const event of this.data.scheduled) if (event.eventId === eventId) event.state = state;
  }

  /** Posts a rebalance recommendation dated now; returns its noticeTime. */
  announceRebalance(): string {
    this.data.rebalanceNoticeMs = this.now();
    return formatNoticeTime(this.data.rebalanceNoticeMs);
  }

  clearRebalance(): void {
    this.data.rebalanceNoticeMs = undefined;
  }

  // --- interfaces ----------------------------------------------------------

  addInterface(iface: FakeInterface): void {
    this.data.interfaces.set(iface.mac, { ...iface });
  }

  /** Removes an ENI; with `stale`, its MAC stays listed while its sub-paths 404. */
  removeInterface(mac: string, options: { stale?: boolean } = {}): void {
    if (options.stale) requireInterface(this.data, mac).stale = true;
    else this.data.interfaces.delete(mac);
  }

  setDeviceNumber(mac: string, deviceNumber: number): void {
    requireInterface(this.data, mac).deviceNumber = deviceNumber;
  }

  // --- faults ----------------------------------------------------------------

  /** The next `count` requests whose path starts with `pathPrefix` answer `status`. */
  failNext(count: number, status = 500, pathPrefix = "/"): void {
    this.faults.push({ remaining: count, status, pathPrefix });
  }

  /**
   * Serves `body` at `path` whatever the data says (garbage, stale answers);
   * null makes the path 404; undefined removes the override.
   */
  setRaw(path: string, body: string | null | undefined): void {
    if (body === undefined) this.rawBodies.delete(path);
    else this.rawBodies.set(path, body);
  }

  /** Invalidates every issued token: the next GET with one gets 401. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  // --- HTTP ------------------------------------------------------------------

  protected async handle(
    req: IncomingMessage,
    requestBody: string,
    res: ServerResponse,
    signal: AbortSignal,
  ): Promise<void> {
    if (this.down) {
      res.destroy();
      return;
    }
    if (this.latencyMs > 0) await sleep(this.latencyMs, signal);
    const path = new URL(req.url ?? "/", "http://imds").pathname;
    if (path === SIM_CONTROL_PATH) return this.handleControl(req, requestBody, res);
    if (this.pendingAsg && this.now() >= this.pendingAsg.atMs) {
      const { state } = this.pendingAsg;
      this.pendingAsg = undefined;
      this.applyAsgState(state);
    }
    const spot = this.data.spot;
    if (spot?.leadTimeMs !== undefined) spot.timeMs = this.now() + spot.leadTimeMs;
    const fault = this.takeFault(path);
    if (fault !== undefined) {
      this.stats.faultsServed += 1;
      return reply(res, fault, statusText(fault));
    }
    if (path === "/latest/api/token") return this.handleToken(req, res);
    if (req.method !== "GET") return reply(res, 405, "Method Not Allowed");
    this.stats.gets += 1;
    if (!this.tokenValid(req.headers["x-aws-ec2-metadata-token"])) {
      this.stats.unauthorized += 1;
      return reply(res, 401, "Unauthorized");
    }
    const raw = this.rawBodies.get(path);
    const body = raw === undefined ? renderImdsPath(this.data, path) : (raw ?? undefined);
    if (body === undefined) return reply(res, 404, "Not Found");
    const json = body.startsWith("{") || body.startsWith("[");
    return reply(res, 200, body, json ? "application/json" : "text/plain");
  }

  private handleControl(req: IncomingMessage, body: string, res: ServerResponse): void {
    try {
      if (req.method !== "POST") throw new SimControlError(405, "POST only");
      checkSimToken(this.controlToken, req.headers["x-eni-agent-sim-token"]);
      const answer = applySimNotice(this, body);
      reply(res, 200, JSON.stringify(answer), "application/json");
    } catch (err) {
      const status = err instanceof SimControlError ? err.status : 500;
      reply(res, status, JSON.stringify({ error: (err as Error).message }), "application/json");
    }
  }

  private handleToken(req: IncomingMessage, res: ServerResponse): void {
    const [status, body, ttl] = this.issueToken(req);
    if (ttl !== undefined) res.setHeader("x-aws-ec2-metadata-token-ttl-seconds", String(ttl));
    reply(res, status, body);
  }

  /** [status, body, ttl of the issued token]. */
  private issueToken(req: IncomingMessage): [number, string, number?] {
    if (req.method !== "PUT") return [405, "Method Not Allowed"];
    this.stats.tokenRequests += 1;
    // IMDS refuses token requests that went through a proxy.
    if (req.headers["x-forwarded-for"] !== undefined) return [403, "Forbidden"];
    const raw = req.headers["x-aws-ec2-metadata-token-ttl-seconds"];
    const ttl = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(ttl >= 1 && ttl <= 21_600)) return [400, "Bad Request"];
    const token = randomBytes(24).toString("base64url");
    this.tokens.set(token, this.now() + ttl * 1000);
    return [200, token, ttl];
  }

  private tokenValid(header: string | string[] | undefined): boolean {
    if (typeof header !== "string") return false;
    const expiresAt = this.tokens.get(header);
    if (expiresAt === undefined) return false;
    if (this.now() >= expiresAt) {
      this.tokens.delete(header);
      return false;
    }
    return true;
  }

  private takeFault(path: string): number | undefined {
    const rule = this.faults.find((f) => f.remaining > 0 && path.startsWith(f.pathPrefix));
    if (!rule) return undefined;
    rule.remaining -= 1;
    return rule.status;
  }
}

function reply(res: ServerResponse, status: number, body: string, type = "text/plain"): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function statusText(status: number): string {
  return status === 429 ? "Too Many Requests" : `Error ${status}`;
}

/**
 * A small IMDSv2 client for a long-running poller, on node:http with a
 * kept connection (see imds-http.ts for why not fetch).
 *
 * Why not `@aws-sdk/ec2-metadata-service`: it fetches a new token for every
 * request (two round trips per poll, against a link-local packet cap), has no
 * timeout by default, throws on 404 (which for IMDS means "no notice", the
 * normal answer), and silently falls back to IMDSv1 after some token errors.
 * This client caches the token and refreshes it before expiry, refreshes once
 * on a 401, bounds every request with a hard timeout, returns 404 as a value,
 * retries 429/5xx with jitter inside a per-call budget, and never uses IMDSv1.
 */
import { AgentError, type ErrorCode, sleep, toAgentError } from "../common/index.js";
import { backoffDelayMs } from "./backoff.js";
import { ImdsHttp, type ImdsResponse } from "./imds-http.js";

export const IMDS_IPV4_ENDPOINT = "http://169.254.169.254";
export const IMDS_IPV6_ENDPOINT = "http://[fd00:ec2::254]";

const TOKEN_PATH = "/latest/api/token";
const TTL_HEADER = "x-aws-ec2-metadata-token-ttl-seconds";
const TOKEN_HEADER = "x-aws-ec2-metadata-token";
/** IMDS accepts token lifetimes of 1 s to 6 h. */
const MAX_TTL_SECONDS = 21_600;

/** The answer to a GET: a body, or "this path does not exist (now)". */
type ImdsResult =
  | { readonly kind: "found"; readonly body: string }
  | { readonly kind: "not-found" };

export interface ImdsGetOptions {
  /** Aborts the call (including retries); the call then throws ABORTED. */
  readonly signal?: AbortSignal;
  /** Overrides the client's per-call budget, in ms. */
  readonly budgetMs?: number;
}

/** What the watcher and the identity reader need; the fake-free seam for unit tests. */
export interface MetadataReader {
  get(path: string, options?: ImdsGetOptions): Promise<ImdsResult>;
}

export interface ImdsClientOptions {
  /** Base URL without a trailing path. Default IMDS_IPV4_ENDPOINT. */
  readonly endpoint?: string;
  /** Lifetime requested for each token, 1..21600 s. Default 21600. */
  readonly tokenTtlSeconds?: number;
  /** Refresh the cached token when less than this remains, in s. Default min(60, ttl/4). */
  readonly tokenRefreshMarginSeconds?: number;
  /** Hard timeout of one HTTP exchange (headers and body), in ms. Default 1000. */
  readonly requestTimeoutMs?: number;
  /** Total time one get() may spend including retries, in ms. Default 3000. */
  readonly budgetMs?: number;
  /** First retry delay scale, in ms. Default 50. */
  readonly retryBaseDelayMs?: number;
  /** Largest single retry delay, in ms. Default 1000. */
  readonly retryMaxDelayMs?: number;
}

interface ImdsClientDeps {
  /** Wall clock in epoch ms; token expiry is computed with it (budgets use a monotonic clock). */
  readonly now?: () => number;
  readonly random?: () => number;
}

interface CachedToken {
  readonly value: string;
  readonly refreshAtMs: number;
}

/** Codes after which another attempt inside the budget can help. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set(["UNAVAILABLE", "DEADLINE_EXCEEDED"]);

export class ImdsClient implements MetadataReader {
  readonly endpoint: string;
  private readonly http: ImdsHttp;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly ttlSeconds: number;
  private readonly refreshMarginMs: number;
  private readonly requestTimeoutMs: number;
  private readonly budgetMs: number;
  private readonly backoff: { baseMs: number; capMs: number };
  private cached: CachedToken | undefined;
  private inflightToken: Promise<string> | undefined;

  constructor(deps: ImdsClientDeps = {}, options: ImdsClientOptions = {}) {
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.endpoint = (options.endpoint ?? IMDS_IPV4_ENDPOINT).replace(/\/+$/, "");
    if (!/^https?:\/\/[^/]+$/.test(this.endpoint)) {
      throw new AgentError("INVALID_ARGUMENT", `IMDS endpoint must be http(s)://host[:port]`);
    }
    this.http = new ImdsHttp(this.endpoint);
    this.ttlSeconds = options.tokenTtlSeconds ?? MAX_TTL_SECONDS;
    const ttlValid = Number.isInteger(this.ttlSeconds) && this.ttlSeconds >= 1;
    if (!ttlValid || this.ttlSeconds > MAX_TTL_SECONDS) {
      throw new AgentError("INVALID_ARGUMENT", "tokenTtlSeconds must be an integer in 1..21600");
    }
    const margin = options.tokenRefreshMarginSeconds ?? Math.min(60, this.ttlSeconds / 4);
    this.refreshMarginMs = margin * 1000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 1000;
    this.budgetMs = options.budgetMs ?? 3000;
    this.backoff = {
      baseMs: options.retryBaseDelayMs ?? 50,
      capMs: options.retryMaxDelayMs ?? 1000,
    };
  }

  /**
   * GETs `path` (e.g. "/latest/meta-data/mac"). Returns `not-found` on 404.
   * Throws AgentError: UNAVAILABLE (unreachable, 429/5xx after the budget),
   * DEADLINE_EXCEEDED (timed out and no budget left), PERMISSION_DENIED (403,
   * or 401 again right after a fresh token), FAILED_PRECONDITION (IMDSv2 not
   * offered; there is no v1 fallback), ABORTED (the caller's signal).
   */
  async get(path: string, options: ImdsGetOptions = {}): Promise<ImdsResult> {
    if (!path.startsWith("/latest/") || path.includes("..") || /[?#\s]/.test(path)) {
      throw new AgentError("INVALID_ARGUMENT", `not an IMDS path: ${JSON.stringify(path)}`);
    }
    // Budgets run on the monotonic clock; the injectable wall clock only
    // decides token expiry (so tests can age tokens without waiting).
    const budgetMs = options.budgetMs ?? this.budgetMs;
    const deadlineMs = performance.now() + budgetMs;
    // A retry squeezed into the last few ms of the budget would only time
    // out and hide the real failure (a 503) behind DEADLINE_EXCEEDED.
    const minAttemptMs = Math.min(this.requestTimeoutMs, budgetMs / 4);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.getOnce(path, deadlineMs, options.signal);
      } catch (err) {
        const error = toAgentError(err);
        if (!RETRYABLE.has(error.code)) throw error;
        const delayMs = backoffDelayMs(attempt, this.backoff, this.random);
        // Give up rather than sleep past the budget: the poller's next round
        // is a better retry than a late answer to this one.
        if (performance.now() + delayMs + minAttemptMs >= deadlineMs) throw error;
        await sleep(delayMs, options.signal).catch((reason: unknown) => {
          throw aborted(path, reason);
        });
      }
    }
  }

  /** Forgets the cached token, e.g. after the endpoint changed. */
  invalidateToken(): void {
    this.cached = undefined;
  }

  /** Closes the kept connections (at stop); a later get() opens a new one. */
  close(): void {
    this.http.close();
  }

  private async getOnce(
    path: string,
    deadlineMs: number,
    signal?: AbortSignal,
  ): Promise<ImdsResult> {
    let token = await this.token(signal);
    let response = await this.send("GET", path, { [TOKEN_HEADER]: token }, deadlineMs, signal);
    if (response.status === 401) {
      // The token expired early (clock skew, IMDS restart) or was revoked:
      // exactly one fresh token, then give up, so a broken IMDS cannot make
      // us loop on the token endpoint.
      if (this.cached?.value === token) this.cached = undefined;
      token = await this.token(signal);
      response = await this.send("GET", path, { [TOKEN_HEADER]: token }, deadlineMs, signal);
      if (response.status === 401) {
        throw new AgentError("PERMISSION_DENIED", `IMDS refused a fresh token for ${path}`, {
          path,
        });
      }
    }
    if (response.status === 200) return { kind: "found", body: response.body };
    if (response.status === 404) return { kind: "not-found" };
    throw statusError(response.status, path);
  }

  private async token(signal?: AbortSignal): Promise<string> {
    const cached = this.cached;
    if (cached && this.now() < cached.refreshAtMs) return cached.value;
    // Concurrent callers share one token request.
    this.inflightToken ??= this.fetchToken().finally(() => {
      this.inflightToken = undefined;
    });
    if (!signal) return this.inflightToken;
    return raceAbort(this.inflightToken, signal, TOKEN_PATH);
  }

  private async fetchToken(): Promise<string> {
    // Expiry counts from the moment the request was sent: conservative.
    const sentAtMs = this.now();
    const response = await this.send(
      "PUT",
      TOKEN_PATH,
      { [TTL_HEADER]: String(this.ttlSeconds) },
      performance.now() + this.requestTimeoutMs,
    );
    if (response.status === 200 && response.body.length > 0) {
      const refreshAtMs = sentAtMs + this.ttlSeconds * 1000 - this.refreshMarginMs;
      this.cached = { value: response.body, refreshAtMs };
      return response.body;
    }
    if (response.status === 404 || response.status === 405) {
      throw new AgentError("FAILED_PRECONDITION", "IMDS does not offer IMDSv2 tokens", {
        path: TOKEN_PATH,
        remedy: "enable IMDSv2 on the instance; eni-agent never falls back to IMDSv1",
      });
    }
    throw statusError(response.status, TOKEN_PATH);
  }

  /** One HTTP exchange, bounded by min(request timeout, deadline). */
  private async send(
    method: "GET" | "PUT",
    path: string,
    headers: Record<string, string>,
    deadlineMs: number,
    signal?: AbortSignal,
  ): Promise<ImdsResponse> {
    const timeoutMs = Math.max(1, Math.min(this.requestTimeoutMs, deadlineMs - performance.now()));
    return this.http.send({ method, path, headers, timeoutMs, signal });
  }
}

function statusError(status: number, path: string): AgentError {
  if (status === 429 || status >= 500) {
    return new AgentError("UNAVAILABLE", `IMDS answered ${status} for ${path}`, { path });
  }
  if (status === 403) {
    return new AgentError("PERMISSION_DENIED", `IMDS answered 403 for ${path}`, {
      path,
      remedy: "check that the instance metadata service is enabled for this instance",
    });
  }
  if (status === 400) {
    return new AgentError("INVALID_ARGUMENT", `IMDS answered 400 for ${path}`, { path });
  }
  return new AgentError("INTERNAL", `IMDS answered unexpected status ${status} for ${path}`, {
    path,
  });
}

function aborted(path: string, reason: unknown): AgentError {
  return new AgentError("ABORTED", `IMDS request for ${path} aborted`, { path, cause: reason });
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal, path: string): Promise<T> {
  if (signal.aborted) return Promise.reject(aborted(path, signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted(path, signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

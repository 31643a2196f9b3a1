/**
 * One HTTP exchange with IMDS over node:http and a keep-alive agent of the
 * client's own. Why not fetch: a poller that asks IMDS every few seconds for
 * the life of the daemon pays for fetch's machinery on every call (request,
 * headers and response objects, a web stream for the body, a combined abort
 * signal), and that garbage was most of an idle daemon's CPU. A plain
 * request over a kept connection allocates a fraction of it.
 *
 * Connections: one by default; requests made together (the polls of one
 * round, an identity refresh) queue on it, each bounded by its own timeout
 * counted from the call, so a dead IMDS fails them all in time. An idle
 * connection is closed after `idleMs`, below the idle timeouts servers use
 * (5 s for node's own), so that a request never races the server closing
 * the connection it picked.
 */
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { AgentError } from "../common/index.js";

export interface ImdsResponse {
  readonly status: number;
  readonly body: string;
}

interface ImdsExchange {
  readonly method: "GET" | "PUT";
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Bound of the whole exchange (connect, headers, body), in ms. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

interface ImdsHttpOptions {
  /** Connections at once (polls due together queue on it). Default 1. */
  readonly maxSockets?: number;
  /** An idle connection is closed after this long, in ms. Default 2000. */
  readonly idleMs?: number;
}

export class ImdsHttp {
  readonly #host: string;
  readonly #port: number;
  readonly #agent: HttpAgent;
  readonly #request: typeof httpRequest;
  /** One abort listener per signal, however many exchanges share it (an identity refresh runs many). */
  readonly #aborts = new Map<AbortSignal, { listener: () => void; calls: Set<() => void> }>();

  /** `endpoint` is "http(s)://host[:port]" (checked by the client). */
  constructor(endpoint: string, options: ImdsHttpOptions = {}) {
    const url = new URL(endpoint);
    const tls = url.protocol === "https:";
    this.#host = url.hostname.replace(/^\[|\]$/g, "");
    this.#port = url.port === "" ? (tls ? 443 : 80) : Number(url.port);
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets ?? 1,
      maxFreeSockets: options.maxSockets ?? 1,
      timeout: options.idleMs ?? 2_000,
    };
    this.#agent = tls ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.#request = tls ? httpsRequest : httpRequest;
  }

  /**
   * Sends one request and reads the whole answer. Rejects with AgentError:
   * ABORTED (the signal), DEADLINE_EXCEEDED (no whole answer in time),
   * UNAVAILABLE (no connection, or it broke).
   */
  send(exchange: ImdsExchange): Promise<ImdsResponse> {
    const { signal, method, path, timeoutMs } = exchange;
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: AgentError) => {
        if (settled) return;
        settled = true;
        cleanup();
        req.destroy();
        reject(error);
      };
      const onAbort = () =>
        fail(
          new AgentError("ABORTED", `IMDS request for ${path} aborted`, {
            path,
            cause: signal?.reason,
          }),
        );
      const unreachable = (cause: Error) =>
        fail(new AgentError("UNAVAILABLE", `IMDS ${method} ${path}: unreachable`, { path, cause }));
      const timer = setTimeout(
        () =>
          fail(
            new AgentError(
              "DEADLINE_EXCEEDED",
              `IMDS ${method} ${path}: no answer in ${timeoutMs} ms`,
              {
                path,
              },
            ),
          ),
        timeoutMs,
      );
      let unsubscribe: () => void = () => undefined;
      const cleanup = () => {
        clearTimeout(timer);
        unsubscribe();
      };
      const req = this.#request(
        {
          agent: this.#agent,
          host: this.#host,
          port: this.#port,
          method,
          path,
          headers:
            method === "PUT" ? { ...exchange.headers, "content-length": "0" } : exchange.headers,
        },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            body += chunk;
          });
          res.on("end", () => {
            if (settled) return;
            settled = true;
            cleanup();
            resolve({ status: res.statusCode ?? 0, body });
          });
          res.on("error", unreachable);
        },
      );
      req.on("error", unreachable);
      if (signal?.aborted) {
        onAbort();
        return;
      }
      if (signal !== undefined) unsubscribe = this.#onAbort(signal, onAbort);
      req.end();
    });
  }

  /** Calls `call` when `signal` aborts; returns what cancels that. */
  #onAbort(signal: AbortSignal, call: () => void): () => void {
    let entry = this.#aborts.get(signal);
    if (entry === undefined) {
      const calls = new Set<() => void>();
      const listener = () => {
        this.#aborts.delete(signal);
        for (const c of calls) c();
      };
      entry = { listener, calls };
      this.#aborts.set(signal, entry);
      signal.addEventListener("abort", listener, { once: true });
    }
    const { calls, listener } = entry;
    calls.add(call);
    return () => {
      calls.delete(call);
      if (calls.size === 0 && this.#aborts.get(signal)?.calls === calls) {
        this.#aborts.delete(signal);
        signal.removeEventListener("abort", listener);
      }
    };
  }

  /** Closes every connection; a later send opens a new one. */
  close(): void {
    this.#agent.destroy();
  }
}

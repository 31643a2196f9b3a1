/**
 * A real HTTP server on 127.0.0.1 with an ephemeral port, owned like any other
 * service: start(signal) listens, stop() closes every connection and is
 * idempotent. The fakes build on it so that tests and `serve --simulate`
 * exercise real sockets, real fetch and the real AWS SDK.
 */

import { setMaxListeners } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AgentError } from "../../common/index.js";

type HttpHandler = (
  req: IncomingMessage,
  body: string,
  res: ServerResponse,
  signal: AbortSignal,
) => Promise<void>;

class LocalHttpServer {
  private server: Server | undefined;
  private controller = new AbortController();
  private baseUrl: string | undefined;
  private stopping: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly handler: HttpHandler,
  ) {}

  /** "http://127.0.0.1:<port>", available after start(). */
  get url(): string {
    if (!this.baseUrl) throw new AgentError("FAILED_PRECONDITION", `${this.name} is not started`);
    return this.baseUrl;
  }

  async start(signal: AbortSignal): Promise<void> {
    if (this.server) return;
    this.controller = new AbortController();
    // Every request in flight (a fleet's worth with latency) waits on it.
    setMaxListeners(0, this.controller.signal);
    const server = createServer((req, res) => {
      this.serve(req, res);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    signal.addEventListener("abort", () => void this.stop(), { once: true });
  }

  /** Closes the listener and every open connection; concurrent calls share one close. */
  stop(): Promise<void> {
    const server = this.server;
    if (!server) return this.stopping;
    this.server = undefined;
    this.baseUrl = undefined;
    this.controller.abort();
    this.stopping = new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return this.stopping;
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      this.handler(req, body, res, this.controller.signal).catch((err: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(`fake server error: ${String(err)}`);
      });
    });
  }
}

/**
 * A fake AWS endpoint as a Service: a LocalHttpServer answering with the
 * subclass's `handle`. `url` is the endpoint to give a client.
 */
export abstract class FakeEndpoint {
  private readonly http: LocalHttpServer;

  constructor(readonly name: string) {
    this.http = new LocalHttpServer(name, (req, body, res, signal) =>
      this.handle(req, body, res, signal),
    );
  }

  /** Base URL ("http://127.0.0.1:<port>"), available after start(). */
  get url(): string {
    return this.http.url;
  }

  start(signal: AbortSignal): Promise<void> {
    return this.http.start(signal);
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  protected abstract handle(
    req: IncomingMessage,
    body: string,
    res: ServerResponse,
    signal: AbortSignal,
  ): Promise<void>;
}

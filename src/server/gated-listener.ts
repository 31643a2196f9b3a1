/**
 * One listening socket of the gRPC server, owned here rather than by grpc-js
 * so that what a connection may cost is bounded before the gRPC server sees
 * it (grpc-js's bindAsync gives no access to the net.Server it creates):
 *
 * - at most `maxConnections` connections at once: node closes a connection
 *   past the cap as soon as it is accepted (`net.Server.maxConnections`), so
 *   a local user can hold at most that many of the daemon's descriptors
 *   through this listener;
 * - a connection must send the HTTP/2 client preface within
 *   `prefaceTimeoutMs` (on TCP: complete the TLS handshake within that, then
 *   send the preface within that again), or it is closed;
 * - then it is handed to the gRPC server through grpc-js's connection
 *   injector, which runs the HTTP/2 session, keepalive and idle timeout.
 *
 * TLS is terminated here too (node's tls.Server, client certificate required
 * and verified), and the TLS socket is handed on; grpc-js reads the peer
 * certificate from it as from its own TLS server.
 */
import { createServer as createNetServer, type Server, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import { AgentError } from "../common/index.js";
import { awaitPreface } from "./http2-preface.js";
import type { TlsFiles } from "./server-options.js";

/** Where the listener listens. */
export type ListenAddress =
  | { kind: "unix"; path: string }
  | { kind: "tcp"; host: string; port: number; tls: TlsFiles };

interface GatedListenerOptions {
  address: ListenAddress;
  maxConnections: number;
  prefaceTimeoutMs: number;
}

interface GatedListenerDeps {
  /** Hands a connection that sent the preface to the gRPC server. */
  inject(connection: Duplex): void;
  /** Names the listener in logs. */
  name: string;
  log?: {
    warn(fields: object, message: string): void;
    debug?(fields: object, message: string): void;
  };
}

/** What the listener has done so far; connections and counts since start. */
export interface ConnectionStats {
  /** Connections open now (waiting for the preface, or handed on). */
  open: number;
  /** Connections closed at once because `maxConnections` were open. */
  refused: number;
  /** Connections closed because the preface (or TLS handshake) did not come in time. */
  timedOut: number;
  /** Connections closed because they did not speak HTTP/2. */
  notHttp2: number;
}

export class GatedListener {
  readonly #deps: GatedListenerDeps;
  readonly #options: GatedListenerOptions;
  readonly #server: Server;
  /** Every accepted connection until it closes (for TCP: the raw socket). */
  readonly #sockets = new Set<Socket>();
  /** Connections still waiting for their preface: destroyed at stop. */
  readonly #waiting = new Set<Duplex>();
  readonly #stats: ConnectionStats = { open: 0, refused: 0, timedOut: 0, notHttp2: 0 };
  #saturated = false;

  /** Validates the TLS material (INVALID_ARGUMENT); listens only in listen(). */
  constructor(deps: GatedListenerDeps, options: GatedListenerOptions) {
    this.#deps = deps;
    this.#options = options;
    this.#server = this.#createServer();
    this.#server.maxConnections = options.maxConnections;
    this.#server.on("connection", (socket: Socket) => this.#accepted(socket));
    this.#server.on("drop", () => this.#dropped());
  }

  stats(): ConnectionStats {
    return { ...this.#stats, open: this.#sockets.size };
  }

  /** Binds the address. Resolves with the bound TCP port (0 for a Unix socket). */
  listen(): Promise<number> {
    const { address } = this.#options;
    const shown = address.kind === "unix" ? address.path : `${address.host}:${address.port}`;
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        reject(
          new AgentError("UNAVAILABLE", `cannot listen on ${shown}: ${err.code ?? err.message}`, {
            errno: err.code,
            syscall: "listen",
            remedy: "check that the address is free and the agent may use it",
            cause: err,
          }),
        );
      };
      this.#server.once("error", onError);
      const listening = (): void => {
        this.#server.off("error", onError);
        // After listening, accept(2) may still fail (EMFILE when the process
        // is out of descriptors); node reports that here, and an unhandled
        // 'error' would end the daemon. libuv keeps accepting afterwards.
        this.#server.on("error", (err: NodeJS.ErrnoException) =>
          this.#deps.log?.warn(
            { listener: this.#deps.name, errno: err.code, err },
            "accepting a connection failed",
          ),
        );
        const bound = this.#server.address();
        resolve(typeof bound === "object" && bound !== null ? bound.port : 0);
      };
      if (address.kind === "unix") this.#server.listen({ path: address.path }, listening);
      else this.#server.listen({ host: address.host, port: address.port }, listening);
    });
  }

  /** Stops accepting and closes the connections still waiting for their preface. */
  stopAccepting(): void {
    if (this.#server.listening) this.#server.close();
    for (const socket of this.#waiting) socket.destroy();
    this.#waiting.clear();
  }

  /** Destroys every connection left (after the gRPC server shut its sessions down). */
  destroyAll(): void {
    this.stopAccepting();
    for (const socket of this.#sockets) socket.destroy();
  }

  #createServer(): Server {
    const { address, prefaceTimeoutMs } = this.#options;
    if (address.kind === "unix") return createNetServer();
    let server: Server;
    try {
      server = createTlsServer({
        cert: address.tls.certChain,
        key: address.tls.privateKey,
        ca: address.tls.clientCa,
        requestCert: true,
        rejectUnauthorized: true,
        ALPNProtocols: ["h2"],
        handshakeTimeout: prefaceTimeoutMs,
      });
    } catch (err) {
      throw new AgentError(
        "INVALID_ARGUMENT",
        `the TLS certificate, key or client CA is not usable: ${(err as Error).message}`,
        { remedy: "check the PEM files of the TCP listener", cause: err },
      );
    }
    server.on("secureConnection", (socket: TLSSocket) => this.#handOn(socket));
    // A failed or timed-out handshake. With a listener for this event, node
    // leaves closing the socket to it.
    server.on("tlsClientError", (err: NodeJS.ErrnoException, socket: TLSSocket) => {
      socket.destroy();
      if (err.code === "ERR_TLS_HANDSHAKE_TIMEOUT") this.#stats.timedOut++;
      this.#deps.log?.debug?.(
        { listener: this.#deps.name, err },
        "a TLS client failed its handshake",
      );
    });
    return server;
  }

  #accepted(socket: Socket): void {
    this.#sockets.add(socket);
    // A reset peer must not become an unhandled 'error'; 'close' follows it.
    socket.on("error", () => {});
    socket.once("close", () => {
      this.#sockets.delete(socket);
      if (this.#sockets.size < this.#options.maxConnections) this.#saturated = false;
    });
    if (this.#options.address.kind === "unix") this.#handOn(socket);
  }

  /** `carrier` is the socket HTTP/2 runs on: the connection itself, or its TLS socket. */
  #handOn(carrier: Duplex): void {
    this.#waiting.add(carrier);
    void awaitPreface(carrier, this.#options.prefaceTimeoutMs).then((outcome) => {
      this.#waiting.delete(carrier);
      if (outcome === "preface" && !carrier.destroyed) {
        this.#deps.inject(carrier);
        return;
      }
      if (outcome === "timeout") this.#stats.timedOut++;
      if (outcome === "not-http2") this.#stats.notHttp2++;
      carrier.destroy();
    });
  }

  #dropped(): void {
    this.#stats.refused++;
    if (this.#saturated) return;
    // Once per saturation: a flood of refusals must not become a flood of log lines.
    this.#saturated = true;
    this.#deps.log?.warn(
      { listener: this.#deps.name, maxConnections: this.#options.maxConnections },
      "connection limit reached; further connections are closed until one ends",
    );
  }
}

/**
 * Starts an AgentServer with a FakeCore on a Unix socket in a fresh temp
 * directory, with a real client, and tears both down after the test.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Test } from "tap";
import { type AgentClient, connectAgent } from "../../src/client/client.js";
import { type AgentError, type ErrorCode, isAgentError } from "../../src/common/index.js";
import { AgentServer } from "../../src/server/agent-server.js";
import type { AgentServerOptions } from "../../src/server/server-options.js";
import { FakeCore } from "./fake-core.js";

export interface Harness {
  core: FakeCore;
  server: AgentServer;
  client: AgentClient;
  dir: string;
  socketPath: string;
  /** Another client on any target; closed at teardown. */
  connect(target: Parameters<typeof connectAgent>[0]): AgentClient;
}

export function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), "eas-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function startHarness(
  t: Test,
  options: (dir: string) => AgentServerOptions = () => ({}),
  core: FakeCore = new FakeCore(),
): Promise<Harness> {
  const dir = tempDir(t);
  const socketPath = join(dir, "run", "agent.sock");
  const server = new AgentServer(
    { core },
    { socket: { path: socketPath }, stopTimeoutMs: 2_000, ...options(dir) },
  );
  await server.start(new AbortController().signal);
  const clients: AgentClient[] = [];
  const connect = (target: Parameters<typeof connectAgent>[0]): AgentClient => {
    const client = connectAgent(target, { deadlineMs: 5_000 });
    clients.push(client);
    return client;
  };
  t.teardown(async () => {
    for (const c of clients) c.close();
    await server.stop();
  });
  const bound = server.addresses().socket;
  return { core, server, client: connect({ socketPath: bound }), dir, socketPath: bound, connect };
}

/** Awaits a rejection and checks it is an AgentError with `code`. */
export async function rejection(
  t: Test,
  promise: Promise<unknown>,
  code: ErrorCode,
  message?: RegExp,
): Promise<AgentError> {
  try {
    await promise;
  } catch (err) {
    t.ok(isAgentError(err), "rejects with an AgentError");
    const error = err as AgentError;
    t.equal(error.code, code, `code ${code} (${error.message})`);
    if (message !== undefined) t.match(error.message, message);
    return error;
  }
  t.fail(`expected a ${code} rejection, got success`);
  throw new Error("unreachable");
}

/** Resolves once `predicate` holds, polling the event loop (no wall-clock assertion). */
export async function until(predicate: () => boolean, what: string, limit = 15_000): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`timed out waiting for ${what}`);
}

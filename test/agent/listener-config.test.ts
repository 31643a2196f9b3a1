/**
 * Issue #17: each listener has its own budget, and the budgets must fit the
 * daemon's descriptor limit, or the daemon refuses to start naming the keys.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t, { type Test } from "tap";
import { defaultConfig, parseConfig } from "../../src/agent/config-schema.js";
import {
  checkDescriptorBudget,
  DAEMON_DESCRIPTOR_RESERVE,
  readOpenFileLimit,
} from "../../src/agent/descriptor-budget.js";
import { listenerOptions } from "../../src/agent/listener-options.js";

async function tempDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "eni-agent-listeners-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test("each listener has its own connection and stream budget", async (t) => {
  const config = parseConfig(
    {
      listeners: {
        socket: { maxConnections: 50, maxWatchStreams: 10 },
        readOnlySocket: {},
        prefaceTimeoutMs: 2_000,
        idleTimeoutMs: 60_000,
      },
    },
    "config.json",
  );
  t.match(config.listeners.socket, { maxConnections: 50, maxWatchStreams: 10 });
  t.match(config.listeners.readOnlySocket, { maxConnections: 32, maxWatchStreams: 16 });
  const options = await listenerOptions(config, "config.json");
  t.same(options.socket?.limits, {
    maxConnections: 50,
    maxWatchStreams: 10,
    maxHealthWatchStreams: 10,
  });
  t.same(options.readOnlySocket?.limits, {
    maxConnections: 32,
    maxWatchStreams: 16,
    maxHealthWatchStreams: 16,
  });
  t.equal(options.limits?.prefaceTimeoutMs, 2_000);
  t.equal(options.keepalive?.maxConnectionIdleMs, 60_000);
  t.throws(() => parseConfig({ listeners: { maxWatchStreams: 64 } }, "config.json"), {
    message: /listeners\.maxWatchStreams: was replaced by a cap per listener/,
  });
});

t.test("listener caps that do not fit the descriptor limit are refused (#17)", async (t) => {
  const dir = await tempDir(t);
  await writeLimits(
    dir,
    "Max open files            1024                 524288               files",
  );
  t.equal(await readOpenFileLimit(dir), 1024, "the soft limit is read");
  t.equal(await readOpenFileLimit(join(dir, "missing")), null, "no file, no check");

  const defaults = defaultConfig().listeners;
  t.doesNotThrow(
    () => checkDescriptorBudget(defaults, 1024, "config.json"),
    "the defaults fit the smallest usual limit",
  );
  const greedy = parseConfig(
    { listeners: { socket: { maxConnections: 700 }, readOnlySocket: { maxConnections: 100 } } },
    "config.json",
  ).listeners;
  t.throws(() => checkDescriptorBudget(greedy, 1024, "config.json"), {
    code: "INVALID_ARGUMENT",
    message: new RegExp(
      `^config\\.json: listeners: the listeners may hold 800 connections \\(socket 700, readOnlySocket 100\\), but this process may open 1024 descriptors and keeps ${DAEMON_DESCRIPTOR_RESERVE}`,
    ),
  });
  await writeLimits(
    dir,
    "Max open files            unlimited            unlimited            files",
  );
  t.equal(await readOpenFileLimit(dir), null, "unlimited leaves nothing to check");
});

async function writeLimits(procRoot: string, line: string): Promise<void> {
  await mkdir(join(procRoot, "self"), { recursive: true });
  await writeFile(
    join(procRoot, "self", "limits"),
    `Limit                     Soft Limit           Hard Limit           Units     \n${line}     \n`,
  );
}

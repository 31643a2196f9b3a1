/**
 * `eni-agent serve --simulate` with the cap on open WatchEvents streams
 * raised, for the WatchEvents memory benchmark: the cap
 * (ServerLimits.maxWatchStreams, 64) has no configuration key, so no
 * configuration file can lift it for the built daemon. Everything
 * else is what `serve --simulate` builds: the same configuration defaults,
 * simulated host, agent and socket (without the state directory's lock: the
 * directory is the benchmark's own). The benchmark bundles this file with
 * esbuild the way `npm run build` bundles the CLI (npm packages left
 * external), so the process loads the same code the same way the built
 * daemon does.
 *
 * With HEAP_FILE (and node's --expose-gc), SIGUSR2 runs a full garbage
 * collection and writes process.memoryUsage() to HEAP_FILE as JSON: what is
 * still reachable, which resident memory alone cannot tell from garbage the
 * collector has not come back for.
 *
 *   node [--expose-gc] raised-caps-daemon.mjs SOCKET STATE_DIR MAX_WATCH_STREAMS [HEAP_FILE]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { Agent, createLog, parseConfig, simulatedHost } from "../../src/agent/index.js";

const [socket, stateDir, maxWatchStreams, heapFile] = process.argv.slice(2);
if (socket === undefined || stateDir === undefined || maxWatchStreams === undefined) {
  process.stderr.write(
    "usage: raised-caps-daemon SOCKET STATE_DIR MAX_WATCH_STREAMS [HEAP_FILE]\n",
  );
  process.exit(2);
}
// The daemon's lock step makes the state directory; this process takes no lock.
mkdirSync(stateDir, { recursive: true, mode: 0o700 });
const config = parseConfig({ stateDir, listeners: { socket: { path: socket } } }, "(bench)");
const log = createLog(config.logLevel);
const stopping = new AbortController();
const agent = new Agent(
  config,
  {
    adapters: simulatedHost(config),
    log,
    shutdown: (err) => {
      log.fatal({ err }, "fatal error; stopping");
      process.exitCode = 1;
      stopping.abort();
    },
  },
  {
    socket: { path: socket, mode: config.listeners.socket.mode },
    driverAllowlist: config.allowedDrivers,
    stopTimeoutMs: config.transactions.drainTimeoutMs,
    limits: { maxWatchStreams: Number(maxWatchStreams) },
  },
);
process.once("SIGTERM", () => stopping.abort());
const gc = (globalThis as { gc?: () => void }).gc;
if (heapFile !== undefined && gc !== undefined) {
  process.on("SIGUSR2", () => {
    gc();
    writeFileSync(heapFile, JSON.stringify(process.memoryUsage()));
  });
}
await agent.start();
await new Promise((resolve) => stopping.signal.addEventListener("abort", resolve, { once: true }));
await agent.stop();

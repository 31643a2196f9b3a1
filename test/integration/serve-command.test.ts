/**
 * The serve command in process: --simulate with an explicit configuration
 * file, a SIGHUP (from the injected hangup source) reloads it, the abort
 * that main.ts makes of SIGTERM stops it with status 0, and a second daemon
 * on the same socket or state directory is refused with its exit code.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import t from "tap";
import type { CliIo } from "../../src/cli/command.js";
import { HELP, serve } from "../../src/cli/commands/serve.js";
import type { ProcessWarning } from "../../src/cli/process-warnings.js";
import { connectAgent } from "../../src/client/client.js";
import { eventually, tempDir } from "../agent/harness.js";

function io(signal: AbortSignal): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    env: {},
    signal,
  };
}

t.test("serve --simulate: SIGHUP reloads, the stop signal exits 0", async (t) => {
  const dir = await tempDir(t);
  const config = join(dir, "config.json");
  await writeFile(
    config,
    JSON.stringify({ logLevel: "info", deviceWatch: { pollIntervalMs: 100 } }),
  );
  const socket = join(dir, "agent.sock");
  const stop = new AbortController();
  const hangups = new Set<() => void>();
  const warnings = new Set<(w: ProcessWarning) => void>();
  const first = io(stop.signal);
  let ready!: (info: { socket: string; stateDir: string }) => void;
  const isReady = new Promise<{ socket: string; stateDir: string }>((r) => (ready = r));
  const running = serve(["--simulate", "--socket", socket, "--config", config], first, {
    hangups: {
      onHangup(handler) {
        hangups.add(handler);
        return () => hangups.delete(handler);
      },
    },
    warnings: {
      onWarning(handler) {
        warnings.add(handler);
        return () => warnings.delete(handler);
      },
    },
    onReady: ready,
  });
  const info = await isReady;
  t.equal(info.socket, socket);
  t.equal(info.stateDir, join(dir, "eni-agent-state"), "state next to the socket");
  t.match(first.err.join(""), /simulated EC2 host ready/);

  // A second daemon on the same socket and state directory is refused.
  const second = io(new AbortController().signal);
  let secondWarnings = 0;
  const code = await serve(["--simulate", "--socket", socket], second, {
    hangups: { onHangup: () => () => undefined },
    warnings: {
      onWarning() {
        secondWarnings++;
        return () => secondWarnings--;
      },
    },
  });
  t.equal(code, 7, "the state directory is locked");
  t.match(second.err.join(""), /in use by process/);
  t.equal(secondWarnings, 0, "a daemon that could not start gives the warnings back");

  // A library's warning becomes one JSON log line, not free text on stderr.
  for (const warn of warnings) {
    warn({ name: "Warning", code: "EXAMPLE_CODE", message: "NodeVersionSupportWarning: upgrade" });
  }
  const warningLine = first.out
    .join("")
    .split("\n")
    .find((line) => line.includes('"msg":"process warning"'));
  t.ok(warningLine, "the warning is logged");
  t.match(JSON.parse(warningLine ?? "{}"), {
    level: "warn",
    warning: { code: "EXAMPLE_CODE", message: "NodeVersionSupportWarning: upgrade" },
  });

  await writeFile(config, JSON.stringify({ logLevel: "debug" }));
  for (const hup of hangups) hup();
  await eventually(() => first.out.join("").includes('"msg":"configuration reloaded"'));
  const client = connectAgent({ socketPath: socket });
  t.equal((await client.listDevices()).length, 4, "still serving after the reload");
  client.close();

  stop.abort();
  t.equal(await running, 0);
  t.equal(hangups.size, 0, "the SIGHUP handler is removed at exit");
  t.equal(warnings.size, 0, "the warning handler is removed at exit");
  t.match(first.out.join(""), /"msg":"stopped"/);
});

t.test("serve refuses bad flags and a bad configuration with the key", async (t) => {
  const dir = await tempDir(t);
  const config = join(dir, "config.json");
  await writeFile(config, JSON.stringify({ listeners: { tcp: { address: "0.0.0.0:1" } } }));
  const none = { hangups: { onHangup: () => () => undefined } };
  const signal = new AbortController().signal;
  await t.rejects(serve(["--state-dir", "/x"], io(signal), none), { code: "INVALID_ARGUMENT" });
  await t.rejects(serve(["--simulate", "--socket", "rel.sock"], io(signal), none), {
    code: "INVALID_ARGUMENT",
    message: /--socket needs an absolute path/,
  });
  await t.rejects(
    serve(["--simulate", "--socket", join(dir, "s.sock"), "--config", config], io(signal), none),
    {
      code: "INVALID_ARGUMENT",
      message: `${config}: listeners.tcp.tls: plaintext TCP is refused; set tls.cert, tls.key and tls.clientCa`,
    },
  );
  await t.rejects(serve(["--config", join(dir, "missing.json")], io(signal), none), {
    code: "NOT_FOUND",
  });
});

t.test("a socket in use exits with the code serve --help names for it (#17)", async (t) => {
  const dir = await tempDir(t);
  const socket = join(dir, "agent.sock");
  const stop = new AbortController();
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const none = { hangups: { onHangup: () => () => undefined } };
  const running = serve(["--simulate", "--socket", socket], io(stop.signal), {
    ...none,
    onReady: () => ready(),
  });
  await isReady;
  // Its own state directory, so that only the socket is in the way.
  const second = io(new AbortController().signal);
  const code = await serve(
    ["--simulate", "--socket", socket, "--state-dir", join(dir, "second-state")],
    second,
    none,
  );
  t.match(second.err.join(""), /another process is serving .*agent\.sock/);
  const documented = /^ {4}(\d+) +a socket path is taken: another process serves it/m.exec(HELP);
  t.ok(documented, "serve --help has a line for a socket in use");
  t.equal(code, Number(documented?.[1]), `exits ${code}, as serve --help says`);
  t.equal(code, 4, "FAILED_PRECONDITION, as docs/cli.md's table has it");
  stop.abort();
  t.equal(await running, 0);
});

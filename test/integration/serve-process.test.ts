/**
 * `eni-agent serve --simulate` as a real process (the built launcher): it
 * answers over its socket, exits 0 on SIGTERM, and a second run on the same
 * state directory finds the simulated host and the journal as the first
 * left them.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import t, { type Test } from "tap";
import { connectAgent } from "../../src/client/client.js";
import { eventually, tempDir } from "../agent/harness.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin/eni-agent.js");
const BUILT = existsSync(join(ROOT, "dist/cli/main.js"));

interface Daemon {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function serve(socket: string): Daemon {
  const env = { ...process.env };
  delete env.XDG_RUNTIME_DIR;
  delete env.UV_THREADPOOL_SIZE;
  const child = spawn(process.execPath, [BIN, "serve", "--simulate", "--socket", socket], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout?.on("data", (b: Buffer) => stdout.push(b.toString()));
  child.stderr?.on("data", (b: Buffer) => stderr.push(b.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout, stderr, exit };
}

async function stop(t: Test, daemon: Daemon): Promise<void> {
  daemon.child.kill("SIGTERM");
  const { code, signal } = await daemon.exit;
  t.equal(signal, null, "not killed by the signal");
  t.equal(code, 0, "exit status 0 after SIGTERM");
}

t.test(
  "serve --simulate as a process",
  { skip: BUILT ? false : "dist/ is missing: run `npm run build` first" },
  async (t) => {
    const dir = await tempDir(t);
    const socket = join(dir, "agent.sock");
    const first = serve(socket);
    t.teardown(() => first.child.kill("SIGKILL"));
    await eventually(() => first.stderr.join("").includes("simulated EC2 host ready"));
    t.match(first.stderr.join(""), socket, "the socket path is printed");
    const client = connectAgent({ socketPath: socket });
    t.teardown(() => client.close());
    t.equal((await client.listDevices()).length, 4);
    const op = await client.bindDevice({
      selector: { pciAddress: "0000:00:07.0" },
      driver: "vfio-pci",
    });
    t.equal(op.status, "OPERATION_STATUS_SUCCEEDED");
    client.close();
    await stop(t, first);
    const lines = first.stdout
      .join("")
      .split("\n")
      .filter((l) => l !== "");
    t.ok(
      lines.every((l) => JSON.parse(l).service === "eni-agent"),
      "stdout is JSON log lines",
    );
    t.ok(
      lines.some((l) => JSON.parse(l).uvThreadpoolSize === "16"),
      "the launcher sized libuv's pool",
    );
    t.ok(
      lines.some((l) => {
        const line = JSON.parse(l);
        return line.msg === "step done" && line.op === op.id && typeof line.durationMs === "number";
      }),
      "a log line per transaction step",
    );

    const second = serve(socket);
    t.teardown(() => second.child.kill("SIGKILL"));
    await eventually(() => second.stderr.join("").includes("simulated EC2 host ready"));
    const again = connectAgent({ socketPath: socket });
    t.teardown(() => again.close());
    const dev = await again.getDevice({ pciAddress: "0000:00:07.0" });
    t.equal(dev.driver, "vfio-pci", "the simulated host was kept in the state directory");
    t.equal(
      (await again.getOperation(op.id)).status,
      "OPERATION_STATUS_SUCCEEDED",
      "and the journal",
    );
    again.close();
    await stop(t, second);
  },
);

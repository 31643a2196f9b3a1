/**
 * `serve --simulate` against endpoints it did not start (issue 12): the
 * project's fake IMDS, EC2 and Auto Scaling run as a separate process, the
 * way amazon-ec2-metadata-mock, LocalStack or moto would, and the simulated
 * daemon's configuration names them. An Auto Scaling termination announced
 * on that IMDS is acted on against that EC2 and completed on that Auto
 * Scaling; the built-in fakes are not used (no sim.json for `sim notice`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import t from "tap";
import { SIM_CONTROL_PATH, SIM_TOKEN_HEADER } from "../../src/sim/aws/fake-imds-control.js";
import { eventually, tempDir } from "../agent/harness.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface Child {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

function start(t: { teardown(fn: () => unknown): void }, argv: string[]): Child {
  const child = spawn(process.execPath, ["--import", "tsx", ...argv], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on("line", (line) => lines.push(line));
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  });
  return { child, lines, exited };
}

interface Endpoints {
  imds: string;
  ec2: string;
  autoScaling: string;
  controlToken: string;
  instanceId: string;
  owned: string[];
}

t.test(
  "serve --simulate uses the IMDS, EC2 and Auto Scaling its configuration names",
  async (t) => {
    const dir = await tempDir(t);
    const owner = { key: "drill:owner", value: "external" };
    const fakes = start(t, [
      "test/integration/fake-aws-process.ts",
      owner.key,
      owner.value,
      "drain-hook",
    ]);
    await eventually(() => fakes.lines.some((l) => l.startsWith("READY ")));
    const endpoints = JSON.parse(
      fakes.lines.find((l) => l.startsWith("READY "))!.slice("READY ".length),
    ) as Endpoints;

    const config = join(dir, "config.json");
    await writeFile(
      config,
      JSON.stringify({
        imds: {
          endpoint: endpoints.imds,
          spotIntervalMs: 100,
          asgIntervalMs: 100,
          scheduledIntervalMs: 500,
          rebalanceIntervalMs: 500,
        },
        ec2: { endpoint: endpoints.ec2, ownerTag: owner },
        autoScaling: { endpoint: endpoints.autoScaling, lifecycleHook: { name: "drain-hook" } },
        termination: { dpdkGraceMs: 0, asgLifecycleHookTimeoutMs: 60_000 },
      }),
    );
    const socket = join(dir, "agent.sock");
    const daemon = start(t, [
      "src/cli/main.ts",
      "serve",
      "--simulate",
      "--socket",
      socket,
      "--config",
      config,
    ]);
    await eventually(
      () => daemon.lines.some((l) => l.includes("simulated EC2 host ready")),
      30_000,
    );
    const banner = daemon.lines.join("\n");
    t.match(banner, `IMDS         ${endpoints.imds} (configured)`);
    t.match(banner, `EC2          ${endpoints.ec2} (configured)`);
    t.match(banner, `Auto Scaling ${endpoints.autoScaling} (configured)`);
    t.notOk(existsSync(`${socket}.sim.json`), "sim notice cannot script an IMDS it does not own");

    // Scale-in, as the emulator's operator would script it.
    const announced = await fetch(`${endpoints.imds}${SIM_CONTROL_PATH}`, {
      method: "POST",
      headers: { [SIM_TOKEN_HEADER]: endpoints.controlToken },
      body: JSON.stringify({ kind: "asg" }),
    });
    t.equal(announced.status, 200);
    const requests = () => fakes.lines.filter((l) => l.startsWith("REQ "));
    await eventually(
      () => requests().includes("REQ autoscaling CompleteLifecycleAction ok"),
      30_000,
    );
    const ec2 = requests().filter((l) => l.startsWith("REQ ec2 "));
    t.equal(
      ec2.filter((l) => l === "REQ ec2 DeleteNetworkInterface ok").length,
      2,
      "both owned ENIs were deleted in the external EC2",
    );
    const last = (line: string) => requests().lastIndexOf(line);
    t.ok(
      last("REQ autoscaling CompleteLifecycleAction ok") >
        last("REQ ec2 DeleteNetworkInterface ok"),
      "the lifecycle action was completed after the release",
    );
    daemon.child.kill("SIGTERM");
    t.equal(await daemon.exited, 0, "serve stops cleanly");
  },
);

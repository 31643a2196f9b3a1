/**
 * The two-shell demo of README "Writing a controller", end to end: the
 * example controller (examples/controller) in one child process against
 * `serve --simulate` in another, through the daemon's socket and the fake
 * EC2 endpoint the daemon wrote next to it.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { DescribeNetworkInterfacesCommand, EC2Client } from "@aws-sdk/client-ec2";
import t from "tap";
import { tsNodeArgs } from "../support/ts-node.js";
import { cli } from "./daemon-support.js";
import { ROOT, serveSimulated } from "./simulated-daemon.js";

/** Runs the example controller to its end; its exit code and what it printed. */
async function runController(socket: string): Promise<{ code: number | null; out: string }> {
  // The example imports "eni-agent/client"; the source condition points that
  // at src/ so this test needs no build (test/client/package-entry.test.ts
  // checks what the build makes of the entry).
  const args = [
    "--conditions=eni-agent-source",
    ...tsNodeArgs("examples/controller/controller.ts"),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ENI_AGENT_SOCKET: socket },
  });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr.on("data", (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, out };
}

t.test("the example controller drives an ENI through serve --simulate", async (t) => {
  const { socket } = await serveSimulated(t);
  const { code, out } = await runController(socket);
  t.equal(code, 0, "the controller ran to its end", { output: out });

  const steps = out
    .split("\n")
    .filter((line) => line.startsWith("controller: "))
    .map((line) => line.slice("controller: ".length));
  t.match(steps, [
    /^created (eni-[0-9a-f]{17}) \(MAC 0e(:[0-9a-f]{2}){5}\)$/,
    "PutEniIntent vfio-pci, generation 1: ENI_PHASE_PENDING_ATTACH",
    /^attached to i-[0-9a-f]{17} \(eni-attach-[0-9a-f]{17}\)$/,
    /^ENI_PHASE_BOUND: 0000:00:09\.0 on vfio-pci$/,
    "ReleaseEni: RELEASE_OUTCOME_SAFE_TO_DETACH (ENI_PHASE_SAFE_TO_DETACH)",
    "detached",
    "ENI_PHASE_RELEASED: the device left the host",
    /^deleted eni-/,
  ]);
  t.equal(steps.length, 8, "and printed nothing else", { output: out });
  const eniId = /^created (eni-\S+)/.exec(steps[0] ?? "")?.[1] ?? "";

  // The hot-plugged device went to vfio-pci and back to ena before it left.
  const run = (...argv: string[]) => cli([...argv, "--socket", socket]);
  const ops = JSON.parse((await run("ops", "--device", "0000:00:09.0", "--json")).stdout);
  t.match(ops.operations, [
    { kind: "restore", status: "succeeded", fromDriver: "vfio-pci", toDriver: "ena" },
    { kind: "bind", status: "succeeded", toDriver: "vfio-pci" },
  ]);
  const status = JSON.parse((await run("status", "--json")).stdout);
  t.same(
    status.devices.map((d: { pciAddress: string }) => d.pciAddress),
    ["0000:00:05.0", "0000:00:06.0", "0000:00:07.0", "0000:00:08.0"],
    "the detached device is gone from the host",
  );

  // And the ENI is gone from the fake EC2.
  const sim = JSON.parse(readFileSync(`${socket}.sim.json`, "utf8")) as { ec2: string };
  const ec2 = new EC2Client({
    endpoint: sim.ec2,
    region: "us-east-1",
    credentials: { accessKeyId: "SIMULATED", secretAccessKey: "simulated" },
    maxAttempts: 1,
  });
  t.teardown(() => ec2.destroy());
  await t.rejects(
    ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] })),
    { name: "InvalidNetworkInterfaceID.NotFound" },
  );
});

/**
 * `eni-agent sim notice` against a real `serve --simulate` child process:
 * serve writes its fake endpoints next to its socket (0600), the command
 * makes the fake IMDS announce the notice, the daemon's watcher picks it up
 * and the release plan returns the DPDK device to the kernel; the file is
 * removed when serve stops. The daemon polls IMDS every 100 ms and gives
 * DPDK no grace, so the test waits on events, not on the daemon's timers.
 */
import { existsSync, statSync } from "node:fs";
import t from "tap";
import { runCli } from "../../src/cli/run-cli.js";
import { cli } from "../cli/daemon-support.js";
import { serveSimulated } from "../cli/simulated-daemon.js";

/** `eni-agent watch …` in this process; `subscribed` resolves once its stream is open. */
function watch(argv: readonly string[]) {
  let stdout = "";
  let stderr = "";
  let subscribed!: () => void;
  const open = new Promise<void>((resolve) => (subscribed = resolve));
  const done = runCli(["watch", ...argv], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: {
      write: (text: string) => {
        stderr += text;
        if (text.startsWith("watching events at ")) subscribed();
      },
      isTTY: false,
    },
    env: {},
  }).then((code) => ({ code, stdout, stderr }));
  return { open, done };
}

t.test("sim notice spot: the simulated daemon sees it and releases", async (t) => {
  const { socket, endpointsFile, child, exited } = await serveSimulated(t, {
    config: {
      imds: { spotIntervalMs: 100, asgIntervalMs: 100 },
      termination: { dpdkGraceMs: 0 },
      // With the mark at bind on, the plan leaves the bound device's ENI to
      // EC2 when the mark lands before the notice, and detaches it when it
      // does not: off, the plan detaches it on every run.
      ec2: { deleteOnTerminationOnBind: false },
    },
  });
  t.equal(statSync(endpointsFile).mode & 0o777, 0o600, "only the owner reads the control token");
  const run = (...argv: string[]) => cli([...argv, "--socket", socket]);

  // The plan detaches the ENIs it knows: wait until the daemon has read from
  // IMDS which ENI each device is (under load that comes after it serves).
  const identified = async () => {
    const status = JSON.parse((await run("status", "--json")).stdout);
    return status.devices.every((d: { identity?: { eniId?: string | null } }) =>
      Boolean(d.identity?.eniId),
    );
  };
  for (let i = 0; i < 100 && !(await identified()); i++);
  const bound = await run("bind", "0000:00:06.0", "vfio-pci");
  t.equal(bound.code, 0, bound.stderr);
  const watched = watch([
    "--kind",
    "termination_notice",
    "--count",
    "1",
    "--json",
    "--socket",
    socket,
  ]);
  // The restore's result and the termination plan's result.
  const results = watch([
    "--kind",
    "operation_result",
    "--count",
    "2",
    "--json",
    "--socket",
    socket,
  ]);
  await Promise.all([watched.open, results.open]);

  const bad = await run("sim", "notice", "spot", "--in", "soon");
  t.equal(bad.code, 2, "usage error");
  const announced = await run("sim", "notice", "spot", "--in", "60");
  t.equal(announced.code, 0, announced.stderr);
  t.match(announced.stdout, /spot notice \(action=terminate time=\S+Z\)/);

  const notice = JSON.parse((await watched.done).stdout);
  t.match(notice, { kind: "termination_notice", notice: { source: "spot_interruption" } });
  const finished = (await results.done).stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  t.match(
    finished.find((e) => e.operation.kind === "termination"),
    { operation: { status: "succeeded" } },
    "the release plan finished",
  );
  t.match(
    finished.find((e) => e.operation.kind === "restore"),
    { operation: { status: "succeeded", pciAddress: "0000:00:06.0", toDriver: "ena" } },
    "the device went back to the kernel",
  );
  // Then the plan detached its ENI (the agent owns it), and the fake EC2's
  // detach took the device off the simulated host.
  // EC2 answers the detach before the device has gone: ask a bounded number of times.
  const present = async () => {
    const status = JSON.parse((await run("status", "--json")).stdout);
    return status.devices.some((d: { pciAddress: string }) => d.pciAddress === "0000:00:06.0");
  };
  let stillThere = await present();
  for (let i = 0; i < 50 && stillThere; i++) stillThere = await present();
  t.notOk(stillThere, "the detached ENI's device left the host");

  child.kill("SIGTERM");
  await exited;
  t.notOk(existsSync(endpointsFile), "serve removes its endpoints file at stop");
  const gone = await run("sim", "notice", "asg");
  t.equal(gone.code, 3, "no simulated host: not found");
});

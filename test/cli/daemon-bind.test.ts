/**
 * bind and restore through a real gRPC server on a temp socket: progress
 * from the daemon's events, results read back, exit codes per error kind,
 * and the offline mode refusing to run next to a daemon.
 */
import { join } from "node:path";
import t from "tap";
import { AgentError } from "../../src/common/index.js";
import type { BindRequest } from "../../src/server/core-types.js";
import { until } from "../server/harness.js";
import { cli, startDaemon } from "./daemon-support.js";

t.test("bind prints each step as the daemon reports it, then the verified result", async (t) => {
  const d = await startDaemon(t);
  const out = await d.run(["bind", "ens6", "vfio-pci"]);
  t.equal(out.code, 0, out.stderr);
  t.match(out.stderr, /^0000:00:06\.0: bind to vfio-pci, operation op-1 \(4 steps\)\n/);
  const steps = out.stderr.split("\n").filter((l) => /^ {2}\[\d\/4\]/.test(l));
  t.same(steps, [
    '  [1/4] write "vfio-pci" to bus/pci/devices/0000:00:06.0/driver_override',
    '  [2/4] write "0000:00:06.0" to bus/pci/drivers/ena/unbind',
    '  [3/4] write "0000:00:06.0" to bus/pci/drivers/vfio-pci/bind',
    "  [4/4] verify",
  ]);
  t.match(
    out.stdout,
    /^0000:00:06\.0: bound to vfio-pci \(state dpdk, MAC 0e:49:61:0f:c3:06\), operation op-1, 42 ms\n$/,
  );
  const request = d.core.calls("bindDevice")[0]!.args[0] as BindRequest;
  t.same(request.selector, { by: "pci", pciAddress: "0000:00:06.0" }, "the resolved address");
  t.match(request, { driver: "vfio-pci", force: false, dryRun: false, persist: false });
  await until(() => d.core.listenerCount === 0, "the progress subscription to end");
});

t.test("--json: one document on stdout, progress only on stderr", async (t) => {
  const d = await startDaemon(t);
  const out = await d.run(["bind", "eni-0f95d3625f5c52106", "vfio-pci", "--persist", "--json"]);
  t.equal(out.code, 0, out.stderr);
  const doc = JSON.parse(out.stdout);
  t.same(Object.keys(doc), ["version", "operation", "device"]);
  t.match(doc.operation, {
    id: "op-1",
    kind: "bind",
    status: "succeeded",
    pciAddress: "0000:00:06.0",
    fromDriver: "ena",
    toDriver: "vfio-pci",
    persist: true,
    durationMs: 42,
    error: null,
  });
  t.same(
    doc.operation.steps.map((s: { status: string }) => s.status),
    ["done", "done", "done", "done"],
  );
  t.match(doc.device, { pciAddress: "0000:00:06.0", driver: "vfio-pci", state: "dpdk" });
  t.match(out.stderr, /\[3\/4\] write "0000:00:06\.0" to bus\/pci\/drivers\/vfio-pci\/bind/);
});

t.test("on a terminal, progress redraws one line", async (t) => {
  const d = await startDaemon(t);
  const out = await d.run(["bind", "0000:00:06.0", "vfio-pci"], { tty: true });
  t.equal(out.code, 0, out.stderr);
  const redraw = "\r\u001b[K"; // carriage return, then erase to the end of the line
  t.ok(
    out.stderr.includes(
      `${redraw}  [2/4] write "0000:00:06.0" to bus/pci/drivers/ena/unbind${redraw}  [3/4]`,
    ),
    "each step overwrites the previous one",
  );
  t.equal(out.stderr.split("\n").length, 3, "header line, redrawn step line, end");
});

t.test("restore goes through RestoreDevice and ends on the kernel driver", async (t) => {
  const d = await startDaemon(t);
  d.core.devices[1]!.driver = "vfio-pci" as never;
  const out = await d.run(["restore", "0e:49:61:0f:c3:06", "--persist"]);
  t.equal(out.code, 0, out.stderr);
  t.match(out.stdout, /^0000:00:06\.0: restored to ena \(state kernel, interface ens6, /);
  t.match(d.core.calls("restoreDevice")[0]!.args[0], { persist: true, dryRun: false });
});

t.test("--dry-run prints the plan and asks for a dry run", async (t) => {
  const d = await startDaemon(t);
  const out = await d.run(["bind", "ens6", "vfio-pci", "--dry-run"]);
  t.equal(out.code, 0, out.stderr);
  t.match(
    out.stdout,
    /^bind 0000:00:06\.0: ena -> vfio-pci \(dry run: nothing written\)\n {2}1\. /,
  );
  t.match(d.core.calls("bindDevice")[0]!.args[0], { dryRun: true });
  const json = JSON.parse((await d.run(["restore", "ens6", "--dry-run", "--json"])).stdout);
  t.match(json, { version: 1, operation: { kind: "restore", pciAddress: "0000:00:06.0" } });
  t.match(d.core.calls("restoreDevice")[0]!.args[0], { dryRun: true });
  t.equal(d.core.listenerCount, 0, "a dry run subscribes to nothing");
});

t.test("a failure prints the message, the guard or errno, the remedy; exit per kind", async (t) => {
  const d = await startDaemon(t);
  const cases: [AgentError, number, RegExp][] = [
    [
      new AgentError("FAILED_PRECONDITION", "0000:00:06.0 carries the default route", {
        guard: "default-route",
        device: "0000:00:06.0",
        remedy: "pass --force to move the management interface",
      }),
      4,
      /default route\n.*\(guard default-route; device 0000:00:06\.0\)\n.*pass --force/,
    ],
    [new AgentError("ABORTED", "op-9 holds the device", { operationId: "op-9" }), 7, /op-9/],
    [
      new AgentError("UNAVAILABLE", "device busy", {
        errno: "EBUSY",
        syscall: "write",
        remedy: "retry in a moment",
      }),
      6,
      /EBUSY from write/,
    ],
    [new AgentError("NOT_FOUND", "no such device"), 3, /no such device/],
    [new AgentError("PERMISSION_DENIED", "read-only listener"), 5, /read-only/],
    [
      new AgentError("INTERNAL", "rollback failed: DEGRADED", { operationId: "op-2" }),
      1,
      /DEGRADED/,
    ],
    [new AgentError("INVALID_ARGUMENT", 'driver "vfio_pci" is not allowed'), 2, /not allowed/],
  ];
  for (const [error, code, message] of cases) {
    d.core.failures.set("bindDevice", error);
    const out = await d.run(["bind", "ens6", "vfio-pci"]);
    t.equal(out.code, code, `${error.code} -> ${code}`);
    t.match(out.stderr, message);
  }
});

t.test("--timeout stops waiting, not the move, and says where it will end", async (t) => {
  const d = await startDaemon(t);
  let release = () => {};
  d.core.holdAtStep = { index: 1, until: new Promise<void>((r) => (release = r)) };
  t.teardown(() => release());
  const out = await d.run(["bind", "ens6", "vfio-pci", "--timeout", "0.3"]);
  t.equal(out.code, 6, out.stderr);
  t.match(out.stderr, /no answer from the daemon within 0\.3 s \(--timeout\); stopped waiting/);
  t.match(out.stderr, /device 0000:00:06\.0/);
  t.match(out.stderr, /the move is not abandoned: .*'eni-agent ops --device 0000:00:06\.0'/);
  t.match(
    out.stderr,
    /\[2\/4\] write "0000:00:06\.0" to bus\/pci\/drivers\/ena\/unbind/,
    "progress up to the wait was shown",
  );
  release();
  await until(() => d.core.devices[1]!.driver === "vfio-pci", "the daemon to finish the move");
  t.equal(d.core.operations[0]?.status, "succeeded");
});

t.test("a step that fails shows where, and the rollback", async (t) => {
  const d = await startDaemon(t);
  d.core.failAtStep = {
    index: 2,
    error: new AgentError("FAILED_PRECONDITION", "bind to vfio-pci failed: rolled back", {
      errno: "ENODEV",
      syscall: "write",
      path: "bus/pci/drivers/vfio-pci/bind",
      operationId: "op-1",
    }),
  };
  const out = await d.run(["bind", "ens6", "vfio-pci"]);
  t.equal(out.code, 4);
  t.match(
    out.stderr,
    /\[3\/4\] write "0000:00:06\.0" to bus\/pci\/drivers\/vfio-pci\/bind: failed\n/,
  );
  t.match(
    out.stderr,
    /\[1\/4\] undone: write "vfio-pci" to bus\/pci\/devices\/0000:00:06\.0\/driver_override/,
  );
  t.match(
    out.stderr,
    /\(ENODEV from write; on bus\/pci\/drivers\/vfio-pci\/bind; operation op-1\)/,
  );
  t.equal(d.core.devices[1]!.driver, "ena");
});

t.test("success is not trusted blindly: the device is read back", async (t) => {
  const d = await startDaemon(t);
  d.core.moveDevice = false;
  const out = await d.run(["bind", "ens6", "vfio-pci", "--json"]);
  t.equal(out.code, 7);
  t.match(out.stderr, /reached vfio-pci, but is on ena now/);
  t.match(JSON.parse(out.stdout), { error: { code: "ABORTED", operationId: "op-1" }, exitCode: 7 });
});

t.test("no daemon: exit 8, saying where it looked and what to do", async (t) => {
  const dir = t.testdir({ "plain-file": "" });
  const out = await cli(["bind", "ens6", "vfio-pci", "--socket", `${dir}/none.sock`]);
  t.equal(out.code, 8);
  t.match(out.stderr, /no eni-agent daemon answers at .*none\.sock \(ENOENT: no socket there\)/);
  t.match(out.stderr, /--offline/);
  const file = await cli(["get", "ens6", "--socket", `${dir}/plain-file`]);
  t.equal(file.code, 8);
  t.match(file.stderr, /ENOTSOCK: the path is not a socket/);
});

t.test("a stale socket (nobody listening) is no daemon either", async (t) => {
  const d = await startDaemon(t);
  const path = d.socketPath;
  // Keep the socket file but close the listener behind it, as a crash would.
  const { rename } = await import("node:fs/promises");
  await rename(path, `${path}.kept`);
  await d.server.stop();
  await rename(`${path}.kept`, path);
  const out = await cli(["status", "--json", "--socket", path]);
  t.equal(out.code, 0, "status falls back");
  t.match(out.stderr, /ECONNREFUSED: nobody is listening/);
  t.equal(JSON.parse(out.stdout).source, "sysfs");
  t.equal((await cli(["get", "ens6", "--socket", path])).code, 8);
});

t.test("--offline refuses when a daemon answers on the socket", async (t) => {
  const d = await startDaemon(t);
  const dir = t.testdir({});
  for (const argv of [
    ["bind", "ens6", "vfio-pci", "--offline", "--state-dir", dir],
    ["restore", "ens6", "--offline", "--state-dir", dir],
  ]) {
    const out = await d.run(argv);
    t.equal(out.code, 4, argv.join(" "));
    t.match(out.stderr, /a daemon answers at .*: \w+ --offline would race it/);
    t.match(out.stderr, /guard daemon-running/);
  }
  t.same(d.core.received, [], "the daemon was not asked anything");
});

t.test("--offline also asks the socket the configuration gives the daemon", async (t) => {
  const d = await startDaemon(t);
  const dir = t.testdir({
    "config.json": JSON.stringify({ listeners: { socket: { path: d.socketPath } } }),
  });
  const config = join(dir, "config.json");
  const elsewhere = join(dir, "no-daemon.sock");
  for (const argv of [
    ["bind", "ens6", "vfio-pci", "--dry-run"],
    ["restore", "ens6"],
  ]) {
    const out = await cli([...argv, "--offline", "--config", config, "--socket", elsewhere]);
    t.equal(out.code, 4, argv.join(" "));
    t.match(out.stderr, `a daemon answers at ${d.socketPath}`);
    t.match(out.stderr, /guard daemon-running/);
  }
  t.same(d.core.received, [], "the daemon was not asked anything");
});

t.test("offline-only flags without --offline are usage errors", async (t) => {
  for (const argv of [
    ["bind", "ens6", "vfio-pci", "--state-dir", "/tmp/x"],
    ["bind", "ens6", "vfio-pci", "--sysfs-root", "/tmp/x"],
    ["bind", "ens6", "vfio-pci", "--allow", "8086:10d3"],
    ["restore", "ens6", "--config", "/tmp/c.json"],
    ["ops", "--state-dir", "/tmp/x"],
  ]) {
    const out = await cli(argv);
    t.equal(out.code, 2, argv.join(" "));
    t.match(out.stderr, /only apply with --offline/);
  }
});

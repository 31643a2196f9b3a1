/**
 * Checks of eni-agent as the unit runs it: active with its JSON lines in the
 * journal, its sockets' owners and modes, who may use them, and binds and
 * restores through the CLI under the unit's whole sandbox.
 */
import { lstatSync } from "node:fs";
import type { Checks } from "../kit/checks.js";
import { describeNic, readNic } from "../kit/nic-state.js";
import { ETH1_ADDRESS, NIC_MACS, NIC_PCI } from "./guest-files.js";
import { gidOf, MEMBER, OUTSIDER, RO_SOCKET, SOCKET } from "./guest-setup.js";
import {
  asUser,
  daemonRecords,
  describe,
  journalTail,
  type Ran,
  run,
  unitMonotonicUs,
  unitProp,
} from "./kit.js";

const ms = (us: number) => `${(us / 1000).toFixed(0)} ms`;

export function unitActive(checks: Checks): boolean {
  const state = `${unitProp("eni-agent", "ActiveState")}/${unitProp("eni-agent", "SubState")}`;
  const start = unitMonotonicUs("eni-agent", "InactiveExit");
  const exec = unitMonotonicUs("eni-agent", "ExecMainStart");
  const active = unitMonotonicUs("eni-agent", "ActiveEnter");
  return checks.check(
    "unit-active: eni-agent.service is active (running) after enable --now",
    state === "active/running",
    `${state}\n${journalTail()}`,
    `start → node running ${ms(exec - start)}, node running → active (ExecStartPost: ready) ${ms(active - exec)}`,
  );
}

export function journalJson(checks: Checks): void {
  const records = daemonRecords();
  const msgs = records.map((r) => r.line.msg);
  const listening = records.find((r) => r.line.msg === "gRPC server listening");
  checks.check(
    "journal-json: journalctl -o json carries the daemon's JSON lines as structured records",
    listening !== undefined &&
      listening.fields._SYSTEMD_UNIT === "eni-agent.service" &&
      typeof listening.line.level !== "undefined" &&
      msgs.includes("start-up done"),
    { msgs: msgs.slice(0, 40), sample: listening?.fields },
    `${records.length} JSON records, e.g. ${JSON.stringify(listening?.line ?? null).slice(0, 200)}`,
  );
}

export function socketModes(checks: Checks): void {
  const gid = gidOf("eni-agent");
  const s = lstatSync(SOCKET);
  const d = lstatSync("/run/eni-agent");
  const seen = {
    socket: { socket: s.isSocket(), uid: s.uid, gid: s.gid, mode: (s.mode & 0o7777).toString(8) },
    dir: { uid: d.uid, gid: d.gid, mode: (d.mode & 0o7777).toString(8) },
    eniAgentGid: gid,
  };
  checks.check(
    "socket-modes: /run/eni-agent/eni-agent.sock is root:eni-agent 0660 in a 0750 directory",
    s.isSocket() &&
      s.uid === 0 &&
      s.gid === gid &&
      (s.mode & 0o777) === 0o660 &&
      d.uid === 0 &&
      d.gid === gid &&
      (d.mode & 0o777) === 0o750,
    seen,
    JSON.stringify(seen),
  );
}

function nic(i: number) {
  return readNic("/sys", "/dev", NIC_PCI[i]!);
}

/** The operation's own duration, as the CLI prints it last on its result line. */
function opMs(r: Ran): string {
  return /, (\d+) ms\s*$/.exec(r.stdout)?.[1] ?? "?";
}

/** bind + restore of eth2 by a group member, for each DPDK driver. */
export function memberRoundTrips(checks: Checks): void {
  for (const driver of ["vfio-pci", "uio_pci_generic"] as const) {
    const before = nic(2);
    const bind = asUser(MEMBER, "eni-agent", ["bind", NIC_PCI[2], driver]);
    const bound = nic(2);
    const restore = asUser(MEMBER, "eni-agent", ["restore", NIC_MACS[2]]);
    const back = nic(2);
    checks.check(
      `member-round-trip: a member of eni-agent binds eth2 to ${driver} and restores it through the CLI`,
      before.driver === "e1000e" &&
        bind.code === 0 &&
        bound.driver === driver &&
        bound.devNode !== null &&
        restore.code === 0 &&
        back.driver === "e1000e" &&
        back.override === "(null)\n" &&
        back.net.some((n) => n.mac === NIC_MACS[2]),
      `before ${describeNic(before)}\nbind: ${describe(bind)}\nbound ${describeNic(bound)}\nrestore: ${describe(restore)}\nafter ${describeNic(back)}`,
      `daemon: bind ${opMs(bind)} ms, restore ${opMs(restore)} ms; CLI process start to exit (as ${MEMBER}): bind ${bind.ms} ms, restore ${restore.ms} ms`,
    );
  }
}

export function outsiderRefused(checks: Checks): void {
  const bind = asUser(OUTSIDER, "eni-agent", ["bind", "eth2", "vfio-pci"]);
  const after = nic(2);
  checks.check(
    "outsider-refused: a user outside eni-agent gets exit 8 or 5 with a clear message, nothing moves",
    (bind.code === 8 || bind.code === 5) &&
      /permission/i.test(bind.stderr) &&
      after.driver === "e1000e",
    `${describe(bind)}\n${describeNic(after)}`,
    bind.stderr.trim().split("\n")[0],
  );
}

export function readOnlySocket(checks: Checks): void {
  const status = asUser(OUTSIDER, "eni-agent", ["status", "--socket", RO_SOCKET, "--json"]);
  let source = "";
  try {
    source = (JSON.parse(status.stdout) as { source?: string }).source ?? "";
  } catch {
    // reported below
  }
  const bind = asUser(OUTSIDER, "eni-agent", ["bind", "eth2", "vfio-pci", "--socket", RO_SOCKET]);
  const after = nic(2);
  checks.check(
    "read-only-socket: anyone reads through it; a mutation through it is refused (exit 5)",
    status.code === 0 && source === "daemon" && bind.code === 5 && after.driver === "e1000e",
    `status: ${describe(status)}\nbind: ${describe(bind)}\n${describeNic(after)}`,
    bind.stderr.trim().split("\n")[0],
  );
}

/**
 * The guards under the sandbox: eth0 carries the default route, eth1 is up
 * with an address (the interface-in-use guard reads addresses over netlink,
 * which the unit must allow); --force moves eth1 and restores it.
 */
export function guardsUnderSandbox(checks: Checks): void {
  const eth0 = run("eni-agent", ["bind", "eth0", "vfio-pci"]);
  const eth1 = run("eni-agent", ["bind", "eth1", "vfio-pci"]);
  const address = ETH1_ADDRESS.replaceAll(".", "\\.").replace("/", "\\/");
  checks.check(
    "guards: binding the interface with the default route, or one up with an address, is refused (exit 4, named guard)",
    eth0.code === 4 &&
      /default route/.test(eth0.stderr) &&
      eth1.code === 4 &&
      new RegExp(`interface eth1 is up with addresses ${address}`).test(eth1.stderr) &&
      !/internal/i.test(eth1.stderr),
    `eth0: ${describe(eth0)}\neth1: ${describe(eth1)}`,
    eth1.stderr.trim().split("\n")[0],
  );
  const forced = run("eni-agent", ["bind", "eth1", "vfio-pci", "--force"]);
  const bound = nic(1);
  const restore = run("eni-agent", ["restore", NIC_MACS[1]]);
  const back = nic(1);
  checks.check(
    "guards: --force binds the interface in use to vfio-pci under the unit's sandbox; restore brings it back",
    forced.code === 0 &&
      bound.driver === "vfio-pci" &&
      restore.code === 0 &&
      back.driver === "e1000e",
    `force: ${describe(forced)}\n${describeNic(bound)}\nrestore: ${describe(restore)}\n${describeNic(back)}`,
  );
}

/**
 * The same bind with AF_NETLINK taken away: a precondition naming the cause,
 * never INTERNAL. The drop-in is removed again but the daemon keeps running
 * without AF_NETLINK: the next check (documented-config) restarts it.
 */
export function withoutNetlink(checks: Checks): void {
  const dropIn = "/run/systemd/system/eni-agent.service.d/no-netlink.conf";
  const r: Ran[] = [];
  r.push(run("mkdir", ["-p", "/run/systemd/system/eni-agent.service.d"]));
  r.push(
    run("sh", [
      "-c",
      `printf '[Service]\\nRestrictAddressFamilies=\\nRestrictAddressFamilies=AF_UNIX AF_INET AF_INET6\\n' > ${dropIn}`,
    ]),
  );
  r.push(run("systemctl", ["daemon-reload"]));
  r.push(run("systemctl", ["restart", "eni-agent"], { timeoutMs: 240_000 }));
  const bind = run("eni-agent", ["bind", "eth1", "vfio-pci"]);
  r.push(run("rm", ["-f", dropIn]));
  r.push(run("systemctl", ["daemon-reload"]));
  checks.check(
    "without-netlink: with AF_NETLINK forbidden the guard's address read is a precondition naming EAFNOSUPPORT and the remedy",
    r.every((x) => x.code === 0) &&
      bind.code === 4 &&
      /getifaddrs: EAFNOSUPPORT/.test(bind.stderr) &&
      /AF_NETLINK/.test(bind.stderr) &&
      nic(1).driver === "e1000e",
    `bind: ${describe(bind)}\nsetup: ${r.map((x) => `${x.code}`).join(",")} ${r.find((x) => x.code !== 0)?.stderr ?? ""}`,
    bind.stderr.trim().split("\n").slice(0, 2).join(" / "),
  );
}

export function securityScore(checks: Checks): void {
  const r = run("systemd-analyze", ["security", "eni-agent.service", "--no-pager"]);
  const m = /Overall exposure level for eni-agent\.service: ([0-9.]+)/.exec(r.stdout);
  const score = m ? Number(m[1]) : Number.NaN;
  checks.check(
    "security: systemd-analyze security on the running system rates eni-agent.service ≤ 3.0",
    r.code === 0 && score <= 3.0,
    describe(r),
    `exposure ${score}`,
  );
}

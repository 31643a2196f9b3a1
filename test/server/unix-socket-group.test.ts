/**
 * The socket's group without chown(2) when it was born with it (issue 11):
 * the shipped unit's system call filter refuses chown, and the documented
 * `listeners.socket.group` is the unit's own Group=. A process that is not
 * root plays the sandboxed daemon: its own group needs no chown, a group it
 * is not in is a precondition with a remedy, not a crash with EPERM.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";

const NOBODY = 65534;
const child = `
import { createServer } from "node:net";
import { finishUnixSocket, prepareUnixSocket } from "./src/server/unix-socket.ts";
process.setgid(${NOBODY});
process.setuid(${NOBODY});
const dir = process.argv[1];
const out = {};
for (const [name, gid] of [["own", ${NOBODY}], ["root", 0]]) {
  const spec = { path: dir + "/run/" + name + ".sock", mode: 0o660, directoryMode: 0o750, gid };
  await prepareUnixSocket(spec, 500);
  const server = createServer();
  await new Promise((resolve) => server.listen(spec.path, resolve));
  try {
    await finishUnixSocket(spec);
    out[name] = "ok";
  } catch (err) {
    out[name] = { code: err.code, errno: err.errno, remedy: err.remedy };
  }
  server.close();
}
process.stdout.write(JSON.stringify(out));
`;

const skip = process.getuid?.() === 0 ? false : "needs root to play an unprivileged daemon";

t.test(
  "group given without chown when born with it; refused with a remedy otherwise",
  { skip },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "sock-group-"));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    chmodSync(dir, 0o777);
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", child, dir],
      {
        cwd: join(import.meta.dirname, "../.."),
        encoding: "utf8",
      },
    );
    t.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    t.equal(out.own, "ok", "the process's own group: nothing to change");
    t.match(out.root, { code: "FAILED_PRECONDITION", errno: "EPERM", remedy: /Group=/ });
  },
);

import t from "tap";
import {
  DEFAULT_SOCKET_PATH,
  defaultSocket,
  simulatedSocketPath,
} from "../../src/cli/daemon/default-socket.js";

const env = { XDG_RUNTIME_DIR: "/run/user/1000" };

t.test("the system daemon's socket wins when it exists", async (t) => {
  const found = defaultSocket(env, (p) => p === DEFAULT_SOCKET_PATH || p.startsWith("/run/user"));
  t.same(found, { path: DEFAULT_SOCKET_PATH, simulated: false });
});

t.test("a simulated daemon's socket is found when the system one is absent", async (t) => {
  const simulated = "/run/user/1000/eni-agent/eni-agent.sock";
  t.equal(simulatedSocketPath(env), simulated);
  t.same(
    defaultSocket(env, (p) => p === simulated),
    { path: simulated, simulated: true },
  );
});

t.test("with neither, the system path is named (so errors say where we looked)", async (t) => {
  t.same(
    defaultSocket(env, () => false),
    { path: DEFAULT_SOCKET_PATH, simulated: false },
  );
});

t.test("without XDG_RUNTIME_DIR the simulated socket is per user under TMPDIR", async (t) => {
  t.match(
    simulatedSocketPath({ TMPDIR: "/var/tmp" }),
    /^\/var\/tmp\/eni-agent-\d+\/eni-agent\.sock$/,
  );
  t.match(simulatedSocketPath({}), /^\/tmp\/eni-agent-\d+\/eni-agent\.sock$/);
});

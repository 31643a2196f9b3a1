/**
 * Who may force over another owner's intent: the callers of the main Unix
 * socket (only root and its group open it), never a TCP client or a
 * read-only socket.
 */
import t from "tap";
import { intentCaller } from "../../src/server/intent-handlers.js";

t.test("only the main Unix socket's callers are the administrator", async (t) => {
  const unix = intentCaller({ listener: "unix", identity: "unix:/run/s.sock", access: "write" });
  t.same(unix, { identity: "unix:/run/s.sock", admin: true });
  const tcp = intentCaller({ listener: "tcp", identity: "CN=controller", access: "write" });
  t.same(tcp, { identity: "CN=controller", admin: false });
  const reader = intentCaller({
    listener: "unix-read-only",
    identity: "unix:/run/ro.sock",
    access: "read",
  });
  t.equal(reader.admin, false);
});

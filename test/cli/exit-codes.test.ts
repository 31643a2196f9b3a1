import t from "tap";
import { EXIT_SOFTWARE, EXIT_USAGE, exitCodeFor } from "../../src/cli/exit-codes.js";
import { AgentError, ERROR_CODES } from "../../src/common/index.js";

t.test("every error code has its own documented exit status", async (t) => {
  const codes = ERROR_CODES.map((code) => exitCodeFor(new AgentError(code, "x")));
  t.ok(
    codes.every((c) => c >= 1 && c <= 7),
    String(codes),
  );
  t.equal(exitCodeFor(new AgentError("INVALID_ARGUMENT", "x")), EXIT_USAGE);
  t.equal(exitCodeFor(new AgentError("NOT_FOUND", "x")), 3);
  t.equal(exitCodeFor(new AgentError("FAILED_PRECONDITION", "x")), 4);
  t.equal(exitCodeFor(new AgentError("PERMISSION_DENIED", "x")), 5);
  t.equal(exitCodeFor(new AgentError("UNAVAILABLE", "x")), 6);
  t.equal(exitCodeFor(new AgentError("ABORTED", "x")), 7);
  t.equal(exitCodeFor(new AgentError("INTERNAL", "x")), 1);
});

t.test("a daemon that does not answer has its own code, 8", async (t) => {
  const noDaemon = new AgentError("UNAVAILABLE", "x", { errno: "ENOENT", syscall: "connect" });
  t.equal(exitCodeFor(noDaemon), 8);
  // The daemon's own UNAVAILABLE (a busy device) stays 6.
  t.equal(exitCodeFor(new AgentError("UNAVAILABLE", "x", { errno: "EBUSY", syscall: "write" })), 6);
});

t.test("anything that is not an AgentError is a bug: 70", async (t) => {
  t.equal(exitCodeFor(new TypeError("oops")), EXIT_SOFTWARE);
  t.equal(exitCodeFor("a string"), 70);
});

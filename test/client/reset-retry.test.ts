/**
 * Issue #17: more than 1,000 cancellations on one connection make nghttp2
 * (node's HTTP/2) send GOAWAY with INTERNAL_ERROR (its rapid-reset guard),
 * and grpc-js then fails the calls still open on that connection with
 * INTERNAL. Those calls never got the daemon's answer: the client reports
 * UNAVAILABLE (exit 6), retries read-only calls on a new connection, and
 * never retries a mutating one.
 */
import t from "tap";
import { EXIT_UNAVAILABLE, exitCodeFor } from "../../src/cli/exit-codes.js";
import { isAgentError } from "../../src/common/index.js";
import { startHarness } from "../server/harness.js";

/** Comfortably past nghttp2's burst of 1,000 resets, even if its 33/s refill runs meanwhile. */
const CANCELLATIONS = 2_000;

t.test(
  "calls cut by the rapid-reset GOAWAY are UNAVAILABLE, and reads are retried (#17)",
  async (t) => {
    const h = await startHarness(t);
    await h.client.listDevices();
    // One read and one mutation in flight on the connection when it goes away.
    h.core.deferred.add("getHostReport");
    h.core.deferred.add("bindDevice");
    const read = h.client.getHostReport({ deadlineMs: 60_000 });
    const write = h.client
      .bindDevice(
        { selector: { pciAddress: "00:06.0" }, driver: "vfio-pci" },
        { deadlineMs: 60_000 },
      )
      .then(
        () => null,
        (err: unknown) => err,
      );
    const entered = () => h.core.calls("getHostReport").length + h.core.calls("bindDevice").length;
    for (let turn = 0; turn < 1_000 && entered() < 2; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    t.equal(entered(), 2, "both calls reached the core");

    const codes = new Map<string, number>();
    for (let sent = 0; sent < CANCELLATIONS; sent += 50) {
      await Promise.all(
        Array.from({ length: 50 }, () => {
          const cancel = new AbortController();
          const call = h.client.listDevices({ signal: cancel.signal }).then(
            () => "OK",
            (err: unknown) => (isAgentError(err) ? err.code : "not an AgentError"),
          );
          setImmediate(() => cancel.abort());
          return call.then((code) => codes.set(code, (codes.get(code) ?? 0) + 1));
        }),
      );
    }
    t.notOk(codes.has("INTERNAL"), `no call reported INTERNAL: ${JSON.stringify([...codes])}`);
    t.notOk(codes.has("not an AgentError"), "every failure is an AgentError");

    const mutation = await write;
    t.match(mutation, { code: "UNAVAILABLE", message: /without the daemon's answer/ });
    t.equal(exitCodeFor(mutation), EXIT_UNAVAILABLE, "the CLI exits 6, not 1 or 70");
    t.equal(h.core.calls("bindDevice").length, 1, "a mutation is never sent twice");

    h.core.deferred.clear();
    h.core.releaseDeferred();
    t.ok(await read, "the read succeeded");
    t.equal(h.core.calls("getHostReport").length, 2, "after being sent again once");
  },
);

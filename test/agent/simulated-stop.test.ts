/**
 * `serve --simulate` runs the fake IMDS and EC2 inside the daemon. A stop
 * drains the work under way (a termination plan, DeleteOnTermination at
 * bind), and that work talks to the fakes until it ends: they must stop
 * after the drain, not when the stop begins (else a plan stalls on a closed
 * port until the drain timeout and leaves its ENIs behind).
 */
import t from "tap";
import { simEniId } from "../../src/agent/simulated-host.js";
import { agentHarness, eventually } from "./harness.js";

t.test("a termination plan under way at stop still reaches the simulated EC2", async (t) => {
  const h = await agentHarness(t, {
    config: {
      termination: { dpdkGraceMs: 0 },
      transactions: { verifyTimeoutMs: 2_000, drainTimeoutMs: 20_000 },
    },
  });
  const { model, requests } = h.host.fakeEc2;
  h.host.fakeImds.announceSpot("terminate", 120_000);
  // The plan detaches an owned ENI, then waits for it to become available (the fake
  // takes 500 ms) before deleting it: stop while it waits.
  await eventually(() => requests.some((r) => r.action === "DetachNetworkInterface"));
  await h.agent.stop();
  t.notOk(
    h.logs.some((l) => l.msg === "transactions still running at the drain timeout"),
    "the drain ended with the plan",
  );
  t.equal(
    model.enis.get(simEniId(8)),
    undefined,
    "the detached ENI was deleted before the stop ended",
  );
  t.ok(
    requests.some((r) => r.action === "DeleteNetworkInterface"),
    "the fake EC2 answered during the drain",
  );
});

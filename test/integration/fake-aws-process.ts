/**
 * The project's fake IMDS, EC2 and Auto Scaling as a separate process, the
 * way an external emulator runs: an instance in an Auto Scaling group with
 * a terminate hook, two ENIs owned by the tag in argv[2]=argv[3], and the
 * group tag in instance metadata. Prints "READY <json>" with the endpoints,
 * the IMDS control token and the instance, then "REQ <service> <action>
 * <error code or ok>" for every EC2 and Auto Scaling request. Stops on
 * SIGTERM.
 */
import { FakeAutoScaling } from "../../src/sim/aws/fake-autoscaling.js";
import { FakeEc2 } from "../../src/sim/aws/fake-ec2.js";
import { FakeImds } from "../../src/sim/aws/fake-imds.js";
import type { FakeQueryEndpoint } from "../../src/sim/aws/fake-query-endpoint.js";
import { seedInstance } from "../../src/sim/aws/seed-instance.js";

const [ownerKey, ownerValue, hookName] = process.argv.slice(2);
if (!ownerKey || !ownerValue || !hookName) {
  throw new Error("usage: fake-aws-process <owner tag key> <owner tag value> <hook name>");
}
const GROUP = "external-workers";
const imds = new FakeImds();
const ec2 = new FakeEc2({}, { detachDelayMs: 200 });
const asg = new FakeAutoScaling();
const stop = new AbortController();
for (const fake of [imds, ec2, asg]) await fake.start(stop.signal);

const seeded = seedInstance(ec2.model, {
  ownerTag: { key: ownerKey, value: ownerValue },
  owned: 2,
  notOwned: 0,
});
imds.data.instanceId = seeded.instanceId;
imds.data.instanceTags = new Map([["aws:autoscaling:groupName", GROUP]]);
asg.model.createGroup(GROUP, [{ name: hookName, heartbeatTimeoutMs: 600_000 }]);
asg.model.addInstance(GROUP, seeded.instanceId);
imds.onAsgStateChange((state) => {
  if (state === "Terminated") asg.model.startTermination(seeded.instanceId);
});

const report = (service: string, fake: FakeQueryEndpoint): void => {
  const push = fake.requests.push.bind(fake.requests);
  fake.requests.push = (...requests) => {
    for (const r of requests) {
      process.stdout.write(`REQ ${service} ${r.action} ${r.errorCode ?? "ok"}\n`);
    }
    return push(...requests);
  };
};
report("ec2", ec2);
report("autoscaling", asg);

process.stdout.write(
  `READY ${JSON.stringify({
    imds: imds.url,
    ec2: ec2.url,
    autoScaling: asg.url,
    controlToken: imds.controlToken,
    instanceId: seeded.instanceId,
    owned: seeded.owned.map((e) => e.id),
  })}\n`,
);
process.once("SIGTERM", () => stop.abort());

import {
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  DeleteNetworkInterfaceCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  type DescribeNetworkInterfacesCommandInput,
  DetachNetworkInterfaceCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import t from "tap";
import { steppingClock } from "../../../src/common/index.js";
import { FakeEc2 } from "../../../src/sim/aws/fake-ec2.js";
import { FakeImds } from "../../../src/sim/aws/fake-imds.js";
import { ec2Host, SimEniWorld } from "../../../src/sim/index.js";

async function setup(
  t: { teardown: (fn: () => unknown) => void },
  ...fake: ConstructorParameters<typeof FakeEc2>
) {
  const ec2 = new FakeEc2(...fake);
  await ec2.start(AbortSignal.timeout(60_000));
  t.teardown(() => ec2.stop());
  const client = new EC2Client({
    region: "us-east-1",
    endpoint: ec2.url,
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
    maxAttempts: 1,
  });
  t.teardown(() => client.destroy());
  const describe = (input: DescribeNetworkInterfacesCommandInput) =>
    client.send(new DescribeNetworkInterfacesCommand(input));
  const failure = (input: DescribeNetworkInterfacesCommandInput) =>
    describe(input).then(
      () => "succeeded",
      (err: { name: string }) => err.name,
    );
  return { ec2, client, describe, failure };
}

t.test("filters: tags with wildcards, tag-key, status, attachment", async (t) => {
  const { ec2, describe } = await setup(t);
  const instance = ec2.model.createInstance();
  const a = ec2.model.createEni({ tags: { team: "dpdk-a" } });
  const b = ec2.model.createEni({ tags: { team: "dpdk-b", spare: "" } });
  ec2.model.createEni();
  ec2.model.attach(a.id, instance.id, 1);
  const ids = async (input: DescribeNetworkInterfacesCommandInput) =>
    ((await describe(input)).NetworkInterfaces ?? []).map((e) => e.NetworkInterfaceId).sort();
  t.same(await ids({ Filters: [{ Name: "tag:team", Values: ["dpdk-*"] }] }), [a.id, b.id].sort());
  t.same(await ids({ Filters: [{ Name: "tag-key", Values: ["spare"] }] }), [b.id]);
  t.same(
    await ids({
      Filters: [
        { Name: "tag:team", Values: ["dpdk-a", "dpdk-b"] },
        { Name: "status", Values: ["in-use"] },
      ],
    }),
    [a.id],
    "AND across filters, OR within values",
  );
  t.equal(
    (await ids({ Filters: [{ Name: "attachment.instance-id", Values: [instance.id] }] })).length,
    2,
  );
});

t.test("EC2's parameter rules are enforced", async (t) => {
  const { ec2, failure } = await setup(t);
  const eni = ec2.model.createEni();
  t.equal(
    await failure({ Filters: [{ Name: "colour", Values: ["red"] }] }),
    "InvalidParameterValue",
  );
  t.equal(
    await failure({ NetworkInterfaceIds: [eni.id], MaxResults: 5 }),
    "InvalidParameterCombination",
  );
  t.equal(await failure({ MaxResults: 4 }), "InvalidParameterValue");
  t.equal(
    await failure({ NetworkInterfaceIds: ["eni-0123456789abcdef0"] }),
    "InvalidNetworkInterfaceID.NotFound",
  );
});

t.test("pagination: pages cover everything once, tokens are bound to the query", async (t) => {
  const { ec2, describe, failure } = await setup(t);
  for (let i = 0; i < 11; i++) ec2.model.createEni({ tags: { k: "v" } });
  const filters = [{ Name: "tag:k", Values: ["v"] }];
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await describe({ Filters: filters, MaxResults: 5, NextToken: token });
    for (const eni of page.NetworkInterfaces ?? []) seen.push(eni.NetworkInterfaceId as string);
    token = page.NextToken;
    pages += 1;
  } while (token);
  t.equal(pages, 3);
  t.equal(new Set(seen).size, 11);
  const first = await describe({ Filters: filters, MaxResults: 5 });
  t.equal(
    await failure({
      Filters: [{ Name: "tag:k", Values: ["w"] }],
      MaxResults: 5,
      NextToken: first.NextToken,
    }),
    "InvalidParameterValue",
  );
});

t.test("unsigned requests get AuthFailure in EC2's error envelope", async (t) => {
  const { ec2 } = await setup(t);
  const res = await fetch(ec2.url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "Action=DescribeNetworkInterfaces&Version=2016-11-15",
  });
  t.equal(res.status, 401);
  const body = await res.text();
  t.match(body, /<Response><Errors><Error><Code>AuthFailure<\/Code>/);
  t.match(body, /<RequestID>[0-9a-f-]{36}<\/RequestID>/);
});

t.test("a throttle rate of 1 throttles everything", async (t) => {
  const { ec2, failure } = await setup(t);
  ec2.throttleRate = 1;
  t.equal(
    await failure({ Filters: [{ Name: "status", Values: ["available"] }] }),
    "RequestLimitExceeded",
  );
});

t.test("DescribeInstances shows the instance and its ENIs", async (t) => {
  const { ec2, client } = await setup(t);
  const instance = ec2.model.createInstance();
  const out = await client.send(new DescribeInstancesCommand({ InstanceIds: [instance.id] }));
  const described = out.Reservations?.[0]?.Instances?.[0];
  t.equal(described?.InstanceId, instance.id);
  t.equal(described?.State?.Name, "running");
  t.match(described?.NetworkInterfaces, [
    { Attachment: { DeviceIndex: 0, DeleteOnTermination: true } },
  ]);
});

t.test("the ENI error table answers as EC2 does (issue 12)", async (t) => {
  const clock = steppingClock(Date.parse("2026-01-07T01:00:00Z"));
  const { ec2, client } = await setup(
    t,
    { clock },
    { detachDelayMs: 2_000, inUseAfterDetachMs: 500 },
  );
  const answer = (sent: Promise<unknown>) =>
    sent.then(
      () => ({ code: "ok", message: "" }),
      (err: { name: string; message: string }) => ({ code: err.name, message: err.message }),
    );
  const deleteEni = (id: string) =>
    answer(client.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id })));
  const instance = ec2.model.createInstance();
  const eni = ec2.model.createEni();
  const attachment = ec2.model.attach(eni.id, instance.id, 1);
  const inUse = {
    code: "InvalidParameterValue",
    message: `Network interface '${eni.id}' is currently in use.`,
  };

  t.same(await deleteEni(eni.id), inUse, "attached: InvalidParameterValue, in use");
  t.same(
    await answer(
      client.send(new DetachNetworkInterfaceCommand({ AttachmentId: attachment.attachmentId })),
    ),
    { code: "ok", message: "" },
  );
  t.same(await deleteEni(eni.id), inUse, "detaching: the same answer");
  await clock.sleep(2_000);
  const described = await client.send(
    new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni.id] }),
  );
  t.equal(described.NetworkInterfaces?.[0]?.Status, "available", "describe says available");
  t.same(
    await deleteEni(eni.id),
    inUse,
    "while delete still sees the attachment (eventual consistency)",
  );
  await clock.sleep(500);
  t.same(await deleteEni(eni.id), { code: "ok", message: "" }, "then it is deleted");
  t.match(await deleteEni(eni.id), { code: "InvalidNetworkInterfaceID.NotFound" }, "unknown ENI");
  t.match(
    await answer(
      client.send(new DetachNetworkInterfaceCommand({ AttachmentId: attachment.attachmentId })),
    ),
    { code: "InvalidAttachmentID.NotFound" },
    "unknown attachment",
  );
  const primary = [...ec2.model.enis.values()].find((e) => e.attachment?.deviceIndex === 0);
  t.match(
    await answer(
      client.send(
        new DetachNetworkInterfaceCommand({ AttachmentId: primary!.attachment!.attachmentId }),
      ),
    ),
    { code: "OperationNotPermitted" },
    "the primary ENI",
  );
});

t.test("create, attach and detach over the wire move devices in a coupled kernel", async (t) => {
  const clock = steppingClock(0);
  const { ec2, client, describe } = await setup(t, { clock }, { detachDelayMs: 500 });
  const kernel = ec2Host();
  const instance = ec2.model.createInstance();
  const other = ec2.model.createInstance();
  const imds = new FakeImds();
  const world = new SimEniWorld({ model: ec2.model, kernel, imds, instanceId: instance.id });
  ec2.hotplug = world;
  const devicesBefore = kernel.devices().length;

  const create = new CreateNetworkInterfaceCommand({
    SubnetId: "subnet-1",
    Description: "demo",
    ClientToken: "token-1",
    TagSpecifications: [{ ResourceType: "network-interface", Tags: [{ Key: "k", Value: "v" }] }],
  });
  const created = (await client.send(create)).NetworkInterface;
  t.match(created, {
    SubnetId: "subnet-1",
    Status: "available",
    TagSet: [{ Key: "k", Value: "v" }],
  });
  const again = (await client.send(create)).NetworkInterface;
  t.equal(again?.NetworkInterfaceId, created?.NetworkInterfaceId, "a repeated ClientToken");
  await t.rejects(
    client.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: "subnet-1",
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "k", Value: "v" }] }],
      }),
    ),
    { name: "InvalidParameterValue" },
  );
  const eniId = created?.NetworkInterfaceId ?? "";
  const mac = created?.MacAddress ?? "";

  const attach = (InstanceId: string, DeviceIndex: number) =>
    client.send(
      new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eniId, InstanceId, DeviceIndex }),
    );
  await t.rejects(attach(instance.id, 0), { name: "InvalidParameterValue" }, "the primary's index");
  const { AttachmentId } = await attach(instance.id, 1);
  t.match(AttachmentId, /^eni-attach-/);
  const plugged = kernel.devices().find((d) => d.mac === mac);
  t.match(plugged, { address: "0000:00:09.0", driver: "ena" }, "hot-plugged, probed by ena");
  t.equal(imds.data.interfaces.get(mac)?.interfaceId, eniId, "and listed by IMDS");
  await t.rejects(attach(instance.id, 2), { name: "InvalidNetworkInterface.InUse" });

  await client.send(new DetachNetworkInterfaceCommand({ AttachmentId }));
  await client.send(new DetachNetworkInterfaceCommand({ AttachmentId }));
  await world.devicesLeft();
  t.equal(kernel.devices().length, devicesBefore, "unplugged at the detach");
  t.same(world.hazards, [], "it was on its kernel driver");
  t.match((await describe({ NetworkInterfaceIds: [eniId] })).NetworkInterfaces, [
    { Status: "detaching", Attachment: { Status: "detaching" } },
  ]);
  await clock.sleep(500);
  await client.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId }));

  // An attachment to another instance moves nothing here.
  const elsewhere = ec2.model.createEni();
  await client.send(
    new AttachNetworkInterfaceCommand({
      NetworkInterfaceId: elsewhere.id,
      InstanceId: other.id,
      DeviceIndex: 1,
    }),
  );
  t.equal(kernel.devices().length, devicesBefore);
});

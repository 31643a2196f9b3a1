/**
 * Integration against moto 5 (an independent EC2 implementation): proves the
 * agent's EC2 requests are well formed beyond our own fake. Skips when moto
 * is not installed. Moto gaps met here: no pagination, no "in use" answer to
 * deleting an attached ENI (moto deletes it), and Attachment.DeleteOnTermination
 * accepted but ignored by ModifyNetworkInterfaceAttribute (our verify step
 * notices).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import {
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteNetworkInterfaceCommand,
  DescribeImagesCommand,
  type EC2Client,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import t from "tap";
import { classifyEc2Error } from "../../src/aws/aws-errors.js";
import { Ec2Actions } from "../../src/aws/ec2-actions.js";
import { createEc2Client } from "../../src/aws/ec2-client.js";

const motoMissing = spawnSync("python3", ["-c", "import moto"], { stdio: "ignore" }).status !== 0;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function startMoto(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  const start = performance.now();
  for (;;) {
    const ready = await fetch(`${url}/moto-api/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, child };
    if (performance.now() - start > 20_000 || child.exitCode !== null) {
      child.kill();
      throw new Error("moto did not start");
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopMoto(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** A VPC, a subnet, an instance, three owned ENIs and one foreign, two of them attached. */
async function scenario(client: EC2Client, ownerKey: string) {
  const vpc = await client.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }));
  const subnet = await client.send(
    new CreateSubnetCommand({
      VpcId: vpc.Vpc?.VpcId,
      CidrBlock: "10.0.1.0/24",
      AvailabilityZone: "us-east-1a",
    }),
  );
  const subnetId = subnet.Subnet?.SubnetId;
  // One of moto's built-in images; asking for all of them is slow.
  const images = await client.send(new DescribeImagesCommand({ ImageIds: ["ami-12c6146b"] }));
  const run = await client.send(
    new RunInstancesCommand({
      ImageId: images.Images?.[0]?.ImageId,
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnetId,
      InstanceType: "c6in.large",
    }),
  );
  const instanceId = run.Instances?.[0]?.InstanceId as string;
  const create = async (owner: string): Promise<string> => {
    const eni = await client.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: subnetId,
        TagSpecifications: [
          { ResourceType: "network-interface", Tags: [{ Key: ownerKey, Value: owner }] },
        ],
      }),
    );
    return eni.NetworkInterface?.NetworkInterfaceId as string;
  };
  const owned = [await create(instanceId), await create(instanceId), await create(instanceId)];
  const foreign = await create("i-someoneelse0000");
  for (const [index, eniId] of [owned[0], foreign].entries()) {
    await client.send(
      new AttachNetworkInterfaceCommand({
        NetworkInterfaceId: eniId,
        InstanceId: instanceId,
        DeviceIndex: index + 1,
      }),
    );
  }
  return { instanceId, owned: owned as [string, string, string], foreign };
}

t.test("EC2 actions against moto", { skip: motoMissing && "moto is not installed" }, async (t) => {
  const { url, child } = await startMoto();
  t.teardown(() => stopMoto(child));
  const client = createEc2Client({
    region: "us-east-1",
    endpoint: url,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    maxAttempts: 1,
  });
  t.teardown(() => client.destroy());
  const ownerKey = "eni-agent.io/owner";
  const { instanceId, owned, foreign } = await scenario(client, ownerKey);
  const owner = { tagKey: ownerKey, tagValue: instanceId };
  const actions = new Ec2Actions({ client }, { owner, waitBaseDelayMs: 10, pageSize: 5 });
  const call = () => ({ deadlineMs: Date.now() + 10_000 });

  // Describe with each filter the layer sends.
  const ownedFound = await actions.describeOwnedEnis(call());
  t.same(ownedFound.map((e) => e.eniId).sort(), [...owned].sort());
  const onInstance = await actions.describeInstanceEnis(instanceId, call());
  t.equal(onInstance.length, 3, "primary + owned + foreign");
  const ownedOnInstance = await actions.describeOwnedEnis(call(), { instanceId });
  t.same(
    ownedOnInstance.map((e) => e.eniId),
    [owned[0]],
  );
  t.match(await actions.describeEni(owned[0], call()), {
    status: "in-use",
    attachment: { instanceId, deviceIndex: 1 },
    tags: { [ownerKey]: instanceId },
  });

  // Tag.
  t.equal(await actions.tagEnis([owned[1]], { team: "dpdk" }, call()), "tagged");
  t.match(await actions.describeEni(owned[1], call()), { tags: { team: "dpdk" } });

  // The foreign ENI is refused.
  await t.rejects(actions.detachEni(foreign, call()), {
    code: "FAILED_PRECONDITION",
    guard: "not-owned",
  });
  t.equal((await actions.describeEni(foreign, call()))?.status, "in-use");

  // Modify: moto accepts the request (well formed) but ignores the attribute,
  // which the verify step reports instead of claiming success.
  const dot = await actions.setDeleteOnTermination(owned[0], { deadlineMs: Date.now() + 800 }).then(
    (outcome) => ({ outcome }),
    (error: unknown) => ({ error }),
  );
  if ("outcome" in dot) t.equal(dot.outcome, "set");
  else
    t.match(dot.error, { code: "DEADLINE_EXCEEDED", message: /not showing DeleteOnTermination/ });

  // Dry run: EC2's DryRunOperation answer becomes an outcome.
  const dry = new Ec2Actions({ client }, { owner, dryRun: true });
  t.equal(await dry.deleteEni(owned[2], call()), "dry-run");
  t.equal(await dry.detachEni(owned[0], call()), "dry-run");
  t.ok(await actions.describeEni(owned[2], call()), "still there after the dry run");

  // Detach, wait, delete, and delete again (already gone).
  t.equal(await actions.detachEni(owned[0], call()), "detaching");
  t.match(await actions.waitForAvailable(owned[0], call()), { status: "available" });
  t.equal(await actions.deleteEni(owned[0], call()), "deleted");
  t.equal(await actions.deleteEni(owned[0], call()), "already-gone");
  // moto's error XML, parsed by the SDK, classified by the table.
  const gone = await client
    .send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: owned[0] }))
    .catch((err: unknown) => classifyEc2Error(err, "DeleteNetworkInterface"));
  t.match(gone, { code: "NOT_FOUND", awsCode: "InvalidNetworkInterfaceID.NotFound" });
  t.equal(await actions.detachAndDelete(owned[2], call()), "deleted", "an available ENI");
  t.same(
    (await actions.describeOwnedEnis(call())).map((e) => e.eniId),
    [owned[1]],
  );
  // EC2 refuses to delete an attached ENI (InvalidParameterValue "… is
  // currently in use."); moto 5.2 deletes it. Whichever moto answers, the
  // classifier must not call it a bug: either it worked, or it is transient.
  const attached = await client
    .send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: foreign }))
    .then(
      () => "deleted",
      (err: unknown) => classifyEc2Error(err, "DeleteNetworkInterface"),
    );
  if (attached === "deleted") t.comment("moto deleted an attached ENI (EC2 would refuse)");
  else t.match(attached, { code: "ABORTED", awsCode: "InvalidParameterValue" });
});

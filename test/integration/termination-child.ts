/**
 * A child process for the restart test: the agent's release plan on a file
 * journal in argv[3], against the fake EC2 at argv[2], for the notice in
 * argv[4] (JSON). Restores are appended to <stateDir>/restored.log. Prints
 * "ENI <id> <phase>" on every step change and "RESULT <json>" at the end.
 * Its waits run on a stepping clock started at the wall clock's reading.
 */
import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Ec2Actions } from "../../src/aws/ec2-actions.js";
import { createEc2Client } from "../../src/aws/ec2-client.js";
import {
  type BoundDevice,
  FileReleasePlanStore,
  ReleasePlan,
} from "../../src/aws/release-plan/index.js";
import type { TerminationNotice } from "../../src/aws/termination-notice.js";
import { steppingClock } from "../../src/common/index.js";

const [endpoint, stateDir, noticeJson, ownerKey, ownerValue, instanceId] = process.argv.slice(2);
if (!endpoint || !stateDir || !noticeJson || !ownerKey || !ownerValue || !instanceId) {
  throw new Error("usage: termination-child <ec2> <stateDir> <notice> <key> <value> <instance>");
}
const notice = JSON.parse(noticeJson) as TerminationNotice;
const bound = JSON.parse(await readFile(join(stateDir, "bound.json"), "utf8")) as BoundDevice[];
const clock = steppingClock(Date.now());
const client = createEc2Client({
  region: "us-east-1",
  endpoint,
  credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
});
const actions = new Ec2Actions(
  { client, clock },
  { owner: { tagKey: ownerKey, tagValue: ownerValue }, waitBaseDelayMs: 10, waitMaxDelayMs: 40 },
);
const plan = new ReleasePlan(
  {
    actions: () => actions,
    store: new FileReleasePlanStore({ stateDir }),
    instanceId: async () => instanceId,
    boundDevices: async () => bound,
    restore: (device) => appendFile(join(stateDir, "restored.log"), `${device}\n`),
    clock,
    emit: (event) => {
      if (event.type === "eni")
        process.stdout.write(`ENI ${event.step.eniId} ${event.step.phase}\n`);
    },
  },
  {
    dpdkGraceMs: 0,
    deadlineMarginMs: 500,
    workReserveMs: 0,
    concurrency: 2,
    secureFirstBelowMs: 0,
  },
);
const result = await plan.run(notice);
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
client.destroy();

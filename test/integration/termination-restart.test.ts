/**
 * The agent killed in the middle of a release plan (SIGKILL, a real child
 * process on a file journal) and started again: the new process resumes the
 * journaled plan for the same notice and finishes it. The kill lands right
 * after EC2 deleted an ENI and before the killed process could journal it,
 * so the resumed plan meets "already gone" answers, which are success.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import t from "tap";
import { FileReleasePlanStore, type ReleasePlanResult } from "../../src/aws/release-plan/index.js";
import { wallClock } from "../../src/common/index.js";
import { seedInstance } from "../../src/sim/aws/seed-instance.js";
import { OWNER, startEc2 } from "../aws/helpers.js";
import { OWNER_TAG, pciOf, spotNotice } from "../aws/release-fixture.js";

const CHILD = join(import.meta.dirname, "termination-child.ts");

interface ChildRun {
  child: ChildProcess;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startChild(args: string[]): ChildRun {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => lines.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.on("error", reject);
      child.on("exit", (code, signal) => resolve({ code, signal }));
    },
  );
  return { child, lines, exited };
}

t.test("SIGKILL mid-plan, restart: the plan resumes and finishes", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "termination-restart-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  // The fake runs on the wall clock (the children cannot share a virtual
  // one) with an instant detach; the children wait on virtual clocks of their own.
  const { ec2 } = await startEc2(t, { clock: wallClock, fake: { detachDelayMs: 0 } });
  const seeded = seedInstance(ec2.model, { ownerTag: OWNER_TAG, owned: 4, notOwned: 1 });
  const bound = [...seeded.owned, ...seeded.notOwned].map((eni, i) => ({
    device: pciOf(i + 1),
    eniId: eni.id,
  }));
  await writeFile(join(dir, "bound.json"), JSON.stringify(bound));
  const notice = spotNotice(30_000, "terminate", Date.now());
  const args = [
    ec2.url,
    dir,
    JSON.stringify(notice),
    OWNER.tagKey,
    OWNER.tagValue,
    seeded.instanceId,
  ];

  // Kill the first process the moment EC2 has deleted its first ENI.
  let first: ChildRun | undefined;
  let killedAfter: string | undefined;
  const deleteEni = ec2.model.deleteEni.bind(ec2.model);
  ec2.model.deleteEni = (id, dryRun) => {
    deleteEni(id, dryRun);
    if (killedAfter === undefined && first) {
      killedAfter = id;
      first.child.kill("SIGKILL");
    }
  };
  first = startChild(args);
  const ended = await first.exited;
  t.equal(ended.signal, "SIGKILL", "the first process was killed");
  t.ok(killedAfter, `killed right after EC2 deleted ${killedAfter}`);
  t.notOk(
    first.lines.some((l) => l.startsWith("RESULT")),
    "it never finished",
  );
  const journaled = await new FileReleasePlanStore({ stateDir: dir }).load(notice.key);
  t.equal(journaled?.status, "running", "the journal holds an unfinished plan");
  t.not(
    journaled?.enis.find((e) => e.eniId === killedAfter)?.phase,
    "done",
    "the delete it did was not journaled",
  );

  const second = startChild(args);
  const exit = await second.exited;
  t.equal(exit.code, 0);
  const line = second.lines.find((l) => l.startsWith("RESULT "));
  const result = JSON.parse(line!.slice("RESULT ".length)) as ReleasePlanResult;
  t.equal(result.run, "resumed");
  t.equal(result.plan.status, "succeeded", "no failure surfaced");
  t.equal(result.plan.resumes, 1);
  const step = result.plan.enis.find((e) => e.eniId === killedAfter);
  t.match(step, { phase: "done", outcome: "already-gone" });
  t.notOk(
    result.plan.enis.some((e) => e.error),
    "no step carries an error",
  );
  for (const eni of seeded.owned) t.notOk(ec2.model.enis.has(eni.id), `${eni.id} deleted`);
  t.ok(ec2.model.enis.get(seeded.notOwned[0]!.id)?.attachment, "the foreign ENI stays");
  const restored = (await readFile(join(dir, "restored.log"), "utf8")).trim().split("\n");
  t.same([...new Set(restored)].sort(), bound.map((b) => b.device).sort(), "every device restored");

  // A third start finds the plan finished and does nothing.
  const before = ec2.requests.length;
  const third = startChild(args);
  await third.exited;
  const done = JSON.parse(
    third.lines.find((l) => l.startsWith("RESULT "))!.slice(7),
  ) as ReleasePlanResult;
  t.equal(done.run, "already-finished");
  t.equal(ec2.requests.length, before, "no EC2 call");
});

import t from "tap";
import { TrackedWork } from "../../src/agent/tracked-work.js";

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

t.test("settled waits for tracked work, including work started while it waits", async (t) => {
  const work = new TrackedWork(() => t.fail("no failure expected"));
  const first = deferred();
  const second = deferred();
  work.track(first.promise);
  let done = false;
  const settled = work.settled().then(() => {
    done = true;
  });
  work.background(second.promise);
  first.resolve();
  await new Promise((r) => setImmediate(r));
  t.notOk(done, "the background work is still running");
  second.resolve();
  await settled;
  t.ok(done);
});

t.test("a background failure goes to onFailure; an awaited one to its caller", async (t) => {
  const failures: unknown[] = [];
  const work = new TrackedWork((e) => failures.push(e));
  work.background(Promise.reject(new Error("EIO")));
  await t.rejects(work.track(Promise.reject(new Error("EBUSY"))), /EBUSY/);
  await work.settled();
  t.match(failures, [/EIO/]);
});

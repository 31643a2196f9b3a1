import t from "tap";
import { Semaphore } from "../../src/common/index.js";

/** Resolves after the microtasks and immediates queued so far have run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

t.test("never more than the limit at once, in FIFO order; a failure frees its slot", async (t) => {
  const slots = new Semaphore(3);
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const gates: (() => void)[] = [];
  const runs = Array.from({ length: 10 }, (_, i) =>
    slots
      .run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        started.push(i);
        await new Promise<void>((resolve) => gates.push(resolve));
        running -= 1;
        if (i === 4) throw new Error("a failing call frees its slot");
      })
      .catch(() => {}),
  );
  while (started.length < 10) {
    await settle();
    t.ok(slots.active <= 3, `active ${slots.active}`);
    gates.shift()?.();
  }
  for (const open of gates) open();
  await Promise.all(runs);
  t.equal(peak, 3);
  t.same(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  t.equal(slots.active, 0);
});

t.test("an aborted waiter leaves the queue; the slot goes to the next", async (t) => {
  const slots = new Semaphore(1);
  const first = await slots.acquire();
  const abort = new AbortController();
  const gaveUp = slots.acquire(abort.signal);
  const next = slots.acquire();
  abort.abort(new Error("deadline"));
  await t.rejects(gaveUp, { message: "deadline" });
  first();
  first(); // a second call frees nothing more
  const release = await next;
  t.equal(slots.active, 1);
  release();
  t.equal(slots.active, 0);
  await t.rejects(slots.acquire(abort.signal), { message: "deadline" }, "aborted before: no slot");
  t.equal(slots.active, 0);
});

t.test(
  "tryAcquire takes a free slot or none; a queue place left after its grant frees the slot",
  async (t) => {
    const slots = new Semaphore(1);
    const first = slots.tryAcquire();
    t.ok(first, "a free slot");
    t.equal(slots.tryAcquire(), null, "none left");
    const waiting = slots.queue();
    const behind = slots.queue();
    first?.();
    const release = await waiting.granted;
    t.equal(slots.active, 1, "handed over, not freed");
    waiting.leave(); // the caller gave up after all: the slot goes on to the next
    release(); // and freeing it again does nothing
    const next = await behind.granted;
    t.equal(slots.active, 1);
    next();
    t.equal(slots.active, 0);
    const gone = slots.queue();
    gone.leave(); // left before any grant: nothing to free
    t.equal(slots.active, 0);
    t.ok(slots.tryAcquire(), "the queue is empty again");
  },
);

t.test("a limit that is not a positive integer is refused", async (t) => {
  for (const limit of [0, -1, 1.5, Number.NaN]) t.throws(() => new Semaphore(limit), RangeError);
});

import fc from "fast-check";
import t from "tap";
import { type NumaCandidate, preferredAllocation } from "../../src/kubelet/preferred-allocation.js";

const devices = (spec: Record<string, number | null>): NumaCandidate[] =>
  Object.entries(spec).map(([id, numaNode]) => ({ id, numaNode }));

t.test("a request one node can hold comes from one node, the smallest that fits", async (t) => {
  const available = devices({ a: 0, b: 1, c: 1, d: 0, e: 0 });
  t.same(preferredAllocation(available, [], 2), ["b", "c"], "node 1 has 2, node 0 has 3");
  t.same(preferredAllocation(available, [], 3), ["a", "d", "e"]);
  t.same(preferredAllocation(available, [], 1), ["b"], "ties in fit go to the smaller node");
});

t.test("must-include devices are kept, and pull the rest to their node", async (t) => {
  const available = devices({ a: 0, b: 1, c: 1, d: 0, e: 0 });
  t.same(preferredAllocation(available, ["d"], 2), ["d", "a"]);
  t.same(preferredAllocation(available, ["b"], 2), ["b", "c"]);
  t.same(preferredAllocation(available, ["a", "b"], 2), ["a", "b"], "already the size");
});

t.test("when no node can hold it, the largest nodes are used first", async (t) => {
  const available = devices({ a: 0, b: 1, c: 1, d: null });
  t.same(preferredAllocation(available, [], 4), ["b", "c", "a", "d"]);
  t.same(preferredAllocation(available, ["a"], 3), ["a", "b", "c"]);
});

t.test("the answer has the size asked, from the available and must-include ids only", async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            id: fc.stringMatching(/^[0-9a-f]{1,4}$/),
            numaNode: fc.option(fc.integer({ min: 0, max: 3 })),
          }),
          { selector: (d) => d.id, maxLength: 12 },
        ),
        fc.nat(),
        fc.nat(),
        (available, mustCount, sizeSeed) => {
          const must = available
            .slice(0, Math.min(mustCount, available.length, 3))
            .map((d) => d.id);
          const size = must.length + (sizeSeed % (available.length - must.length + 1));
          const answer = preferredAllocation(available, must, size);
          const ids = new Set(available.map((d) => d.id));
          return (
            answer.length === size &&
            new Set(answer).size === answer.length &&
            must.every((m) => answer.includes(m)) &&
            answer.every((a) => ids.has(a))
          );
        },
      ),
    ),
  );
});

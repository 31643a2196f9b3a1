import t from "tap";
import { reuseLast } from "../../src/server/reuse-last.js";

t.test("the same input object reuses the last output; another computes again", (t) => {
  let computed = 0;
  const encode = reuseLast((input: { n: number }) => {
    computed++;
    return Buffer.from(String(input.n));
  });
  const a = { n: 1 };
  const first = encode(a);
  t.equal(encode(a), first, "same object: same output, not recomputed");
  t.equal(computed, 1);
  t.same(encode({ n: 1 }), first, "an equal but different object is computed again");
  t.equal(computed, 2);
  t.not(encode(a), first, "only the last input is remembered");
  t.equal(computed, 3);
  t.end();
});

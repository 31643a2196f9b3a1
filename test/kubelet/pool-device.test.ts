import t from "tap";
import type { PciAddress } from "../../src/common/index.js";
import { listsToSend, type PoolDevice } from "../../src/kubelet/index.js";

const dev = (id: string, health: PoolDevice["health"] = "Healthy"): PoolDevice => ({
  id: id as PciAddress,
  health,
  numaNode: 0,
  driver: "vfio-pci",
  devNode: "/dev/vfio/noiommu-0",
});
const show = (lists: readonly (readonly PoolDevice[])[]) =>
  lists.map((l) => l.map((d) => `${d.id}:${d.health}`));

t.test("a new stream gets the whole list, even an empty one", async (t) => {
  t.same(show(listsToSend(null, [])), [[]]);
  t.same(show(listsToSend(null, [dev("a")])), [["a:Healthy"]]);
});

t.test("nothing is sent when kubelet would see no change", async (t) => {
  t.same(listsToSend([dev("a")], [dev("a")]), []);
});

t.test("a healthy device that leaves is sent Unhealthy first", async (t) => {
  t.same(show(listsToSend([dev("a"), dev("b")], [dev("b")])), [
    ["a:Unhealthy", "b:Healthy"],
    ["b:Healthy"],
  ]);
  // Added devices go out in the first list already; order stays by address.
  t.same(show(listsToSend([dev("b")], [dev("a"), dev("c")])), [
    ["a:Healthy", "b:Unhealthy", "c:Healthy"],
    ["a:Healthy", "c:Healthy"],
  ]);
});

t.test("an Unhealthy device leaves at once", async (t) => {
  t.same(show(listsToSend([dev("a", "Unhealthy"), dev("b")], [dev("b")])), [["b:Healthy"]]);
});

t.test("health changes and NUMA changes are sent", async (t) => {
  t.same(show(listsToSend([dev("a")], [dev("a", "Unhealthy")])), [["a:Unhealthy"]]);
  t.equal(listsToSend([dev("a")], [{ ...dev("a"), numaNode: 1 }]).length, 1);
});

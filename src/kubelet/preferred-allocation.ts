/**
 * GetPreferredAllocation's answer: devices from one NUMA node when one node
 * can hold the whole request, so that a DPDK application's memory, cores and
 * NICs can share a node (kubelet's topology manager then has a single-node
 * choice to admit).
 *
 * - The devices that must be included are always in the answer.
 * - A node that can hold the request (its must-include devices plus enough
 *   available ones) is chosen; among several, the one with the fewest
 *   available devices that still suffices, which keeps larger nodes free for
 *   larger requests; ties go to the lower node number.
 * - When no single node can, the nodes with the most devices are used first.
 * - Within a node, devices go in PCI address order; devices without a NUMA
 *   node come last. The answer is advice: kubelet may choose otherwise.
 */
export interface NumaCandidate {
  id: string;
  numaNode: number | null;
}

export function preferredAllocation(
  available: readonly NumaCandidate[],
  mustInclude: readonly string[],
  size: number,
): string[] {
  const chosen = new Set(mustInclude);
  const free = available.filter((d) => !chosen.has(d.id)).sort(byAddress);
  const needed = size - chosen.size;
  if (needed <= 0) return [...chosen];
  const nodeOf = new Map(available.map((d) => [d.id, d.numaNode]));
  const mustNodes = new Set([...chosen].map((id) => nodeOf.get(id) ?? null));
  const byNode = new Map<number | null, NumaCandidate[]>();
  for (const d of free) byNode.set(d.numaNode, [...(byNode.get(d.numaNode) ?? []), d]);

  const fitting = [...byNode.entries()]
    .filter(([node, devices]) => node !== null && devices.length >= needed)
    .filter(([node]) => mustNodes.size === 0 || (mustNodes.size === 1 && mustNodes.has(node)))
    .sort(([a, x], [b, y]) => x.length - y.length || (a ?? 0) - (b ?? 0));
  const best = fitting[0];
  if (best !== undefined) return [...chosen, ...best[1].slice(0, needed).map((d) => d.id)];

  // No single node: the must-include devices' nodes first, then the largest.
  const order = [...byNode.entries()].sort(([a, x], [b, y]) => {
    if (a === null || b === null) return a === null ? 1 : -1;
    const must = Number(mustNodes.has(b)) - Number(mustNodes.has(a));
    return must || y.length - x.length || a - b;
  });
  const out = [...chosen];
  for (const [, devices] of order) {
    for (const d of devices) {
      if (out.length >= size) return out;
      out.push(d.id);
    }
  }
  return out;
}

function byAddress(a: NumaCandidate, b: NumaCandidate): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

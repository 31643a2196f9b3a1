/**
 * Seeds the fake EC2 with an instance as the release plan meets it: a
 * primary ENI, ENIs the agent owns (tagged) and ENIs it does not, attached in
 * device order. Shared by the termination tests, the release benchmark and
 * the fleet simulation.
 */
import type { FakeEc2Model, FakeEni } from "./fake-ec2-model.js";

interface SeedInstanceOptions {
  /** The tag that marks owned ENIs. */
  readonly ownerTag: { readonly key: string; readonly value: string };
  /** Owned ENIs attached at device numbers 1..owned. */
  readonly owned: number;
  /** ENIs without the owner tag, attached after the owned ones. Default 0. */
  readonly notOwned?: number;
  /** Mark the owned ENIs' attachments DeleteOnTermination (as the bind path does). Default false. */
  readonly deleteOnTermination?: boolean;
  /** Extra tags on the owned ENIs (e.g. a creation time). */
  readonly tags?: Record<string, string>;
}

export interface SeededInstance {
  readonly instanceId: string;
  readonly owned: readonly FakeEni[];
  readonly notOwned: readonly FakeEni[];
}

export function seedInstance(model: FakeEc2Model, options: SeedInstanceOptions): SeededInstance {
  const instanceId = model.createInstance().id;
  const ownedTags = { ...options.tags, [options.ownerTag.key]: options.ownerTag.value };
  const owned: FakeEni[] = [];
  const notOwned: FakeEni[] = [];
  let device = 1;
  for (let i = 0; i < options.owned; i++) {
    const eni = model.createEni({ tags: ownedTags, description: "owned by eni-agent" });
    model.attach(eni.id, instanceId, device++, 0, options.deleteOnTermination ?? false);
    owned.push(eni);
  }
  for (let i = 0; i < (options.notOwned ?? 0); i++) {
    const eni = model.createEni({ description: "someone else's" });
    model.attach(eni.id, instanceId, device++);
    notOwned.push(eni);
  }
  return { instanceId, owned, notOwned };
}

/** ENIs left `available` and not deleted: what a terminated instance leaked. */
export function leakedEnis(model: FakeEc2Model, ids: readonly string[]): FakeEni[] {
  model.settle();
  return ids.flatMap((id) => {
    const eni = model.enis.get(id);
    return eni && !eni.attachment ? [eni] : [];
  });
}

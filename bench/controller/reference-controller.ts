/**
 * A reference controller for the ENI contract (docs/controllers.md): what a
 * NodeENI-like controller should do, reduced to its decisions. Each object
 * wants one ENI on one host with one driver; the controller keeps nothing
 * in memory that it cannot rebuild from the objects and EC2 (it may be
 * killed at any step), and every call it makes is safe to repeat.
 *
 *   create: find-or-create the ENI (tagged with the object's uid) → record
 *           it → PutEniIntent → attach → wait BOUND
 *   delete: ReleaseEni until SAFE_TO_DETACH / NOT_PRESENT → detach without
 *           Force → wait RELEASED → delete the ENI → remove the finalizer
 *
 * The agent and EC2 are ports, so the chaos test drives it in-process and a
 * real deployment would back them with AgentClient and the EC2 SDK.
 */

/** The Kubernetes-like object: durable, survives a controller crash. */
export interface NodeEniObject {
  uid: string;
  generation: number;
  driver: string;
  /** Set when the object is being deleted; the finalizer holds it until cleanup ends. */
  deleting: boolean;
  finalizer: boolean;
  /** The ENI created for it, once recorded. */
  eniId: string | null;
  /** Last phase the controller saw (its status subresource). */
  phase: string;
}

export interface ContractPort {
  put(wish: {
    eniId: string;
    mac: string;
    driver: string;
    generation: number;
    owner: string;
    requestId: string;
  }): Promise<{ phase: string }>;
  release(request: { eniId: string; owner: string; requestId: string }): Promise<{
    outcome: "SAFE_TO_DETACH" | "NOT_PRESENT" | "DELETED";
  }>;
  /** null: no intent ever named it (NOT_FOUND). */
  get(eniId: string): Promise<{ phase: string; observedGeneration: number } | null>;
}

export interface CloudPort {
  /** The ENI tagged with this object's uid, if one exists. */
  findByOwner(uid: string): Promise<{ eniId: string; mac: string; attached: boolean } | null>;
  create(uid: string): Promise<{ eniId: string; mac: string }>;
  attach(eniId: string): Promise<void>;
  /** Never with Force: the handshake makes a normal detach safe. */
  detach(eniId: string): Promise<void>;
  delete(eniId: string): Promise<void>;
}

export interface ControllerDeps {
  contract: ContractPort;
  cloud: CloudPort;
  /** Called before every step; a test throws from it to kill the controller there. */
  step: (name: string) => void;
  /** Called when a finalizer is removed, with the ENI's phase at that moment. */
  finalized: (object: NodeEniObject, phase: string) => void;
}

export const OWNER_PREFIX = "nodeeni/";

export class ReferenceController {
  readonly #deps: ControllerDeps;

  constructor(deps: ControllerDeps) {
    this.#deps = deps;
  }

  /** One level-triggered pass over an object; throws when a step fails (retry next pass). */
  async reconcile(object: NodeEniObject): Promise<void> {
    if (object.deleting) await this.#delete(object);
    else await this.#create(object);
  }

  async #create(object: NodeEniObject): Promise<void> {
    const { contract, cloud, step } = this.#deps;
    const owner = OWNER_PREFIX + object.uid;
    step("find-or-create");
    let eni = await cloud.findByOwner(object.uid);
    if (eni === null) {
      step("create");
      const made = await cloud.create(object.uid);
      eni = { ...made, attached: false };
    }
    step("record");
    object.eniId = eni.eniId;
    step("put");
    await contract.put({
      eniId: eni.eniId,
      mac: eni.mac,
      driver: object.driver,
      generation: object.generation,
      owner,
      requestId: `${object.uid}.put.${object.generation}`,
    });
    if (!eni.attached) {
      step("attach");
      await cloud.attach(eni.eniId);
    }
    step("status");
    const status = await contract.get(eni.eniId);
    object.phase = status?.phase ?? "UNKNOWN";
  }

  async #delete(object: NodeEniObject): Promise<void> {
    const { contract, cloud, step } = this.#deps;
    if (!object.finalizer) return;
    const owner = OWNER_PREFIX + object.uid;
    step("find");
    const eni = await cloud.findByOwner(object.uid);
    if (eni === null) {
      // Never created, or deleted by an earlier pass that died before the finalizer.
      const phase =
        object.eniId === null ? "NONE" : ((await contract.get(object.eniId))?.phase ?? "NONE");
      step("finalize");
      this.#deps.finalized(object, phase);
      object.finalizer = false;
      return;
    }
    object.eniId = eni.eniId;
    step("release");
    await contract.release({ eniId: eni.eniId, owner, requestId: `${object.uid}.release` });
    if (eni.attached) {
      step("detach");
      await cloud.detach(eni.eniId);
    }
    step("wait-released");
    const status = await contract.get(eni.eniId);
    const phase = status?.phase ?? "NONE";
    object.phase = phase;
    if (phase !== "RELEASED" && phase !== "NONE") return;
    step("delete");
    await cloud.delete(eni.eniId);
    step("finalize");
    this.#deps.finalized(object, phase);
    object.finalizer = false;
  }
}

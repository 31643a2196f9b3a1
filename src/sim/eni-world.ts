/**
 * The outside world of one simulated instance, for controller tests: the
 * fake EC2's ENIs and the simulated kernel kept in step. An attach makes an
 * ENA device with the ENI's MAC appear at the next free PCI slot (and IMDS
 * list it); a detach makes it disappear. A detach while the device is not
 * on the kernel driver is recorded as a hazard: on a real host it pulls the
 * device from under whatever user-space driver holds it (the failure the
 * contract's release handshake exists to prevent).
 *
 * It is also the fake EC2 endpoint's hot-plug port (`FakeEc2.hotplug`), so
 * an out-of-process controller's Attach/DetachNetworkInterface calls move
 * devices in the same simulated kernel as the in-process calls here.
 */
import { AgentError } from "../common/index.js";
import type { InstanceHotplug } from "./aws/fake-ec2.js";
import type { FakeEc2Model, FakeEni } from "./aws/fake-ec2-model.js";
import type { FakeImds } from "./aws/fake-imds.js";
import type { SimKernel } from "./sim-kernel.js";

export interface EniHazard {
  eniId: string;
  /** The driver the device had when it was detached. */
  driver: string | null;
}

/** PCI slots an attach may use: 00:09.0 to 00:1f.0 (the seeded host uses 05–08). */
const FIRST_SLOT = 0x09;
const LAST_SLOT = 0x1f;

/** The PCI identity of an ENA function as EC2 presents it (1d0f:ec20, class 0200). */
export const ENA_HARDWARE = {
  vendor: 0x1d0f,
  device: 0xec20,
  subsystemVendor: 0x1d0f,
  subsystemDevice: 0xec20,
  class: 0x020000,
  numaNode: 0,
};

export class SimEniWorld implements InstanceHotplug {
  readonly hazards: EniHazard[] = [];
  /** Unplugs that failed after the detach was answered (none expected: kept, never dropped). */
  readonly unplugFailures: unknown[] = [];
  readonly instanceId: string;
  readonly #model: FakeEc2Model;
  readonly #kernel: SimKernel;
  readonly #imds: FakeImds | null;
  #leaving: Promise<void> = Promise.resolve();

  constructor(deps: {
    model: FakeEc2Model;
    kernel: SimKernel;
    instanceId: string;
    imds?: FakeImds;
  }) {
    this.#model = deps.model;
    this.#kernel = deps.kernel;
    this.#imds = deps.imds ?? null;
    this.instanceId = deps.instanceId;
  }

  /** AttachNetworkInterface at the next free device index, and the hot-plug it causes. */
  attach(eniId: string): void {
    const eni = this.#model.requireEni(eniId);
    const used = new Set(
      [...this.#model.enis.values()]
        .filter((e) => e.attachment?.instanceId === this.instanceId)
        .map((e) => e.attachment!.deviceIndex),
    );
    let index = 1;
    while (used.has(index)) index++;
    this.#model.attach(eniId, this.instanceId, index);
    this.plugged(eni);
  }

  /** The hot-plug an attach to this instance causes. */
  plugged(eni: FakeEni): void {
    const attachment = eni.attachment;
    if (attachment === undefined) return;
    const address = this.#freeSlot();
    this.#kernel.addDevice({ ...ENA_HARDWARE, address, mac: eni.mac });
    this.#imds?.addInterface({
      mac: eni.mac,
      interfaceId: eni.id,
      deviceNumber: attachment.deviceIndex,
      subnetId: eni.subnetId,
      vpcId: eni.vpcId,
      ownerId: eni.ownerId,
      localIpv4s: [eni.privateIpAddress],
    });
  }

  /**
   * DetachNetworkInterface, and the device leaving the host. Records a
   * hazard when the device was not on its kernel driver (ena).
   */
  async detach(eniId: string, options: { force?: boolean } = {}): Promise<void> {
    const eni = this.#model.requireEni(eniId);
    const attachment = eni.attachment;
    if (attachment === undefined) {
      throw new AgentError("FAILED_PRECONDITION", `${eniId} is not attached`);
    }
    this.#model.detach(attachment.attachmentId, options.force ?? false, false);
    this.unplugged(eni);
    await this.devicesLeft();
  }

  /**
   * The device leaving after an accepted detach. The hazard is recorded at
   * once; the unplug itself may wait (a vfio device waits for its holder to
   * close it, as the kernel does), and EC2 answers the detach before that.
   */
  unplugged(eni: FakeEni): void {
    const device = this.deviceOf(eni);
    this.#imds?.removeInterface(eni.mac);
    if (device === undefined) return;
    if (device.driver !== "ena") this.hazards.push({ eniId: eni.id, driver: device.driver });
    const leaving = this.#kernel
      .unplugDevice(device.address)
      .catch((err: unknown) => void this.unplugFailures.push(err));
    this.#leaving = Promise.all([this.#leaving, leaving]).then(() => undefined);
  }

  /** Resolves once the device of every detach accepted so far has left the kernel. */
  devicesLeft(): Promise<void> {
    return this.#leaving;
  }

  /** The ENI's device on this host, if it is attached here. */
  deviceOf(eni: FakeEni): { address: string; driver: string | null } | undefined {
    const found = this.#kernel.devices().find((d) => d.mac === eni.mac);
    return found === undefined ? undefined : { address: found.address, driver: found.driver };
  }

  #freeSlot(): string {
    const taken = new Set(this.#kernel.devices().map((d) => d.address));
    for (let slot = FIRST_SLOT; slot <= LAST_SLOT; slot++) {
      const address = `0000:00:${slot.toString(16).padStart(2, "0")}.0`;
      if (!taken.has(address)) return address;
    }
    throw new AgentError("FAILED_PRECONDITION", "no free PCI slot on the simulated instance");
  }
}

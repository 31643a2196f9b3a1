/**
 * `serve --simulate`: the whole daemon on the kernel simulator, as an EC2
 * instance with four ENA devices (0000:00:05.0 is the primary), a fake IMDS
 * that knows those ENIs by their MACs, a fake EC2 holding the same ENIs
 * (the secondary ones tagged as owned by this agent) and a fake Auto
 * Scaling with the instance in a group (with the configured lifecycle hook,
 * if any), all on 127.0.0.1 ephemeral ports. The simulated kernel is saved
 * in the state directory after every change, next to the journal, so a
 * restarted daemon finds the host as the last one left it (and a killed one
 * leaves a journal to recover).
 *
 * The fake EC2 is coupled to the simulated kernel (SimEniWorld): an
 * AttachNetworkInterface to the simulated instance hot-plugs an ENA with the
 * ENI's MAC (and IMDS lists it), a detach unplugs it. So a controller in
 * another process can create, attach, detach and delete ENIs against it.
 * ENIs a controller created live in memory only: a restarted daemon's fake
 * EC2 knows the seeded ENIs again, not those.
 *
 * An endpoint set in the configuration replaces its fake (imds.endpoint
 * other than the instance's own, ec2.endpoint, autoScaling.endpoint): the
 * simulated kernel then meets external emulators (amazon-ec2-metadata-mock,
 * LocalStack, moto). The clients always use simulated credentials: a
 * simulated daemon must never act with a real host's instance role.
 */
import { join } from "node:path";
import { IMDS_IPV4_ENDPOINT, IMDS_IPV6_ENDPOINT } from "../aws/index.js";
import { isAgentError, type Service } from "../common/index.js";
import { FileDesiredStore, FileJournal } from "../driver/index.js";
import { FakeAutoScaling, FakeEc2, FakeImds, type FakeInterface } from "../sim/aws/index.js";
import {
  ec2Host,
  loadKernelState,
  persistKernel,
  SimEniWorld,
  type SimKernel,
} from "../sim/index.js";
import { isEna } from "../sysfs/index.js";
import type { AgentConfig } from "./config-schema.js";
import { type HostAdapters, imdsClientFor, imdsConnections, lazyImds } from "./host-adapters.js";

export const SIM_KERNEL_FILE = "sim-kernel.json";

export interface SimulatedHost extends HostAdapters {
  readonly kernel: SimKernel;
  /** The built-in fakes; one whose endpoint is configured (`external`) is never started. */
  readonly fakeImds: FakeImds;
  readonly fakeEc2: FakeEc2;
  readonly fakeAutoScaling: FakeAutoScaling;
  /** The simulated instance's id, as IMDS and the fake EC2 know it. */
  readonly instanceId: string;
  /** The fake EC2's attachments and the simulated kernel kept in step (its hazards). */
  readonly eniWorld: SimEniWorld;
  /** The endpoints the configuration names instead of the built-in fakes. */
  readonly external: {
    readonly imds: boolean;
    readonly ec2: boolean;
    readonly autoScaling: boolean;
  };
}

/** The Auto Scaling group the simulated instance is in. */
export const SIM_ASG_GROUP = "eni-agent-simulated";

export interface SimulatedHostOptions {
  /** A kernel to run on (tests); default: the one saved in the state dir, else ec2Host(). */
  kernel?: SimKernel;
  /** Save the kernel in the state directory after every change. Default true. */
  persist?: boolean;
}

/** The ENI id of the ENA at PCI slot `slot` (stable across restarts). */
export function simEniId(slot: number): string {
  return `eni-${slot.toString(16).padStart(17, "0")}`;
}

export function simulatedHost(
  config: AgentConfig,
  options: SimulatedHostOptions = {},
): SimulatedHost {
  const file = join(config.stateDir, SIM_KERNEL_FILE);
  const kernel = options.kernel ?? loadOrCreate(file);
  const fakeImds = new FakeImds();
  const fakeEc2 = new FakeEc2({}, { detachDelayMs: 500 });
  const fakeAutoScaling = new FakeAutoScaling();
  const instanceId = seedEndpoints(kernel, fakeImds, fakeEc2, config);
  seedAutoScaling(fakeImds, fakeAutoScaling, instanceId, config);
  const eniWorld = new SimEniWorld({ model: fakeEc2.model, kernel, imds: fakeImds, instanceId });
  fakeEc2.hotplug = eniWorld;
  const external = {
    imds:
      config.imds.endpoint !== IMDS_IPV4_ENDPOINT && config.imds.endpoint !== IMDS_IPV6_ENDPOINT,
    ec2: config.ec2.endpoint !== null,
    autoScaling: config.autoScaling.endpoint !== null,
  };
  const imdsUrl = () => (external.imds ? config.imds.endpoint : fakeImds.url);
  const imds = config.imds.enabled ? lazyImds(() => imdsClientFor(config, imdsUrl())) : null;
  // The client's connections close before the fake IMDS stops.
  const services: Service[] = [
    ...(external.imds ? [] : [fakeImds]),
    ...(external.ec2 ? [] : [fakeEc2]),
    ...(external.autoScaling ? [] : [fakeAutoScaling]),
    ...imdsConnections(imds),
  ];
  if (options.persist ?? true) services.unshift(persistence(kernel, file));
  return {
    mode: "simulated",
    kernel,
    fakeImds,
    fakeEc2,
    sysfs: kernel.sysfs,
    holders: kernel.holders,
    routes: { defaultRoutes: async () => kernel.defaultRoutes() },
    // The simulator has no addresses; the default route marks the primary.
    addresses: { addresses: async () => [] },
    kernelRelease: kernel.config.release,
    journal: new FileJournal({ stateDir: config.stateDir }),
    desired: new FileDesiredStore({ stateDir: config.stateDir }),
    imds,
    imdsEndpoint: imdsUrl,
    ec2Endpoint: () => config.ec2.endpoint ?? fakeEc2.url,
    autoScalingEndpoint: () => config.autoScaling.endpoint ?? fakeAutoScaling.url,
    // The fakes check that requests are signed, not by whom; emulators take any key.
    ec2Credentials: { accessKeyId: "SIMULATED", secretAccessKey: "simulated" },
    services,
    fakeAutoScaling,
    instanceId,
    eniWorld,
    external,
  };
}

/**
 * The instance in an Auto Scaling group, as IMDS and Auto Scaling both say:
 * the group tag in instance metadata, and the configured terminate hook (a
 * timeout of termination.asgLifecycleHookTimeoutMs). When the fake IMDS's
 * target state becomes Terminated (`eni-agent sim notice asg`), the
 * instance enters Terminating:Wait.
 */
function seedAutoScaling(
  imds: FakeImds,
  asg: FakeAutoScaling,
  instanceId: string,
  config: AgentConfig,
): void {
  const hook = config.autoScaling.lifecycleHook;
  const group = hook?.groupName ?? SIM_ASG_GROUP;
  asg.model.createGroup(
    group,
    hook === null
      ? []
      : [{ name: hook.name, heartbeatTimeoutMs: config.termination.asgLifecycleHookTimeoutMs }],
  );
  asg.model.addInstance(group, instanceId);
  imds.data.instanceTags = new Map([["aws:autoscaling:groupName", group]]);
  imds.onAsgStateChange((state) => {
    if (state === "Terminated") asg.model.startTermination(instanceId);
  });
}

/** The kept host, or a new one when there is none; a kept host that cannot be read is an error, never replaced. */
function loadOrCreate(file: string): SimKernel {
  try {
    return loadKernelState(file);
  } catch (err) {
    if (isAgentError(err) && err.code === "NOT_FOUND") return ec2Host();
    throw err;
  }
}

/** Saves the kernel from start on; the state directory exists by then (the journal made it). */
function persistence(kernel: SimKernel, file: string): Service {
  let stopSaving: (() => void) | null = null;
  return {
    name: "sim-kernel-file",
    async start() {
      stopSaving ??= persistKernel(kernel, file);
    },
    async stop() {
      stopSaving?.();
      stopSaving = null;
    },
  };
}

/**
 * The same ENIs in the fake IMDS (by MAC, device numbers in slot order) and
 * in the fake EC2 (attached to the instance IMDS names, DeleteOnTermination
 * only on the primary, the others tagged with the configured owner tag).
 * Returns the instance id.
 */
function seedEndpoints(
  kernel: SimKernel,
  imds: FakeImds,
  ec2: FakeEc2,
  config: AgentConfig,
): string {
  const enas = kernel
    .devices()
    .filter((d) => isEna(hex4(d.vendor), hex4(d.device)) && d.mac !== null)
    .sort((a, b) => (a.address < b.address ? -1 : 1));
  const instance = ec2.model.createInstance();
  // createInstance made a primary ENI of its own; the simulated host's ENAs replace it.
  for (const eni of [...ec2.model.enis.values()]) ec2.model.enis.delete(eni.id);
  imds.data.instanceId = instance.id;
  imds.data.interfaces.clear();
  enas.forEach((dev, index) => {
    const slot = Number.parseInt(dev.address.slice(-4, -2), 16);
    const eniId = simEniId(slot);
    const mac = dev.mac!;
    const iface: FakeInterface = {
      mac,
      interfaceId: eniId,
      deviceNumber: index,
      subnetId: "subnet-0ac62554",
      vpcId: "vpc-d295a6a7",
      ownerId: ec2.model.ownerId,
      localIpv4s: [`10.0.0.${10 + index}`],
    };
    imds.addInterface(iface);
    if (index === 0) imds.data.primaryMac = mac;
    const tags = index === 0 ? {} : { [config.ec2.ownerTag.key]: config.ec2.ownerTag.value };
    const made = ec2.model.createEni({ description: `simulated ENA ${dev.address}`, tags });
    ec2.model.enis.delete(made.id);
    ec2.model.enis.set(eniId, { ...made, id: eniId, mac });
    ec2.model.attach(eniId, instance.id, index, 0, index === 0);
  });
  return instance.id;
}

/** 0x1d0f → "1d0f", as sysfs shows PCI ids. */
function hex4(id: number): string {
  return id.toString(16).padStart(4, "0");
}

/**
 * What a guest entry point is: one file under test/vm/entries/ whose exports
 * follow `GuestEntryModule`. The harness bundles every entry into the guest,
 * boots one VM per (entry, configuration) and reports each result as a test.
 */

/** The guest configurations the harness can boot. */
export type GuestConfigName = "viommu" | "stock" | "uio";

export interface GuestConfig {
  name: GuestConfigName;
  /** q35 with an emulated Intel IOMMU and `intel_iommu=on` in the guest. */
  iommu: boolean;
  /** The DPDK-side driver this configuration exercises. */
  dpdkDriver: "vfio-pci" | "uio_pci_generic";
  /** What a bind to `dpdkDriver` does here: succeeds, or fails with this errno. */
  dpdkBind: "ok" | "EINVAL";
  summary: string;
}

export const GUEST_CONFIGS: Readonly<Record<GuestConfigName, GuestConfig>> = {
  viommu: {
    name: "viommu",
    iommu: true,
    dpdkDriver: "vfio-pci",
    dpdkBind: "ok",
    summary: "q35 + intel-iommu: vfio-pci binds and creates /dev/vfio/<group>",
  },
  stock: {
    name: "stock",
    iommu: false,
    dpdkDriver: "vfio-pci",
    dpdkBind: "EINVAL",
    // Debian's kernel lacks CONFIG_VFIO_NOIOMMU: every vfio-pci probe fails.
    summary: "no IOMMU, Debian's vfio: vfio-pci bind fails with EINVAL",
  },
  uio: {
    name: "uio",
    iommu: false,
    dpdkDriver: "uio_pci_generic",
    dpdkBind: "ok",
    summary: "no IOMMU, uio_pci_generic binds and creates /dev/uio<N>",
  },
};

export const GUEST_CONFIG_NAMES = Object.keys(GUEST_CONFIGS) as GuestConfigName[];

/** What the guest hands to an entry's `run`. */
export interface GuestContext {
  config: GuestConfig;
  /** Roots to inject into adapters (the real ones inside the guest). */
  sysRoot: string;
  devRoot: string;
  procRoot: string;
  /** A writable, empty directory for eni-agent's state (journal, desired bindings). */
  stateDir: string;
  /** eni-agent's configuration file in the guest; it admits the emulated NICs. */
  configPath: string;
  /** vendor:device ids the guest's eni-agent configuration admits ("8086:10d3"). */
  allowedDevices: readonly string[];
  /** How many emulated e1000e NICs the host attached (the entry's `nics`). */
  nics: number;
  /** Whether a virtio-net NIC is attached too (the entry's `virtioNic`). */
  virtioNic: boolean;
  /** Writes a diagnostic line to the serial console (kept in the boot log). */
  log(message: string): void;
}

/** One test outcome; `id` must be unique within the entry. */
export interface GuestResult {
  id: string;
  ok: boolean;
  /** Shown when the result fails. */
  detail?: string;
  /** Shown always: measurements an entry reports (e.g. a timing table). */
  report?: string;
}

/** The exports of a file under test/vm/entries/. Only `run` is required. */
export interface GuestEntryModule {
  run(ctx: GuestContext): Promise<GuestResult[]>;
  /** busybox sh snippet run in the guest before `run` (e.g. addresses, routes). */
  setup?: string;
  /** Configurations to boot for this entry; default: all. */
  configs?: readonly GuestConfigName[];
  /** Number of emulated e1000e NICs (8086:10d3), default 3. */
  nics?: number;
  /** Also attach one virtio-net NIC (1af4:1041, driver virtio-pci), after the e1000e ones. */
  virtioNic?: boolean;
  /** Per-boot limit, default 180 000 ms (TCG). */
  timeoutMs?: number;
  /**
   * Programs the entry starts as child processes in the guest (an agent to
   * SIGKILL mid-operation, a process holding a device node open), by name.
   * They run in the same bundle: `spawnGuestChild` (guest/guest-child.ts)
   * starts node on it with `--child <entry> <name> ...args`.
   */
  children?: Readonly<Record<string, GuestChild>>;
}

/** A child program: gets the arguments after its name; its stdout goes to the parent. */
export type GuestChild = (args: readonly string[]) => Promise<void>;

/** e1000e as qemu emulates it (82574L); it stands in for ENA. */
export const EMULATED_NIC_ID = "8086:10d3";

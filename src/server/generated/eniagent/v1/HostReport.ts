// Original file: proto/eniagent/v1/agent.proto

import type { KernelModule as _eniagent_v1_KernelModule, KernelModule__Output as _eniagent_v1_KernelModule__Output } from '../../eniagent/v1/KernelModule.js';
import type { NoIommu as _eniagent_v1_NoIommu, NoIommu__Output as _eniagent_v1_NoIommu__Output } from '../../eniagent/v1/NoIommu.js';
import type { Iommu as _eniagent_v1_Iommu, Iommu__Output as _eniagent_v1_Iommu__Output } from '../../eniagent/v1/Iommu.js';
import type { HugepagePool as _eniagent_v1_HugepagePool, HugepagePool__Output as _eniagent_v1_HugepagePool__Output } from '../../eniagent/v1/HugepagePool.js';
import type { WriteCombining as _eniagent_v1_WriteCombining, WriteCombining__Output as _eniagent_v1_WriteCombining__Output } from '../../eniagent/v1/WriteCombining.js';
import type { ImdsStatus as _eniagent_v1_ImdsStatus, ImdsStatus__Output as _eniagent_v1_ImdsStatus__Output } from '../../eniagent/v1/ImdsStatus.js';
import type { InstanceIdentity as _eniagent_v1_InstanceIdentity, InstanceIdentity__Output as _eniagent_v1_InstanceIdentity__Output } from '../../eniagent/v1/InstanceIdentity.js';
import type { TerminationWatcher as _eniagent_v1_TerminationWatcher, TerminationWatcher__Output as _eniagent_v1_TerminationWatcher__Output } from '../../eniagent/v1/TerminationWatcher.js';
import type { JournalHealth as _eniagent_v1_JournalHealth, JournalHealth__Output as _eniagent_v1_JournalHealth__Output } from '../../eniagent/v1/JournalHealth.js';
import type { Check as _eniagent_v1_Check, Check__Output as _eniagent_v1_Check__Output } from '../../eniagent/v1/Check.js';
import type { Health as _eniagent_v1_Health, Health__Output as _eniagent_v1_Health__Output } from '../../eniagent/v1/Health.js';

/**
 * The preflight report of the host.
 */
export interface HostReport {
  /**
   * The kernel release (uname -r).
   */
  'kernelVersion'?: (string);
  /**
   * The modules that matter (ena, vfio, vfio_pci, uio, uio_pci_generic, igb_uio).
   */
  'modules'?: (_eniagent_v1_KernelModule)[];
  /**
   * VFIO's no-IOMMU mode.
   */
  'noiommu'?: (_eniagent_v1_NoIommu | null);
  /**
   * The IOMMU.
   */
  'iommu'?: (_eniagent_v1_Iommu | null);
  /**
   * Hugepages, per NUMA node and page size.
   */
  'hugepages'?: (_eniagent_v1_HugepagePool)[];
  /**
   * The write-combining caveat.
   */
  'writeCombining'?: (_eniagent_v1_WriteCombining | null);
  /**
   * Instance metadata reachability.
   */
  'imds'?: (_eniagent_v1_ImdsStatus | null);
  /**
   * The instance identity; unset when metadata never answered.
   */
  'identity'?: (_eniagent_v1_InstanceIdentity | null);
  /**
   * The termination watcher.
   */
  'terminationWatcher'?: (_eniagent_v1_TerminationWatcher | null);
  /**
   * The journal.
   */
  'journal'?: (_eniagent_v1_JournalHealth | null);
  /**
   * The findings, worst first.
   */
  'checks'?: (_eniagent_v1_Check)[];
  /**
   * The agent's health.
   */
  'health'?: (_eniagent_v1_Health | null);
  /**
   * The version of the eni-agent daemon that answered.
   */
  'agentVersion'?: (string);
}

/**
 * The preflight report of the host.
 */
export interface HostReport__Output {
  /**
   * The kernel release (uname -r).
   */
  'kernelVersion': (string);
  /**
   * The modules that matter (ena, vfio, vfio_pci, uio, uio_pci_generic, igb_uio).
   */
  'modules': (_eniagent_v1_KernelModule__Output)[];
  /**
   * VFIO's no-IOMMU mode.
   */
  'noiommu': (_eniagent_v1_NoIommu__Output | null);
  /**
   * The IOMMU.
   */
  'iommu': (_eniagent_v1_Iommu__Output | null);
  /**
   * Hugepages, per NUMA node and page size.
   */
  'hugepages': (_eniagent_v1_HugepagePool__Output)[];
  /**
   * The write-combining caveat.
   */
  'writeCombining': (_eniagent_v1_WriteCombining__Output | null);
  /**
   * Instance metadata reachability.
   */
  'imds': (_eniagent_v1_ImdsStatus__Output | null);
  /**
   * The instance identity; unset when metadata never answered.
   */
  'identity': (_eniagent_v1_InstanceIdentity__Output | null);
  /**
   * The termination watcher.
   */
  'terminationWatcher': (_eniagent_v1_TerminationWatcher__Output | null);
  /**
   * The journal.
   */
  'journal': (_eniagent_v1_JournalHealth__Output | null);
  /**
   * The findings, worst first.
   */
  'checks': (_eniagent_v1_Check__Output)[];
  /**
   * The agent's health.
   */
  'health': (_eniagent_v1_Health__Output | null);
  /**
   * The version of the eni-agent daemon that answered.
   */
  'agentVersion': (string);
}

// Original file: proto/eniagent/v1/agent.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { DeviceAdded as _eniagent_v1_DeviceAdded, DeviceAdded__Output as _eniagent_v1_DeviceAdded__Output } from '../../eniagent/v1/DeviceAdded.js';
import type { DeviceRemoved as _eniagent_v1_DeviceRemoved, DeviceRemoved__Output as _eniagent_v1_DeviceRemoved__Output } from '../../eniagent/v1/DeviceRemoved.js';
import type { DriverChanged as _eniagent_v1_DriverChanged, DriverChanged__Output as _eniagent_v1_DriverChanged__Output } from '../../eniagent/v1/DriverChanged.js';
import type { OperationProgress as _eniagent_v1_OperationProgress, OperationProgress__Output as _eniagent_v1_OperationProgress__Output } from '../../eniagent/v1/OperationProgress.js';
import type { OperationResult as _eniagent_v1_OperationResult, OperationResult__Output as _eniagent_v1_OperationResult__Output } from '../../eniagent/v1/OperationResult.js';
import type { DriftFound as _eniagent_v1_DriftFound, DriftFound__Output as _eniagent_v1_DriftFound__Output } from '../../eniagent/v1/DriftFound.js';
import type { TerminationNotice as _eniagent_v1_TerminationNotice, TerminationNotice__Output as _eniagent_v1_TerminationNotice__Output } from '../../eniagent/v1/TerminationNotice.js';
import type { TerminationPlanned as _eniagent_v1_TerminationPlanned, TerminationPlanned__Output as _eniagent_v1_TerminationPlanned__Output } from '../../eniagent/v1/TerminationPlanned.js';
import type { EniReleased as _eniagent_v1_EniReleased, EniReleased__Output as _eniagent_v1_EniReleased__Output } from '../../eniagent/v1/EniReleased.js';
import type { HealthChanged as _eniagent_v1_HealthChanged, HealthChanged__Output as _eniagent_v1_HealthChanged__Output } from '../../eniagent/v1/HealthChanged.js';
import type { ConfirmationPending as _eniagent_v1_ConfirmationPending, ConfirmationPending__Output as _eniagent_v1_ConfirmationPending__Output } from '../../eniagent/v1/ConfirmationPending.js';
import type { Confirmed as _eniagent_v1_Confirmed, Confirmed__Output as _eniagent_v1_Confirmed__Output } from '../../eniagent/v1/Confirmed.js';
import type { RevertedUnconfirmed as _eniagent_v1_RevertedUnconfirmed, RevertedUnconfirmed__Output as _eniagent_v1_RevertedUnconfirmed__Output } from '../../eniagent/v1/RevertedUnconfirmed.js';
import type { EniStatus as _eniagent_v1_EniStatus, EniStatus__Output as _eniagent_v1_EniStatus__Output } from '../../eniagent/v1/EniStatus.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Something that happened on the host or in the agent.
 */
export interface Event {
  /**
   * Increases by one per event emitted by the agent since it started; a gap
   * means events were filtered out or dropped.
   */
  'sequence'?: (number | string | Long);
  /**
   * When it happened.
   */
  'time'?: (_google_protobuf_Timestamp | null);
  /**
   * A device appeared.
   */
  'deviceAdded'?: (_eniagent_v1_DeviceAdded | null);
  /**
   * A device disappeared.
   */
  'deviceRemoved'?: (_eniagent_v1_DeviceRemoved | null);
  /**
   * A device's driver changed.
   */
  'driverChanged'?: (_eniagent_v1_DriverChanged | null);
  /**
   * An operation advanced.
   */
  'operationProgress'?: (_eniagent_v1_OperationProgress | null);
  /**
   * An operation finished.
   */
  'operationResult'?: (_eniagent_v1_OperationResult | null);
  /**
   * A device differs from its desired binding.
   */
  'driftFound'?: (_eniagent_v1_DriftFound | null);
  /**
   * A termination notice arrived.
   */
  'terminationNotice'?: (_eniagent_v1_TerminationNotice | null);
  /**
   * The termination plan was computed.
   */
  'terminationPlanned'?: (_eniagent_v1_TerminationPlanned | null);
  /**
   * An ENI was released.
   */
  'eniReleased'?: (_eniagent_v1_EniReleased | null);
  /**
   * The agent's health changed.
   */
  'healthChanged'?: (_eniagent_v1_HealthChanged | null);
  /**
   * A bind on trial awaits confirmation.
   */
  'confirmationPending'?: (_eniagent_v1_ConfirmationPending | null);
  /**
   * A bind on trial was confirmed.
   */
  'confirmed'?: (_eniagent_v1_Confirmed | null);
  /**
   * A bind on trial was reverted, unconfirmed.
   */
  'revertedUnconfirmed'?: (_eniagent_v1_RevertedUnconfirmed | null);
  /**
   * An ENI of the controller contract changed phase: its status now.
   */
  'eniPhaseChanged'?: (_eniagent_v1_EniStatus | null);
  /**
   * What happened.
   */
  'payload'?: "deviceAdded"|"deviceRemoved"|"driverChanged"|"operationProgress"|"operationResult"|"driftFound"|"terminationNotice"|"terminationPlanned"|"eniReleased"|"healthChanged"|"confirmationPending"|"confirmed"|"revertedUnconfirmed"|"eniPhaseChanged";
}

/**
 * Something that happened on the host or in the agent.
 */
export interface Event__Output {
  /**
   * Increases by one per event emitted by the agent since it started; a gap
   * means events were filtered out or dropped.
   */
  'sequence': (string);
  /**
   * When it happened.
   */
  'time': (_google_protobuf_Timestamp__Output | null);
  /**
   * A device appeared.
   */
  'deviceAdded'?: (_eniagent_v1_DeviceAdded__Output | null);
  /**
   * A device disappeared.
   */
  'deviceRemoved'?: (_eniagent_v1_DeviceRemoved__Output | null);
  /**
   * A device's driver changed.
   */
  'driverChanged'?: (_eniagent_v1_DriverChanged__Output | null);
  /**
   * An operation advanced.
   */
  'operationProgress'?: (_eniagent_v1_OperationProgress__Output | null);
  /**
   * An operation finished.
   */
  'operationResult'?: (_eniagent_v1_OperationResult__Output | null);
  /**
   * A device differs from its desired binding.
   */
  'driftFound'?: (_eniagent_v1_DriftFound__Output | null);
  /**
   * A termination notice arrived.
   */
  'terminationNotice'?: (_eniagent_v1_TerminationNotice__Output | null);
  /**
   * The termination plan was computed.
   */
  'terminationPlanned'?: (_eniagent_v1_TerminationPlanned__Output | null);
  /**
   * An ENI was released.
   */
  'eniReleased'?: (_eniagent_v1_EniReleased__Output | null);
  /**
   * The agent's health changed.
   */
  'healthChanged'?: (_eniagent_v1_HealthChanged__Output | null);
  /**
   * A bind on trial awaits confirmation.
   */
  'confirmationPending'?: (_eniagent_v1_ConfirmationPending__Output | null);
  /**
   * A bind on trial was confirmed.
   */
  'confirmed'?: (_eniagent_v1_Confirmed__Output | null);
  /**
   * A bind on trial was reverted, unconfirmed.
   */
  'revertedUnconfirmed'?: (_eniagent_v1_RevertedUnconfirmed__Output | null);
  /**
   * An ENI of the controller contract changed phase: its status now.
   */
  'eniPhaseChanged'?: (_eniagent_v1_EniStatus__Output | null);
  /**
   * What happened.
   */
  'payload'?: "deviceAdded"|"deviceRemoved"|"driverChanged"|"operationProgress"|"operationResult"|"driftFound"|"terminationNotice"|"terminationPlanned"|"eniReleased"|"healthChanged"|"confirmationPending"|"confirmed"|"revertedUnconfirmed"|"eniPhaseChanged";
}

// Original file: proto/eniagent/v1/agent.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BindDeviceRequest as _eniagent_v1_BindDeviceRequest, BindDeviceRequest__Output as _eniagent_v1_BindDeviceRequest__Output } from '../../eniagent/v1/BindDeviceRequest.js';
import type { BindDeviceResponse as _eniagent_v1_BindDeviceResponse, BindDeviceResponse__Output as _eniagent_v1_BindDeviceResponse__Output } from '../../eniagent/v1/BindDeviceResponse.js';
import type { ConfirmOperationRequest as _eniagent_v1_ConfirmOperationRequest, ConfirmOperationRequest__Output as _eniagent_v1_ConfirmOperationRequest__Output } from '../../eniagent/v1/ConfirmOperationRequest.js';
import type { ConfirmOperationResponse as _eniagent_v1_ConfirmOperationResponse, ConfirmOperationResponse__Output as _eniagent_v1_ConfirmOperationResponse__Output } from '../../eniagent/v1/ConfirmOperationResponse.js';
import type { GetDeviceRequest as _eniagent_v1_GetDeviceRequest, GetDeviceRequest__Output as _eniagent_v1_GetDeviceRequest__Output } from '../../eniagent/v1/GetDeviceRequest.js';
import type { GetDeviceResponse as _eniagent_v1_GetDeviceResponse, GetDeviceResponse__Output as _eniagent_v1_GetDeviceResponse__Output } from '../../eniagent/v1/GetDeviceResponse.js';
import type { GetEniRequest as _eniagent_v1_GetEniRequest, GetEniRequest__Output as _eniagent_v1_GetEniRequest__Output } from '../../eniagent/v1/GetEniRequest.js';
import type { GetEniResponse as _eniagent_v1_GetEniResponse, GetEniResponse__Output as _eniagent_v1_GetEniResponse__Output } from '../../eniagent/v1/GetEniResponse.js';
import type { GetHostReportRequest as _eniagent_v1_GetHostReportRequest, GetHostReportRequest__Output as _eniagent_v1_GetHostReportRequest__Output } from '../../eniagent/v1/GetHostReportRequest.js';
import type { GetHostReportResponse as _eniagent_v1_GetHostReportResponse, GetHostReportResponse__Output as _eniagent_v1_GetHostReportResponse__Output } from '../../eniagent/v1/GetHostReportResponse.js';
import type { GetOperationRequest as _eniagent_v1_GetOperationRequest, GetOperationRequest__Output as _eniagent_v1_GetOperationRequest__Output } from '../../eniagent/v1/GetOperationRequest.js';
import type { GetOperationResponse as _eniagent_v1_GetOperationResponse, GetOperationResponse__Output as _eniagent_v1_GetOperationResponse__Output } from '../../eniagent/v1/GetOperationResponse.js';
import type { ListDevicesRequest as _eniagent_v1_ListDevicesRequest, ListDevicesRequest__Output as _eniagent_v1_ListDevicesRequest__Output } from '../../eniagent/v1/ListDevicesRequest.js';
import type { ListDevicesResponse as _eniagent_v1_ListDevicesResponse, ListDevicesResponse__Output as _eniagent_v1_ListDevicesResponse__Output } from '../../eniagent/v1/ListDevicesResponse.js';
import type { ListEnisRequest as _eniagent_v1_ListEnisRequest, ListEnisRequest__Output as _eniagent_v1_ListEnisRequest__Output } from '../../eniagent/v1/ListEnisRequest.js';
import type { ListEnisResponse as _eniagent_v1_ListEnisResponse, ListEnisResponse__Output as _eniagent_v1_ListEnisResponse__Output } from '../../eniagent/v1/ListEnisResponse.js';
import type { ListOperationsRequest as _eniagent_v1_ListOperationsRequest, ListOperationsRequest__Output as _eniagent_v1_ListOperationsRequest__Output } from '../../eniagent/v1/ListOperationsRequest.js';
import type { ListOperationsResponse as _eniagent_v1_ListOperationsResponse, ListOperationsResponse__Output as _eniagent_v1_ListOperationsResponse__Output } from '../../eniagent/v1/ListOperationsResponse.js';
import type { PrepareTerminationRequest as _eniagent_v1_PrepareTerminationRequest, PrepareTerminationRequest__Output as _eniagent_v1_PrepareTerminationRequest__Output } from '../../eniagent/v1/PrepareTerminationRequest.js';
import type { PrepareTerminationResponse as _eniagent_v1_PrepareTerminationResponse, PrepareTerminationResponse__Output as _eniagent_v1_PrepareTerminationResponse__Output } from '../../eniagent/v1/PrepareTerminationResponse.js';
import type { PutEniIntentRequest as _eniagent_v1_PutEniIntentRequest, PutEniIntentRequest__Output as _eniagent_v1_PutEniIntentRequest__Output } from '../../eniagent/v1/PutEniIntentRequest.js';
import type { PutEniIntentResponse as _eniagent_v1_PutEniIntentResponse, PutEniIntentResponse__Output as _eniagent_v1_PutEniIntentResponse__Output } from '../../eniagent/v1/PutEniIntentResponse.js';
import type { ReleaseEniRequest as _eniagent_v1_ReleaseEniRequest, ReleaseEniRequest__Output as _eniagent_v1_ReleaseEniRequest__Output } from '../../eniagent/v1/ReleaseEniRequest.js';
import type { ReleaseEniResponse as _eniagent_v1_ReleaseEniResponse, ReleaseEniResponse__Output as _eniagent_v1_ReleaseEniResponse__Output } from '../../eniagent/v1/ReleaseEniResponse.js';
import type { RestoreDeviceRequest as _eniagent_v1_RestoreDeviceRequest, RestoreDeviceRequest__Output as _eniagent_v1_RestoreDeviceRequest__Output } from '../../eniagent/v1/RestoreDeviceRequest.js';
import type { RestoreDeviceResponse as _eniagent_v1_RestoreDeviceResponse, RestoreDeviceResponse__Output as _eniagent_v1_RestoreDeviceResponse__Output } from '../../eniagent/v1/RestoreDeviceResponse.js';
import type { SyncEniIntentsRequest as _eniagent_v1_SyncEniIntentsRequest, SyncEniIntentsRequest__Output as _eniagent_v1_SyncEniIntentsRequest__Output } from '../../eniagent/v1/SyncEniIntentsRequest.js';
import type { SyncEniIntentsResponse as _eniagent_v1_SyncEniIntentsResponse, SyncEniIntentsResponse__Output as _eniagent_v1_SyncEniIntentsResponse__Output } from '../../eniagent/v1/SyncEniIntentsResponse.js';
import type { WatchEventsRequest as _eniagent_v1_WatchEventsRequest, WatchEventsRequest__Output as _eniagent_v1_WatchEventsRequest__Output } from '../../eniagent/v1/WatchEventsRequest.js';
import type { WatchEventsResponse as _eniagent_v1_WatchEventsResponse, WatchEventsResponse__Output as _eniagent_v1_WatchEventsResponse__Output } from '../../eniagent/v1/WatchEventsResponse.js';

/**
 * Moves ENA devices between the kernel driver and DPDK drivers, reports on
 * the host, and runs the termination plan.
 * 
 * Read-only RPCs: ListDevices, GetDevice, GetOperation, ListOperations,
 * WatchEvents, GetHostReport, GetEni, ListEnis. Mutating RPCs (BindDevice,
 * RestoreDevice, ConfirmOperation, PrepareTermination, PutEniIntent,
 * ReleaseEni, SyncEniIntents, dry runs included) need a caller with write
 * access.
 */
export interface EniAgentServiceClient extends grpc.Client {
  /**
   * Binds a device to a driver as one transaction: guard, snapshot, journal,
   * override, unbind, bind, verify; any failure rolls back to the snapshot.
   * Returns once the device is verified in the target state (or, for a dry
   * run, with the planned steps). FAILED_PRECONDITION when a guard refuses
   * (e.g. the management interface without force); ABORTED when another
   * operation holds the device; INTERNAL when the rollback failed too (the
   * device is DEGRADED). The operation id is in the error detail.
   */
  BindDevice(argument: _eniagent_v1_BindDeviceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_BindDeviceResponse__Output>): grpc.ClientUnaryCall;
  BindDevice(argument: _eniagent_v1_BindDeviceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_BindDeviceResponse__Output>): grpc.ClientUnaryCall;
  BindDevice(argument: _eniagent_v1_BindDeviceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_BindDeviceResponse__Output>): grpc.ClientUnaryCall;
  BindDevice(argument: _eniagent_v1_BindDeviceRequest, callback: grpc.requestCallback<_eniagent_v1_BindDeviceResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Binds a device to a driver as one transaction: guard, snapshot, journal,
   * override, unbind, bind, verify; any failure rolls back to the snapshot.
   * Returns once the device is verified in the target state (or, for a dry
   * run, with the planned steps). FAILED_PRECONDITION when a guard refuses
   * (e.g. the management interface without force); ABORTED when another
   * operation holds the device; INTERNAL when the rollback failed too (the
   * device is DEGRADED). The operation id is in the error detail.
   */
  bindDevice(argument: _eniagent_v1_BindDeviceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_BindDeviceResponse__Output>): grpc.ClientUnaryCall;
  bindDevice(argument: _eniagent_v1_BindDeviceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_BindDeviceResponse__Output>): grpc.ClientUnaryCall;
  bindDevice(argument: _eniagent_v1_BindDeviceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_BindDeviceResponse__Output>): grpc.ClientUnaryCall;
  bindDevice(argument: _eniagent_v1_BindDeviceRequest, callback: grpc.requestCallback<_eniagent_v1_BindDeviceResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Makes a bind on trial (BindDevice with confirm_within) final, so it is
   * not reverted at its deadline. Idempotent: confirming an operation that
   * is confirmed already answers OK. NOT_FOUND for an unknown operation;
   * FAILED_PRECONDITION when the operation awaits no confirmation (it was
   * no bind on trial, did not commit, was reverted because its deadline
   * passed, or a later operation on its device ended the wait);
   * UNAVAILABLE when the journal refuses the record (retry before the
   * deadline).
   */
  ConfirmOperation(argument: _eniagent_v1_ConfirmOperationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ConfirmOperationResponse__Output>): grpc.ClientUnaryCall;
  ConfirmOperation(argument: _eniagent_v1_ConfirmOperationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_ConfirmOperationResponse__Output>): grpc.ClientUnaryCall;
  ConfirmOperation(argument: _eniagent_v1_ConfirmOperationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ConfirmOperationResponse__Output>): grpc.ClientUnaryCall;
  ConfirmOperation(argument: _eniagent_v1_ConfirmOperationRequest, callback: grpc.requestCallback<_eniagent_v1_ConfirmOperationResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Makes a bind on trial (BindDevice with confirm_within) final, so it is
   * not reverted at its deadline. Idempotent: confirming an operation that
   * is confirmed already answers OK. NOT_FOUND for an unknown operation;
   * FAILED_PRECONDITION when the operation awaits no confirmation (it was
   * no bind on trial, did not commit, was reverted because its deadline
   * passed, or a later operation on its device ended the wait);
   * UNAVAILABLE when the journal refuses the record (retry before the
   * deadline).
   */
  confirmOperation(argument: _eniagent_v1_ConfirmOperationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ConfirmOperationResponse__Output>): grpc.ClientUnaryCall;
  confirmOperation(argument: _eniagent_v1_ConfirmOperationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_ConfirmOperationResponse__Output>): grpc.ClientUnaryCall;
  confirmOperation(argument: _eniagent_v1_ConfirmOperationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ConfirmOperationResponse__Output>): grpc.ClientUnaryCall;
  confirmOperation(argument: _eniagent_v1_ConfirmOperationRequest, callback: grpc.requestCallback<_eniagent_v1_ConfirmOperationResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Returns one device. NOT_FOUND when no device matches the selector;
   * INVALID_ARGUMENT when the selector is malformed.
   */
  GetDevice(argument: _eniagent_v1_GetDeviceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_GetDeviceResponse__Output>): grpc.ClientUnaryCall;
  GetDevice(argument: _eniagent_v1_GetDeviceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_GetDeviceResponse__Output>): grpc.ClientUnaryCall;
  GetDevice(argument: _eniagent_v1_GetDeviceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_GetDeviceResponse__Output>): grpc.ClientUnaryCall;
  GetDevice(argument: _eniagent_v1_GetDeviceRequest, callback: grpc.requestCallback<_eniagent_v1_GetDeviceResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Returns one device. NOT_FOUND when no device matches the selector;
   * INVALID_ARGUMENT when the selector is malformed.
   */
  getDevice(argument: _eniagent_v1_GetDeviceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_GetDeviceResponse__Output>): grpc.ClientUnaryCall;
  getDevice(argument: _eniagent_v1_GetDeviceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_GetDeviceResponse__Output>): grpc.ClientUnaryCall;
  getDevice(argument: _eniagent_v1_GetDeviceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_GetDeviceResponse__Output>): grpc.ClientUnaryCall;
  getDevice(argument: _eniagent_v1_GetDeviceRequest, callback: grpc.requestCallback<_eniagent_v1_GetDeviceResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The status of one ENI with an intent (or a released one). NOT_FOUND
   * when no intent ever named it.
   */
  GetEni(argument: _eniagent_v1_GetEniRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_GetEniResponse__Output>): grpc.ClientUnaryCall;
  GetEni(argument: _eniagent_v1_GetEniRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_GetEniResponse__Output>): grpc.ClientUnaryCall;
  GetEni(argument: _eniagent_v1_GetEniRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_GetEniResponse__Output>): grpc.ClientUnaryCall;
  GetEni(argument: _eniagent_v1_GetEniRequest, callback: grpc.requestCallback<_eniagent_v1_GetEniResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The status of one ENI with an intent (or a released one). NOT_FOUND
   * when no intent ever named it.
   */
  getEni(argument: _eniagent_v1_GetEniRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_GetEniResponse__Output>): grpc.ClientUnaryCall;
  getEni(argument: _eniagent_v1_GetEniRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_GetEniResponse__Output>): grpc.ClientUnaryCall;
  getEni(argument: _eniagent_v1_GetEniRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_GetEniResponse__Output>): grpc.ClientUnaryCall;
  getEni(argument: _eniagent_v1_GetEniRequest, callback: grpc.requestCallback<_eniagent_v1_GetEniResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The preflight report: kernel, modules, IOMMU, hugepages, IMDS, instance
   * identity, termination watcher and journal health, with checks.
   */
  GetHostReport(argument: _eniagent_v1_GetHostReportRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_GetHostReportResponse__Output>): grpc.ClientUnaryCall;
  GetHostReport(argument: _eniagent_v1_GetHostReportRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_GetHostReportResponse__Output>): grpc.ClientUnaryCall;
  GetHostReport(argument: _eniagent_v1_GetHostReportRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_GetHostReportResponse__Output>): grpc.ClientUnaryCall;
  GetHostReport(argument: _eniagent_v1_GetHostReportRequest, callback: grpc.requestCallback<_eniagent_v1_GetHostReportResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The preflight report: kernel, modules, IOMMU, hugepages, IMDS, instance
   * identity, termination watcher and journal health, with checks.
   */
  getHostReport(argument: _eniagent_v1_GetHostReportRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_GetHostReportResponse__Output>): grpc.ClientUnaryCall;
  getHostReport(argument: _eniagent_v1_GetHostReportRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_GetHostReportResponse__Output>): grpc.ClientUnaryCall;
  getHostReport(argument: _eniagent_v1_GetHostReportRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_GetHostReportResponse__Output>): grpc.ClientUnaryCall;
  getHostReport(argument: _eniagent_v1_GetHostReportRequest, callback: grpc.requestCallback<_eniagent_v1_GetHostReportResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Returns one operation (running or finished) from the journal.
   */
  GetOperation(argument: _eniagent_v1_GetOperationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_GetOperationResponse__Output>): grpc.ClientUnaryCall;
  GetOperation(argument: _eniagent_v1_GetOperationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_GetOperationResponse__Output>): grpc.ClientUnaryCall;
  GetOperation(argument: _eniagent_v1_GetOperationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_GetOperationResponse__Output>): grpc.ClientUnaryCall;
  GetOperation(argument: _eniagent_v1_GetOperationRequest, callback: grpc.requestCallback<_eniagent_v1_GetOperationResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Returns one operation (running or finished) from the journal.
   */
  getOperation(argument: _eniagent_v1_GetOperationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_GetOperationResponse__Output>): grpc.ClientUnaryCall;
  getOperation(argument: _eniagent_v1_GetOperationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_GetOperationResponse__Output>): grpc.ClientUnaryCall;
  getOperation(argument: _eniagent_v1_GetOperationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_GetOperationResponse__Output>): grpc.ClientUnaryCall;
  getOperation(argument: _eniagent_v1_GetOperationRequest, callback: grpc.requestCallback<_eniagent_v1_GetOperationResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists every ENA device on the host with its driver, state and identity.
   * Answers from the agent's device view: re-read after every change the
   * agent makes or sees, and at most one device poll interval old for
   * changes made outside it (see observe_time); set fresh to re-read sysfs.
   */
  ListDevices(argument: _eniagent_v1_ListDevicesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ListDevicesResponse__Output>): grpc.ClientUnaryCall;
  ListDevices(argument: _eniagent_v1_ListDevicesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_ListDevicesResponse__Output>): grpc.ClientUnaryCall;
  ListDevices(argument: _eniagent_v1_ListDevicesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ListDevicesResponse__Output>): grpc.ClientUnaryCall;
  ListDevices(argument: _eniagent_v1_ListDevicesRequest, callback: grpc.requestCallback<_eniagent_v1_ListDevicesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists every ENA device on the host with its driver, state and identity.
   * Answers from the agent's device view: re-read after every change the
   * agent makes or sees, and at most one device poll interval old for
   * changes made outside it (see observe_time); set fresh to re-read sysfs.
   */
  listDevices(argument: _eniagent_v1_ListDevicesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ListDevicesResponse__Output>): grpc.ClientUnaryCall;
  listDevices(argument: _eniagent_v1_ListDevicesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_ListDevicesResponse__Output>): grpc.ClientUnaryCall;
  listDevices(argument: _eniagent_v1_ListDevicesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ListDevicesResponse__Output>): grpc.ClientUnaryCall;
  listDevices(argument: _eniagent_v1_ListDevicesRequest, callback: grpc.requestCallback<_eniagent_v1_ListDevicesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The status of every ENI with an intent or a released one, of one owner
   * or of all.
   */
  ListEnis(argument: _eniagent_v1_ListEnisRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ListEnisResponse__Output>): grpc.ClientUnaryCall;
  ListEnis(argument: _eniagent_v1_ListEnisRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_ListEnisResponse__Output>): grpc.ClientUnaryCall;
  ListEnis(argument: _eniagent_v1_ListEnisRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ListEnisResponse__Output>): grpc.ClientUnaryCall;
  ListEnis(argument: _eniagent_v1_ListEnisRequest, callback: grpc.requestCallback<_eniagent_v1_ListEnisResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The status of every ENI with an intent or a released one, of one owner
   * or of all.
   */
  listEnis(argument: _eniagent_v1_ListEnisRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ListEnisResponse__Output>): grpc.ClientUnaryCall;
  listEnis(argument: _eniagent_v1_ListEnisRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_ListEnisResponse__Output>): grpc.ClientUnaryCall;
  listEnis(argument: _eniagent_v1_ListEnisRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ListEnisResponse__Output>): grpc.ClientUnaryCall;
  listEnis(argument: _eniagent_v1_ListEnisRequest, callback: grpc.requestCallback<_eniagent_v1_ListEnisResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists operations, newest first, optionally for one device.
   */
  ListOperations(argument: _eniagent_v1_ListOperationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ListOperationsResponse__Output>): grpc.ClientUnaryCall;
  ListOperations(argument: _eniagent_v1_ListOperationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_ListOperationsResponse__Output>): grpc.ClientUnaryCall;
  ListOperations(argument: _eniagent_v1_ListOperationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ListOperationsResponse__Output>): grpc.ClientUnaryCall;
  ListOperations(argument: _eniagent_v1_ListOperationsRequest, callback: grpc.requestCallback<_eniagent_v1_ListOperationsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists operations, newest first, optionally for one device.
   */
  listOperations(argument: _eniagent_v1_ListOperationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ListOperationsResponse__Output>): grpc.ClientUnaryCall;
  listOperations(argument: _eniagent_v1_ListOperationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_ListOperationsResponse__Output>): grpc.ClientUnaryCall;
  listOperations(argument: _eniagent_v1_ListOperationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ListOperationsResponse__Output>): grpc.ClientUnaryCall;
  listOperations(argument: _eniagent_v1_ListOperationsRequest, callback: grpc.requestCallback<_eniagent_v1_ListOperationsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Runs the termination plan now (restore devices to the kernel, detach and
   * delete owned ENIs, or mark them DeleteOnTermination), or only plans it.
   */
  PrepareTermination(argument: _eniagent_v1_PrepareTerminationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_PrepareTerminationResponse__Output>): grpc.ClientUnaryCall;
  PrepareTermination(argument: _eniagent_v1_PrepareTerminationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_PrepareTerminationResponse__Output>): grpc.ClientUnaryCall;
  PrepareTermination(argument: _eniagent_v1_PrepareTerminationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_PrepareTerminationResponse__Output>): grpc.ClientUnaryCall;
  PrepareTermination(argument: _eniagent_v1_PrepareTerminationRequest, callback: grpc.requestCallback<_eniagent_v1_PrepareTerminationResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Runs the termination plan now (restore devices to the kernel, detach and
   * delete owned ENIs, or mark them DeleteOnTermination), or only plans it.
   */
  prepareTermination(argument: _eniagent_v1_PrepareTerminationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_PrepareTerminationResponse__Output>): grpc.ClientUnaryCall;
  prepareTermination(argument: _eniagent_v1_PrepareTerminationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_PrepareTerminationResponse__Output>): grpc.ClientUnaryCall;
  prepareTermination(argument: _eniagent_v1_PrepareTerminationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_PrepareTerminationResponse__Output>): grpc.ClientUnaryCall;
  prepareTermination(argument: _eniagent_v1_PrepareTerminationRequest, callback: grpc.requestCallback<_eniagent_v1_PrepareTerminationResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The controller contract (docs/controllers.md). Stores what a controller
   * wants for an ENI, by ENI id, before or after it is attached: applied at
   * once when the ENI is present, else when it appears (hot-attach, reboot).
   * Answers the ENI's status: BOUND, PENDING_ATTACH, or FAILED with the
   * reason (the intent stays and is applied again on the next change).
   * ABORTED for a generation older than the stored (or released) one;
   * ALREADY_EXISTS for the same generation with a different wish;
   * PERMISSION_DENIED for another owner's ENI.
   */
  PutEniIntent(argument: _eniagent_v1_PutEniIntentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_PutEniIntentResponse__Output>): grpc.ClientUnaryCall;
  PutEniIntent(argument: _eniagent_v1_PutEniIntentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_PutEniIntentResponse__Output>): grpc.ClientUnaryCall;
  PutEniIntent(argument: _eniagent_v1_PutEniIntentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_PutEniIntentResponse__Output>): grpc.ClientUnaryCall;
  PutEniIntent(argument: _eniagent_v1_PutEniIntentRequest, callback: grpc.requestCallback<_eniagent_v1_PutEniIntentResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The controller contract (docs/controllers.md). Stores what a controller
   * wants for an ENI, by ENI id, before or after it is attached: applied at
   * once when the ENI is present, else when it appears (hot-attach, reboot).
   * Answers the ENI's status: BOUND, PENDING_ATTACH, or FAILED with the
   * reason (the intent stays and is applied again on the next change).
   * ABORTED for a generation older than the stored (or released) one;
   * ALREADY_EXISTS for the same generation with a different wish;
   * PERMISSION_DENIED for another owner's ENI.
   */
  putEniIntent(argument: _eniagent_v1_PutEniIntentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_PutEniIntentResponse__Output>): grpc.ClientUnaryCall;
  putEniIntent(argument: _eniagent_v1_PutEniIntentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_PutEniIntentResponse__Output>): grpc.ClientUnaryCall;
  putEniIntent(argument: _eniagent_v1_PutEniIntentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_PutEniIntentResponse__Output>): grpc.ClientUnaryCall;
  putEniIntent(argument: _eniagent_v1_PutEniIntentRequest, callback: grpc.requestCallback<_eniagent_v1_PutEniIntentResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The release handshake: returns the ENI's device to its kernel driver
   * (verified), drops the intent and answers SAFE_TO_DETACH, or NOT_PRESENT
   * when the ENI is not on this host; both mean the controller may detach.
   * FAILED_PRECONDITION naming the pid when a process still holds the
   * device (the intent stays, marked releasing; retry after it exits).
   */
  ReleaseEni(argument: _eniagent_v1_ReleaseEniRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ReleaseEniResponse__Output>): grpc.ClientUnaryCall;
  ReleaseEni(argument: _eniagent_v1_ReleaseEniRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_ReleaseEniResponse__Output>): grpc.ClientUnaryCall;
  ReleaseEni(argument: _eniagent_v1_ReleaseEniRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ReleaseEniResponse__Output>): grpc.ClientUnaryCall;
  ReleaseEni(argument: _eniagent_v1_ReleaseEniRequest, callback: grpc.requestCallback<_eniagent_v1_ReleaseEniResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The release handshake: returns the ENI's device to its kernel driver
   * (verified), drops the intent and answers SAFE_TO_DETACH, or NOT_PRESENT
   * when the ENI is not on this host; both mean the controller may detach.
   * FAILED_PRECONDITION naming the pid when a process still holds the
   * device (the intent stays, marked releasing; retry after it exits).
   */
  releaseEni(argument: _eniagent_v1_ReleaseEniRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ReleaseEniResponse__Output>): grpc.ClientUnaryCall;
  releaseEni(argument: _eniagent_v1_ReleaseEniRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_ReleaseEniResponse__Output>): grpc.ClientUnaryCall;
  releaseEni(argument: _eniagent_v1_ReleaseEniRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_ReleaseEniResponse__Output>): grpc.ClientUnaryCall;
  releaseEni(argument: _eniagent_v1_ReleaseEniRequest, callback: grpc.requestCallback<_eniagent_v1_ReleaseEniResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Returns a device to the kernel driver it had when the agent first saw it,
   * clearing driver_override, as one verified transaction.
   */
  RestoreDevice(argument: _eniagent_v1_RestoreDeviceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_RestoreDeviceResponse__Output>): grpc.ClientUnaryCall;
  RestoreDevice(argument: _eniagent_v1_RestoreDeviceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_RestoreDeviceResponse__Output>): grpc.ClientUnaryCall;
  RestoreDevice(argument: _eniagent_v1_RestoreDeviceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_RestoreDeviceResponse__Output>): grpc.ClientUnaryCall;
  RestoreDevice(argument: _eniagent_v1_RestoreDeviceRequest, callback: grpc.requestCallback<_eniagent_v1_RestoreDeviceResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Returns a device to the kernel driver it had when the agent first saw it,
   * clearing driver_override, as one verified transaction.
   */
  restoreDevice(argument: _eniagent_v1_RestoreDeviceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_RestoreDeviceResponse__Output>): grpc.ClientUnaryCall;
  restoreDevice(argument: _eniagent_v1_RestoreDeviceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_RestoreDeviceResponse__Output>): grpc.ClientUnaryCall;
  restoreDevice(argument: _eniagent_v1_RestoreDeviceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_RestoreDeviceResponse__Output>): grpc.ClientUnaryCall;
  restoreDevice(argument: _eniagent_v1_RestoreDeviceRequest, callback: grpc.requestCallback<_eniagent_v1_RestoreDeviceResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Level-triggered sync after either side restarted: the owner's complete
   * set. Intents in the set are put; the owner's intents not in it are
   * released. Per-ENI refusals are in the response, not a failed call.
   */
  SyncEniIntents(argument: _eniagent_v1_SyncEniIntentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_SyncEniIntentsResponse__Output>): grpc.ClientUnaryCall;
  SyncEniIntents(argument: _eniagent_v1_SyncEniIntentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_SyncEniIntentsResponse__Output>): grpc.ClientUnaryCall;
  SyncEniIntents(argument: _eniagent_v1_SyncEniIntentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_SyncEniIntentsResponse__Output>): grpc.ClientUnaryCall;
  SyncEniIntents(argument: _eniagent_v1_SyncEniIntentsRequest, callback: grpc.requestCallback<_eniagent_v1_SyncEniIntentsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Level-triggered sync after either side restarted: the owner's complete
   * set. Intents in the set are put; the owner's intents not in it are
   * released. Per-ENI refusals are in the response, not a failed call.
   */
  syncEniIntents(argument: _eniagent_v1_SyncEniIntentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_SyncEniIntentsResponse__Output>): grpc.ClientUnaryCall;
  syncEniIntents(argument: _eniagent_v1_SyncEniIntentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eniagent_v1_SyncEniIntentsResponse__Output>): grpc.ClientUnaryCall;
  syncEniIntents(argument: _eniagent_v1_SyncEniIntentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eniagent_v1_SyncEniIntentsResponse__Output>): grpc.ClientUnaryCall;
  syncEniIntents(argument: _eniagent_v1_SyncEniIntentsRequest, callback: grpc.requestCallback<_eniagent_v1_SyncEniIntentsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Streams events as they happen until the client cancels. Events are not
   * replayed: list devices and operations after the stream starts to catch up.
   */
  WatchEvents(argument: _eniagent_v1_WatchEventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_eniagent_v1_WatchEventsResponse__Output>;
  WatchEvents(argument: _eniagent_v1_WatchEventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_eniagent_v1_WatchEventsResponse__Output>;
  /**
   * Streams events as they happen until the client cancels. Events are not
   * replayed: list devices and operations after the stream starts to catch up.
   */
  watchEvents(argument: _eniagent_v1_WatchEventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_eniagent_v1_WatchEventsResponse__Output>;
  watchEvents(argument: _eniagent_v1_WatchEventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_eniagent_v1_WatchEventsResponse__Output>;
  
}

/**
 * Moves ENA devices between the kernel driver and DPDK drivers, reports on
 * the host, and runs the termination plan.
 * 
 * Read-only RPCs: ListDevices, GetDevice, GetOperation, ListOperations,
 * WatchEvents, GetHostReport, GetEni, ListEnis. Mutating RPCs (BindDevice,
 * RestoreDevice, ConfirmOperation, PrepareTermination, PutEniIntent,
 * ReleaseEni, SyncEniIntents, dry runs included) need a caller with write
 * access.
 */
export interface EniAgentServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Binds a device to a driver as one transaction: guard, snapshot, journal,
   * override, unbind, bind, verify; any failure rolls back to the snapshot.
   * Returns once the device is verified in the target state (or, for a dry
   * run, with the planned steps). FAILED_PRECONDITION when a guard refuses
   * (e.g. the management interface without force); ABORTED when another
   * operation holds the device; INTERNAL when the rollback failed too (the
   * device is DEGRADED). The operation id is in the error detail.
   */
  BindDevice: grpc.handleUnaryCall<_eniagent_v1_BindDeviceRequest__Output, _eniagent_v1_BindDeviceResponse>;
  
  /**
   * Makes a bind on trial (BindDevice with confirm_within) final, so it is
   * not reverted at its deadline. Idempotent: confirming an operation that
   * is confirmed already answers OK. NOT_FOUND for an unknown operation;
   * FAILED_PRECONDITION when the operation awaits no confirmation (it was
   * no bind on trial, did not commit, was reverted because its deadline
   * passed, or a later operation on its device ended the wait);
   * UNAVAILABLE when the journal refuses the record (retry before the
   * deadline).
   */
  ConfirmOperation: grpc.handleUnaryCall<_eniagent_v1_ConfirmOperationRequest__Output, _eniagent_v1_ConfirmOperationResponse>;
  
  /**
   * Returns one device. NOT_FOUND when no device matches the selector;
   * INVALID_ARGUMENT when the selector is malformed.
   */
  GetDevice: grpc.handleUnaryCall<_eniagent_v1_GetDeviceRequest__Output, _eniagent_v1_GetDeviceResponse>;
  
  /**
   * The status of one ENI with an intent (or a released one). NOT_FOUND
   * when no intent ever named it.
   */
  GetEni: grpc.handleUnaryCall<_eniagent_v1_GetEniRequest__Output, _eniagent_v1_GetEniResponse>;
  
  /**
   * The preflight report: kernel, modules, IOMMU, hugepages, IMDS, instance
   * identity, termination watcher and journal health, with checks.
   */
  GetHostReport: grpc.handleUnaryCall<_eniagent_v1_GetHostReportRequest__Output, _eniagent_v1_GetHostReportResponse>;
  
  /**
   * Returns one operation (running or finished) from the journal.
   */
  GetOperation: grpc.handleUnaryCall<_eniagent_v1_GetOperationRequest__Output, _eniagent_v1_GetOperationResponse>;
  
  /**
   * Lists every ENA device on the host with its driver, state and identity.
   * Answers from the agent's device view: re-read after every change the
   * agent makes or sees, and at most one device poll interval old for
   * changes made outside it (see observe_time); set fresh to re-read sysfs.
   */
  ListDevices: grpc.handleUnaryCall<_eniagent_v1_ListDevicesRequest__Output, _eniagent_v1_ListDevicesResponse>;
  
  /**
   * The status of every ENI with an intent or a released one, of one owner
   * or of all.
   */
  ListEnis: grpc.handleUnaryCall<_eniagent_v1_ListEnisRequest__Output, _eniagent_v1_ListEnisResponse>;
  
  /**
   * Lists operations, newest first, optionally for one device.
   */
  ListOperations: grpc.handleUnaryCall<_eniagent_v1_ListOperationsRequest__Output, _eniagent_v1_ListOperationsResponse>;
  
  /**
   * Runs the termination plan now (restore devices to the kernel, detach and
   * delete owned ENIs, or mark them DeleteOnTermination), or only plans it.
   */
  PrepareTermination: grpc.handleUnaryCall<_eniagent_v1_PrepareTerminationRequest__Output, _eniagent_v1_PrepareTerminationResponse>;
  
  /**
   * The controller contract (docs/controllers.md). Stores what a controller
   * wants for an ENI, by ENI id, before or after it is attached: applied at
   * once when the ENI is present, else when it appears (hot-attach, reboot).
   * Answers the ENI's status: BOUND, PENDING_ATTACH, or FAILED with the
   * reason (the intent stays and is applied again on the next change).
   * ABORTED for a generation older than the stored (or released) one;
   * ALREADY_EXISTS for the same generation with a different wish;
   * PERMISSION_DENIED for another owner's ENI.
   */
  PutEniIntent: grpc.handleUnaryCall<_eniagent_v1_PutEniIntentRequest__Output, _eniagent_v1_PutEniIntentResponse>;
  
  /**
   * The release handshake: returns the ENI's device to its kernel driver
   * (verified), drops the intent and answers SAFE_TO_DETACH, or NOT_PRESENT
   * when the ENI is not on this host; both mean the controller may detach.
   * FAILED_PRECONDITION naming the pid when a process still holds the
   * device (the intent stays, marked releasing; retry after it exits).
   */
  ReleaseEni: grpc.handleUnaryCall<_eniagent_v1_ReleaseEniRequest__Output, _eniagent_v1_ReleaseEniResponse>;
  
  /**
   * Returns a device to the kernel driver it had when the agent first saw it,
   * clearing driver_override, as one verified transaction.
   */
  RestoreDevice: grpc.handleUnaryCall<_eniagent_v1_RestoreDeviceRequest__Output, _eniagent_v1_RestoreDeviceResponse>;
  
  /**
   * Level-triggered sync after either side restarted: the owner's complete
   * set. Intents in the set are put; the owner's intents not in it are
   * released. Per-ENI refusals are in the response, not a failed call.
   */
  SyncEniIntents: grpc.handleUnaryCall<_eniagent_v1_SyncEniIntentsRequest__Output, _eniagent_v1_SyncEniIntentsResponse>;
  
  /**
   * Streams events as they happen until the client cancels. Events are not
   * replayed: list devices and operations after the stream starts to catch up.
   */
  WatchEvents: grpc.handleServerStreamingCall<_eniagent_v1_WatchEventsRequest__Output, _eniagent_v1_WatchEventsResponse>;
  
}

export interface EniAgentServiceDefinition extends grpc.ServiceDefinition {
  BindDevice: MethodDefinition<_eniagent_v1_BindDeviceRequest, _eniagent_v1_BindDeviceResponse, _eniagent_v1_BindDeviceRequest__Output, _eniagent_v1_BindDeviceResponse__Output>
  ConfirmOperation: MethodDefinition<_eniagent_v1_ConfirmOperationRequest, _eniagent_v1_ConfirmOperationResponse, _eniagent_v1_ConfirmOperationRequest__Output, _eniagent_v1_ConfirmOperationResponse__Output>
  GetDevice: MethodDefinition<_eniagent_v1_GetDeviceRequest, _eniagent_v1_GetDeviceResponse, _eniagent_v1_GetDeviceRequest__Output, _eniagent_v1_GetDeviceResponse__Output>
  GetEni: MethodDefinition<_eniagent_v1_GetEniRequest, _eniagent_v1_GetEniResponse, _eniagent_v1_GetEniRequest__Output, _eniagent_v1_GetEniResponse__Output>
  GetHostReport: MethodDefinition<_eniagent_v1_GetHostReportRequest, _eniagent_v1_GetHostReportResponse, _eniagent_v1_GetHostReportRequest__Output, _eniagent_v1_GetHostReportResponse__Output>
  GetOperation: MethodDefinition<_eniagent_v1_GetOperationRequest, _eniagent_v1_GetOperationResponse, _eniagent_v1_GetOperationRequest__Output, _eniagent_v1_GetOperationResponse__Output>
  ListDevices: MethodDefinition<_eniagent_v1_ListDevicesRequest, _eniagent_v1_ListDevicesResponse, _eniagent_v1_ListDevicesRequest__Output, _eniagent_v1_ListDevicesResponse__Output>
  ListEnis: MethodDefinition<_eniagent_v1_ListEnisRequest, _eniagent_v1_ListEnisResponse, _eniagent_v1_ListEnisRequest__Output, _eniagent_v1_ListEnisResponse__Output>
  ListOperations: MethodDefinition<_eniagent_v1_ListOperationsRequest, _eniagent_v1_ListOperationsResponse, _eniagent_v1_ListOperationsRequest__Output, _eniagent_v1_ListOperationsResponse__Output>
  PrepareTermination: MethodDefinition<_eniagent_v1_PrepareTerminationRequest, _eniagent_v1_PrepareTerminationResponse, _eniagent_v1_PrepareTerminationRequest__Output, _eniagent_v1_PrepareTerminationResponse__Output>
  PutEniIntent: MethodDefinition<_eniagent_v1_PutEniIntentRequest, _eniagent_v1_PutEniIntentResponse, _eniagent_v1_PutEniIntentRequest__Output, _eniagent_v1_PutEniIntentResponse__Output>
  ReleaseEni: MethodDefinition<_eniagent_v1_ReleaseEniRequest, _eniagent_v1_ReleaseEniResponse, _eniagent_v1_ReleaseEniRequest__Output, _eniagent_v1_ReleaseEniResponse__Output>
  RestoreDevice: MethodDefinition<_eniagent_v1_RestoreDeviceRequest, _eniagent_v1_RestoreDeviceResponse, _eniagent_v1_RestoreDeviceRequest__Output, _eniagent_v1_RestoreDeviceResponse__Output>
  SyncEniIntents: MethodDefinition<_eniagent_v1_SyncEniIntentsRequest, _eniagent_v1_SyncEniIntentsResponse, _eniagent_v1_SyncEniIntentsRequest__Output, _eniagent_v1_SyncEniIntentsResponse__Output>
  WatchEvents: MethodDefinition<_eniagent_v1_WatchEventsRequest, _eniagent_v1_WatchEventsResponse, _eniagent_v1_WatchEventsRequest__Output, _eniagent_v1_WatchEventsResponse__Output>
}

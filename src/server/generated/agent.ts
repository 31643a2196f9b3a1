import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { BindDeviceRequest as _eniagent_v1_BindDeviceRequest, BindDeviceRequest__Output as _eniagent_v1_BindDeviceRequest__Output } from './eniagent/v1/BindDeviceRequest.js';
import type { BindDeviceResponse as _eniagent_v1_BindDeviceResponse, BindDeviceResponse__Output as _eniagent_v1_BindDeviceResponse__Output } from './eniagent/v1/BindDeviceResponse.js';
import type { Check as _eniagent_v1_Check, Check__Output as _eniagent_v1_Check__Output } from './eniagent/v1/Check.js';
import type { ComponentHealth as _eniagent_v1_ComponentHealth, ComponentHealth__Output as _eniagent_v1_ComponentHealth__Output } from './eniagent/v1/ComponentHealth.js';
import type { ConfirmOperationRequest as _eniagent_v1_ConfirmOperationRequest, ConfirmOperationRequest__Output as _eniagent_v1_ConfirmOperationRequest__Output } from './eniagent/v1/ConfirmOperationRequest.js';
import type { ConfirmOperationResponse as _eniagent_v1_ConfirmOperationResponse, ConfirmOperationResponse__Output as _eniagent_v1_ConfirmOperationResponse__Output } from './eniagent/v1/ConfirmOperationResponse.js';
import type { Confirmation as _eniagent_v1_Confirmation, Confirmation__Output as _eniagent_v1_Confirmation__Output } from './eniagent/v1/Confirmation.js';
import type { ConfirmationPending as _eniagent_v1_ConfirmationPending, ConfirmationPending__Output as _eniagent_v1_ConfirmationPending__Output } from './eniagent/v1/ConfirmationPending.js';
import type { Confirmed as _eniagent_v1_Confirmed, Confirmed__Output as _eniagent_v1_Confirmed__Output } from './eniagent/v1/Confirmed.js';
import type { Device as _eniagent_v1_Device, Device__Output as _eniagent_v1_Device__Output } from './eniagent/v1/Device.js';
import type { DeviceAdded as _eniagent_v1_DeviceAdded, DeviceAdded__Output as _eniagent_v1_DeviceAdded__Output } from './eniagent/v1/DeviceAdded.js';
import type { DeviceHolder as _eniagent_v1_DeviceHolder, DeviceHolder__Output as _eniagent_v1_DeviceHolder__Output } from './eniagent/v1/DeviceHolder.js';
import type { DeviceIdentity as _eniagent_v1_DeviceIdentity, DeviceIdentity__Output as _eniagent_v1_DeviceIdentity__Output } from './eniagent/v1/DeviceIdentity.js';
import type { DeviceRemoved as _eniagent_v1_DeviceRemoved, DeviceRemoved__Output as _eniagent_v1_DeviceRemoved__Output } from './eniagent/v1/DeviceRemoved.js';
import type { DeviceSelector as _eniagent_v1_DeviceSelector, DeviceSelector__Output as _eniagent_v1_DeviceSelector__Output } from './eniagent/v1/DeviceSelector.js';
import type { DriftFound as _eniagent_v1_DriftFound, DriftFound__Output as _eniagent_v1_DriftFound__Output } from './eniagent/v1/DriftFound.js';
import type { DriverChanged as _eniagent_v1_DriverChanged, DriverChanged__Output as _eniagent_v1_DriverChanged__Output } from './eniagent/v1/DriverChanged.js';
import type { EniAgentServiceClient as _eniagent_v1_EniAgentServiceClient, EniAgentServiceDefinition as _eniagent_v1_EniAgentServiceDefinition } from './eniagent/v1/EniAgentService.js';
import type { EniFailure as _eniagent_v1_EniFailure, EniFailure__Output as _eniagent_v1_EniFailure__Output } from './eniagent/v1/EniFailure.js';
import type { EniIntent as _eniagent_v1_EniIntent, EniIntent__Output as _eniagent_v1_EniIntent__Output } from './eniagent/v1/EniIntent.js';
import type { EniReleased as _eniagent_v1_EniReleased, EniReleased__Output as _eniagent_v1_EniReleased__Output } from './eniagent/v1/EniReleased.js';
import type { EniStatus as _eniagent_v1_EniStatus, EniStatus__Output as _eniagent_v1_EniStatus__Output } from './eniagent/v1/EniStatus.js';
import type { ErrorDetail as _eniagent_v1_ErrorDetail, ErrorDetail__Output as _eniagent_v1_ErrorDetail__Output } from './eniagent/v1/ErrorDetail.js';
import type { Event as _eniagent_v1_Event, Event__Output as _eniagent_v1_Event__Output } from './eniagent/v1/Event.js';
import type { GetDeviceRequest as _eniagent_v1_GetDeviceRequest, GetDeviceRequest__Output as _eniagent_v1_GetDeviceRequest__Output } from './eniagent/v1/GetDeviceRequest.js';
import type { GetDeviceResponse as _eniagent_v1_GetDeviceResponse, GetDeviceResponse__Output as _eniagent_v1_GetDeviceResponse__Output } from './eniagent/v1/GetDeviceResponse.js';
import type { GetEniRequest as _eniagent_v1_GetEniRequest, GetEniRequest__Output as _eniagent_v1_GetEniRequest__Output } from './eniagent/v1/GetEniRequest.js';
import type { GetEniResponse as _eniagent_v1_GetEniResponse, GetEniResponse__Output as _eniagent_v1_GetEniResponse__Output } from './eniagent/v1/GetEniResponse.js';
import type { GetHostReportRequest as _eniagent_v1_GetHostReportRequest, GetHostReportRequest__Output as _eniagent_v1_GetHostReportRequest__Output } from './eniagent/v1/GetHostReportRequest.js';
import type { GetHostReportResponse as _eniagent_v1_GetHostReportResponse, GetHostReportResponse__Output as _eniagent_v1_GetHostReportResponse__Output } from './eniagent/v1/GetHostReportResponse.js';
import type { GetOperationRequest as _eniagent_v1_GetOperationRequest, GetOperationRequest__Output as _eniagent_v1_GetOperationRequest__Output } from './eniagent/v1/GetOperationRequest.js';
import type { GetOperationResponse as _eniagent_v1_GetOperationResponse, GetOperationResponse__Output as _eniagent_v1_GetOperationResponse__Output } from './eniagent/v1/GetOperationResponse.js';
import type { Health as _eniagent_v1_Health, Health__Output as _eniagent_v1_Health__Output } from './eniagent/v1/Health.js';
import type { HealthChanged as _eniagent_v1_HealthChanged, HealthChanged__Output as _eniagent_v1_HealthChanged__Output } from './eniagent/v1/HealthChanged.js';
import type { HostReport as _eniagent_v1_HostReport, HostReport__Output as _eniagent_v1_HostReport__Output } from './eniagent/v1/HostReport.js';
import type { HugepagePool as _eniagent_v1_HugepagePool, HugepagePool__Output as _eniagent_v1_HugepagePool__Output } from './eniagent/v1/HugepagePool.js';
import type { ImdsStatus as _eniagent_v1_ImdsStatus, ImdsStatus__Output as _eniagent_v1_ImdsStatus__Output } from './eniagent/v1/ImdsStatus.js';
import type { InstanceIdentity as _eniagent_v1_InstanceIdentity, InstanceIdentity__Output as _eniagent_v1_InstanceIdentity__Output } from './eniagent/v1/InstanceIdentity.js';
import type { Iommu as _eniagent_v1_Iommu, Iommu__Output as _eniagent_v1_Iommu__Output } from './eniagent/v1/Iommu.js';
import type { JournalHealth as _eniagent_v1_JournalHealth, JournalHealth__Output as _eniagent_v1_JournalHealth__Output } from './eniagent/v1/JournalHealth.js';
import type { KernelModule as _eniagent_v1_KernelModule, KernelModule__Output as _eniagent_v1_KernelModule__Output } from './eniagent/v1/KernelModule.js';
import type { ListDevicesRequest as _eniagent_v1_ListDevicesRequest, ListDevicesRequest__Output as _eniagent_v1_ListDevicesRequest__Output } from './eniagent/v1/ListDevicesRequest.js';
import type { ListDevicesResponse as _eniagent_v1_ListDevicesResponse, ListDevicesResponse__Output as _eniagent_v1_ListDevicesResponse__Output } from './eniagent/v1/ListDevicesResponse.js';
import type { ListEnisRequest as _eniagent_v1_ListEnisRequest, ListEnisRequest__Output as _eniagent_v1_ListEnisRequest__Output } from './eniagent/v1/ListEnisRequest.js';
import type { ListEnisResponse as _eniagent_v1_ListEnisResponse, ListEnisResponse__Output as _eniagent_v1_ListEnisResponse__Output } from './eniagent/v1/ListEnisResponse.js';
import type { ListOperationsRequest as _eniagent_v1_ListOperationsRequest, ListOperationsRequest__Output as _eniagent_v1_ListOperationsRequest__Output } from './eniagent/v1/ListOperationsRequest.js';
import type { ListOperationsResponse as _eniagent_v1_ListOperationsResponse, ListOperationsResponse__Output as _eniagent_v1_ListOperationsResponse__Output } from './eniagent/v1/ListOperationsResponse.js';
import type { NoIommu as _eniagent_v1_NoIommu, NoIommu__Output as _eniagent_v1_NoIommu__Output } from './eniagent/v1/NoIommu.js';
import type { Operation as _eniagent_v1_Operation, Operation__Output as _eniagent_v1_Operation__Output } from './eniagent/v1/Operation.js';
import type { OperationProgress as _eniagent_v1_OperationProgress, OperationProgress__Output as _eniagent_v1_OperationProgress__Output } from './eniagent/v1/OperationProgress.js';
import type { OperationResult as _eniagent_v1_OperationResult, OperationResult__Output as _eniagent_v1_OperationResult__Output } from './eniagent/v1/OperationResult.js';
import type { OperationStep as _eniagent_v1_OperationStep, OperationStep__Output as _eniagent_v1_OperationStep__Output } from './eniagent/v1/OperationStep.js';
import type { PrepareTerminationRequest as _eniagent_v1_PrepareTerminationRequest, PrepareTerminationRequest__Output as _eniagent_v1_PrepareTerminationRequest__Output } from './eniagent/v1/PrepareTerminationRequest.js';
import type { PrepareTerminationResponse as _eniagent_v1_PrepareTerminationResponse, PrepareTerminationResponse__Output as _eniagent_v1_PrepareTerminationResponse__Output } from './eniagent/v1/PrepareTerminationResponse.js';
import type { PutEniIntentRequest as _eniagent_v1_PutEniIntentRequest, PutEniIntentRequest__Output as _eniagent_v1_PutEniIntentRequest__Output } from './eniagent/v1/PutEniIntentRequest.js';
import type { PutEniIntentResponse as _eniagent_v1_PutEniIntentResponse, PutEniIntentResponse__Output as _eniagent_v1_PutEniIntentResponse__Output } from './eniagent/v1/PutEniIntentResponse.js';
import type { ReleaseEniRequest as _eniagent_v1_ReleaseEniRequest, ReleaseEniRequest__Output as _eniagent_v1_ReleaseEniRequest__Output } from './eniagent/v1/ReleaseEniRequest.js';
import type { ReleaseEniResponse as _eniagent_v1_ReleaseEniResponse, ReleaseEniResponse__Output as _eniagent_v1_ReleaseEniResponse__Output } from './eniagent/v1/ReleaseEniResponse.js';
import type { RestoreDeviceRequest as _eniagent_v1_RestoreDeviceRequest, RestoreDeviceRequest__Output as _eniagent_v1_RestoreDeviceRequest__Output } from './eniagent/v1/RestoreDeviceRequest.js';
import type { RestoreDeviceResponse as _eniagent_v1_RestoreDeviceResponse, RestoreDeviceResponse__Output as _eniagent_v1_RestoreDeviceResponse__Output } from './eniagent/v1/RestoreDeviceResponse.js';
import type { RevertedUnconfirmed as _eniagent_v1_RevertedUnconfirmed, RevertedUnconfirmed__Output as _eniagent_v1_RevertedUnconfirmed__Output } from './eniagent/v1/RevertedUnconfirmed.js';
import type { SyncEniIntentsRequest as _eniagent_v1_SyncEniIntentsRequest, SyncEniIntentsRequest__Output as _eniagent_v1_SyncEniIntentsRequest__Output } from './eniagent/v1/SyncEniIntentsRequest.js';
import type { SyncEniIntentsResponse as _eniagent_v1_SyncEniIntentsResponse, SyncEniIntentsResponse__Output as _eniagent_v1_SyncEniIntentsResponse__Output } from './eniagent/v1/SyncEniIntentsResponse.js';
import type { TerminationNotice as _eniagent_v1_TerminationNotice, TerminationNotice__Output as _eniagent_v1_TerminationNotice__Output } from './eniagent/v1/TerminationNotice.js';
import type { TerminationPlan as _eniagent_v1_TerminationPlan, TerminationPlan__Output as _eniagent_v1_TerminationPlan__Output } from './eniagent/v1/TerminationPlan.js';
import type { TerminationPlanned as _eniagent_v1_TerminationPlanned, TerminationPlanned__Output as _eniagent_v1_TerminationPlanned__Output } from './eniagent/v1/TerminationPlanned.js';
import type { TerminationStep as _eniagent_v1_TerminationStep, TerminationStep__Output as _eniagent_v1_TerminationStep__Output } from './eniagent/v1/TerminationStep.js';
import type { TerminationWatcher as _eniagent_v1_TerminationWatcher, TerminationWatcher__Output as _eniagent_v1_TerminationWatcher__Output } from './eniagent/v1/TerminationWatcher.js';
import type { WatchEventsRequest as _eniagent_v1_WatchEventsRequest, WatchEventsRequest__Output as _eniagent_v1_WatchEventsRequest__Output } from './eniagent/v1/WatchEventsRequest.js';
import type { WatchEventsResponse as _eniagent_v1_WatchEventsResponse, WatchEventsResponse__Output as _eniagent_v1_WatchEventsResponse__Output } from './eniagent/v1/WatchEventsResponse.js';
import type { WriteCombining as _eniagent_v1_WriteCombining, WriteCombining__Output as _eniagent_v1_WriteCombining__Output } from './eniagent/v1/WriteCombining.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  eniagent: {
    v1: {
      BindDeviceRequest: MessageTypeDefinition<_eniagent_v1_BindDeviceRequest, _eniagent_v1_BindDeviceRequest__Output>
      BindDeviceResponse: MessageTypeDefinition<_eniagent_v1_BindDeviceResponse, _eniagent_v1_BindDeviceResponse__Output>
      Check: MessageTypeDefinition<_eniagent_v1_Check, _eniagent_v1_Check__Output>
      CheckSeverity: EnumTypeDefinition
      ComponentHealth: MessageTypeDefinition<_eniagent_v1_ComponentHealth, _eniagent_v1_ComponentHealth__Output>
      ConfirmOperationRequest: MessageTypeDefinition<_eniagent_v1_ConfirmOperationRequest, _eniagent_v1_ConfirmOperationRequest__Output>
      ConfirmOperationResponse: MessageTypeDefinition<_eniagent_v1_ConfirmOperationResponse, _eniagent_v1_ConfirmOperationResponse__Output>
      Confirmation: MessageTypeDefinition<_eniagent_v1_Confirmation, _eniagent_v1_Confirmation__Output>
      ConfirmationPending: MessageTypeDefinition<_eniagent_v1_ConfirmationPending, _eniagent_v1_ConfirmationPending__Output>
      ConfirmationState: EnumTypeDefinition
      Confirmed: MessageTypeDefinition<_eniagent_v1_Confirmed, _eniagent_v1_Confirmed__Output>
      Device: MessageTypeDefinition<_eniagent_v1_Device, _eniagent_v1_Device__Output>
      DeviceAdded: MessageTypeDefinition<_eniagent_v1_DeviceAdded, _eniagent_v1_DeviceAdded__Output>
      DeviceHolder: MessageTypeDefinition<_eniagent_v1_DeviceHolder, _eniagent_v1_DeviceHolder__Output>
      DeviceIdentity: MessageTypeDefinition<_eniagent_v1_DeviceIdentity, _eniagent_v1_DeviceIdentity__Output>
      DeviceRemoved: MessageTypeDefinition<_eniagent_v1_DeviceRemoved, _eniagent_v1_DeviceRemoved__Output>
      DeviceSelector: MessageTypeDefinition<_eniagent_v1_DeviceSelector, _eniagent_v1_DeviceSelector__Output>
      DeviceState: EnumTypeDefinition
      DriftFound: MessageTypeDefinition<_eniagent_v1_DriftFound, _eniagent_v1_DriftFound__Output>
      DriverChanged: MessageTypeDefinition<_eniagent_v1_DriverChanged, _eniagent_v1_DriverChanged__Output>
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
      EniAgentService: SubtypeConstructor<typeof grpc.Client, _eniagent_v1_EniAgentServiceClient> & { service: _eniagent_v1_EniAgentServiceDefinition }
      EniFailure: MessageTypeDefinition<_eniagent_v1_EniFailure, _eniagent_v1_EniFailure__Output>
      EniIntent: MessageTypeDefinition<_eniagent_v1_EniIntent, _eniagent_v1_EniIntent__Output>
      EniPhase: EnumTypeDefinition
      EniReleased: MessageTypeDefinition<_eniagent_v1_EniReleased, _eniagent_v1_EniReleased__Output>
      EniStatus: MessageTypeDefinition<_eniagent_v1_EniStatus, _eniagent_v1_EniStatus__Output>
      ErrorDetail: MessageTypeDefinition<_eniagent_v1_ErrorDetail, _eniagent_v1_ErrorDetail__Output>
      Event: MessageTypeDefinition<_eniagent_v1_Event, _eniagent_v1_Event__Output>
      EventKind: EnumTypeDefinition
      GetDeviceRequest: MessageTypeDefinition<_eniagent_v1_GetDeviceRequest, _eniagent_v1_GetDeviceRequest__Output>
      GetDeviceResponse: MessageTypeDefinition<_eniagent_v1_GetDeviceResponse, _eniagent_v1_GetDeviceResponse__Output>
      GetEniRequest: MessageTypeDefinition<_eniagent_v1_GetEniRequest, _eniagent_v1_GetEniRequest__Output>
      GetEniResponse: MessageTypeDefinition<_eniagent_v1_GetEniResponse, _eniagent_v1_GetEniResponse__Output>
      GetHostReportRequest: MessageTypeDefinition<_eniagent_v1_GetHostReportRequest, _eniagent_v1_GetHostReportRequest__Output>
      GetHostReportResponse: MessageTypeDefinition<_eniagent_v1_GetHostReportResponse, _eniagent_v1_GetHostReportResponse__Output>
      GetOperationRequest: MessageTypeDefinition<_eniagent_v1_GetOperationRequest, _eniagent_v1_GetOperationRequest__Output>
      GetOperationResponse: MessageTypeDefinition<_eniagent_v1_GetOperationResponse, _eniagent_v1_GetOperationResponse__Output>
      Health: MessageTypeDefinition<_eniagent_v1_Health, _eniagent_v1_Health__Output>
      HealthChanged: MessageTypeDefinition<_eniagent_v1_HealthChanged, _eniagent_v1_HealthChanged__Output>
      HostReport: MessageTypeDefinition<_eniagent_v1_HostReport, _eniagent_v1_HostReport__Output>
      HugepagePool: MessageTypeDefinition<_eniagent_v1_HugepagePool, _eniagent_v1_HugepagePool__Output>
      ImdsStatus: MessageTypeDefinition<_eniagent_v1_ImdsStatus, _eniagent_v1_ImdsStatus__Output>
      InstanceIdentity: MessageTypeDefinition<_eniagent_v1_InstanceIdentity, _eniagent_v1_InstanceIdentity__Output>
      Iommu: MessageTypeDefinition<_eniagent_v1_Iommu, _eniagent_v1_Iommu__Output>
      JournalHealth: MessageTypeDefinition<_eniagent_v1_JournalHealth, _eniagent_v1_JournalHealth__Output>
      KernelModule: MessageTypeDefinition<_eniagent_v1_KernelModule, _eniagent_v1_KernelModule__Output>
      ListDevicesRequest: MessageTypeDefinition<_eniagent_v1_ListDevicesRequest, _eniagent_v1_ListDevicesRequest__Output>
      ListDevicesResponse: MessageTypeDefinition<_eniagent_v1_ListDevicesResponse, _eniagent_v1_ListDevicesResponse__Output>
      ListEnisRequest: MessageTypeDefinition<_eniagent_v1_ListEnisRequest, _eniagent_v1_ListEnisRequest__Output>
      ListEnisResponse: MessageTypeDefinition<_eniagent_v1_ListEnisResponse, _eniagent_v1_ListEnisResponse__Output>
      ListOperationsRequest: MessageTypeDefinition<_eniagent_v1_ListOperationsRequest, _eniagent_v1_ListOperationsRequest__Output>
      ListOperationsResponse: MessageTypeDefinition<_eniagent_v1_ListOperationsResponse, _eniagent_v1_ListOperationsResponse__Output>
      NoIommu: MessageTypeDefinition<_eniagent_v1_NoIommu, _eniagent_v1_NoIommu__Output>
      Operation: MessageTypeDefinition<_eniagent_v1_Operation, _eniagent_v1_Operation__Output>
      OperationKind: EnumTypeDefinition
      OperationProgress: MessageTypeDefinition<_eniagent_v1_OperationProgress, _eniagent_v1_OperationProgress__Output>
      OperationResult: MessageTypeDefinition<_eniagent_v1_OperationResult, _eniagent_v1_OperationResult__Output>
      OperationStatus: EnumTypeDefinition
      OperationStep: MessageTypeDefinition<_eniagent_v1_OperationStep, _eniagent_v1_OperationStep__Output>
      PrepareTerminationRequest: MessageTypeDefinition<_eniagent_v1_PrepareTerminationRequest, _eniagent_v1_PrepareTerminationRequest__Output>
      PrepareTerminationResponse: MessageTypeDefinition<_eniagent_v1_PrepareTerminationResponse, _eniagent_v1_PrepareTerminationResponse__Output>
      PutEniIntentRequest: MessageTypeDefinition<_eniagent_v1_PutEniIntentRequest, _eniagent_v1_PutEniIntentRequest__Output>
      PutEniIntentResponse: MessageTypeDefinition<_eniagent_v1_PutEniIntentResponse, _eniagent_v1_PutEniIntentResponse__Output>
      ReleaseAction: EnumTypeDefinition
      ReleaseEniRequest: MessageTypeDefinition<_eniagent_v1_ReleaseEniRequest, _eniagent_v1_ReleaseEniRequest__Output>
      ReleaseEniResponse: MessageTypeDefinition<_eniagent_v1_ReleaseEniResponse, _eniagent_v1_ReleaseEniResponse__Output>
      ReleaseMode: EnumTypeDefinition
      ReleaseOutcome: EnumTypeDefinition
      RestoreDeviceRequest: MessageTypeDefinition<_eniagent_v1_RestoreDeviceRequest, _eniagent_v1_RestoreDeviceRequest__Output>
      RestoreDeviceResponse: MessageTypeDefinition<_eniagent_v1_RestoreDeviceResponse, _eniagent_v1_RestoreDeviceResponse__Output>
      RevertedUnconfirmed: MessageTypeDefinition<_eniagent_v1_RevertedUnconfirmed, _eniagent_v1_RevertedUnconfirmed__Output>
      StepStatus: EnumTypeDefinition
      SyncEniIntentsRequest: MessageTypeDefinition<_eniagent_v1_SyncEniIntentsRequest, _eniagent_v1_SyncEniIntentsRequest__Output>
      SyncEniIntentsResponse: MessageTypeDefinition<_eniagent_v1_SyncEniIntentsResponse, _eniagent_v1_SyncEniIntentsResponse__Output>
      TerminationAction: EnumTypeDefinition
      TerminationNotice: MessageTypeDefinition<_eniagent_v1_TerminationNotice, _eniagent_v1_TerminationNotice__Output>
      TerminationPlan: MessageTypeDefinition<_eniagent_v1_TerminationPlan, _eniagent_v1_TerminationPlan__Output>
      TerminationPlanned: MessageTypeDefinition<_eniagent_v1_TerminationPlanned, _eniagent_v1_TerminationPlanned__Output>
      TerminationSource: EnumTypeDefinition
      TerminationStep: MessageTypeDefinition<_eniagent_v1_TerminationStep, _eniagent_v1_TerminationStep__Output>
      TerminationWatcher: MessageTypeDefinition<_eniagent_v1_TerminationWatcher, _eniagent_v1_TerminationWatcher__Output>
      WatchEventsRequest: MessageTypeDefinition<_eniagent_v1_WatchEventsRequest, _eniagent_v1_WatchEventsRequest__Output>
      WatchEventsResponse: MessageTypeDefinition<_eniagent_v1_WatchEventsResponse, _eniagent_v1_WatchEventsResponse__Output>
      WatcherState: EnumTypeDefinition
      WriteCombining: MessageTypeDefinition<_eniagent_v1_WriteCombining, _eniagent_v1_WriteCombining__Output>
    }
  }
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}


export { type Clock, realClock, steppingClock } from "./clock.js";
export {
  type AutoConfirm,
  ConfirmationWatch,
  type ConfirmationWatchOptions,
} from "./confirmation-watch.js";
export type { PendingConfirmation } from "./confirmations.js";
export {
  type DesiredApplied,
  type DesiredBinding,
  type DesiredKey,
  type DesiredStore,
  FileDesiredStore,
  MemoryDesiredStore,
  parseDesiredBinding,
} from "./desired-state.js";
export {
  diagnose,
  type KernelVersion,
  moduleHint,
  NOIOMMU_REMEDY,
  parseKernelRelease,
} from "./diagnose.js";
export { DriverEngine } from "./engine.js";
export type {
  BindOptions,
  DriverEngineDeps,
  DriverEngineOptions,
  RecoveryReport,
} from "./engine-options.js";
export { FileJournal, type FileJournalOptions } from "./file-journal.js";
export type {
  AddressProvider,
  GuardName,
  PrimaryProvider,
} from "./guards.js";
export {
  decodeJournal,
  encodeRecord,
  foldJournal,
  type Journal,
  type JournalLoad,
  type JournalProblem,
  type JournalRecord,
  requestOf,
} from "./journal.js";
export { type JournalFault, MemoryJournal } from "./memory-journal.js";
export { describeState } from "./observe.js";
export { type JournalIssues, journalNotes } from "./operation-book.js";
export { describeStep, planSteps, planTransition, stepWrite } from "./plan-transaction.js";
export type { PlannedOperation } from "./prepare-operation.js";
export { Reconciler, type ReconcilerOptions, type RepairAttempt } from "./reconciler.js";
export { type LockOwner, lockStateDir, type StateLock } from "./state-lock.js";
export type * from "./types.js";

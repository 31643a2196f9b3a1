// Loaded with --require, so before tap's processinfo (an --import) in every
// test process. processinfo records each module a process loads, for
// coverage and `tap --changed`: about 0.3 s of CPU per process here, in the
// test files and in every node they start. With coverage off (this suite's
// setting) nothing reads those records, so its file filter is set to match
// every file. With coverage on, processinfo is left as it is.
if (process.env._TAPJS_PROCESSINFO_COVERAGE_ === "0") {
  process.env._TAPJS_PROCESSINFO_EXCLUDE_ = "/./";
}

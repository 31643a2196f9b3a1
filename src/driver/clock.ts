// The engine's clock is the project's one clock type (src/common/clock.ts).
export { type Clock, realClock, steppingClock } from "../common/clock.js";

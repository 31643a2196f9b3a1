// `node --import=./test/support/ts-loader.mjs file.ts` runs a TypeScript file
// of this repository (see ts-hooks.mjs).
import { register } from "node:module";

register("./ts-hooks.mjs", import.meta.url);

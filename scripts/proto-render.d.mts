// Types of proto-render.mjs for the TypeScript tests that import it.
export declare const PROTO_FILES: string[];
export declare const LOADER_FLAGS: string[];
export declare function renderDescriptorModule(protoDir: string): string;
export declare function renderApiReference(protoDir: string): string;
export declare function replaceReference(doc: string, reference: string): string;

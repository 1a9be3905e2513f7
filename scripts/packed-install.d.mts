// Types of packed-install.mjs, for the TypeScript tests that use it.
export declare const root: string;
export declare const PACKAGES: string[];
export declare function cleanEnv(): NodeJS.ProcessEnv;
export declare function packWorkspace(dest: string): Promise<Record<string, string>>;
export declare function npmInstall(dir: string, specs: string[]): Promise<{ stdout: string; stderr: string }>;
export declare function treeSize(dir: string): { files: number; bytes: number; diskBytes: number };
export declare function installedPackages(dir: string): string[];

// Moved to src/core/json.ts; this re-export keeps older import paths (the broker server's) working.
export * from '../core/json';

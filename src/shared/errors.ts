// Moved to src/core/errors.ts; this re-export keeps older import paths (the broker server's) working.
export * from '../core/errors';

// Moved to src/core/xml.ts; this re-export keeps older import paths (the broker server's) working.
export * from '../core/xml';

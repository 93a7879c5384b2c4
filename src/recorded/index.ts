export * from './model';
export * from './config';
export * from './pacts';
export * from './check';
export * from './store';
export * from './record';
export * from './publish';
export * from './redact';
export { RateLimiter, sendWithRetry, parseRetryAfter, backoffDelay } from './http';

export * from './oauth';
export * from './regions';

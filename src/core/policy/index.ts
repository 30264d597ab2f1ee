export * from './distance.js';
export * from './tolerance.js';
export * from './steal-history.js';
export * from './decision.js';
export * from './candidates.js';
export * from './decide.js';
export * from './record.js';
export * from './validate.js';

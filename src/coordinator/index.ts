export * from './broker.js';
export * from './ledger.js';
export * from './saga.js';
export * from './coordinator.js';

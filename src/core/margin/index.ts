export * from './requirements.js';
export * from './interest.js';
export * from './deleverage.js';

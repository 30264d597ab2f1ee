/**
 * The fill model (README "Value-aware stealing: does it pay?"): causal volatility from closed bars, variance
 * over an order's remaining tradable time, calibrated first-passage fill probability, shrunk realised
 * returns, and the policy's Valuator over them. Pure: no I/O, no clock. See FillModel for the driver's
 * contract.
 */
export * from './normal.js';
export * from './distance.js';
export * from './horizon.js';
export * from './calibration.js';
export * from './model.js';
export * from './returns.js';
export * from './valuator.js';
export * from './tape.js';
export * from './report.js';

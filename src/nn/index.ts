/**
 * Neural-network building blocks: {@link Module}, {@link Linear}, {@link MLP}, activations and
 * initialisers.
 *
 * @module
 */
export { Module, ModuleList, type ForwardOptions } from './module.js';
export { Linear, type LinearOptions } from './linear.js';
export { MLP, type MLPOptions } from './mlp.js';
export type { Activation } from './activations.js';
export { initLinear, xavierUniform, xavierNormal, heUniform, heNormal, type InitName } from './init.js';

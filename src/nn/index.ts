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
// Convolutional building blocks (issue 17).
export { Conv2d, ConvTranspose2d, type ConvLayerOptions, type ConvTranspose2dLayerOptions } from './conv.js';
export { Flatten, Unflatten } from './reshape.js';
export { Sequential, ActivationLayer } from './sequential.js';

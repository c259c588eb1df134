/**
 * Pictures as dependency-free SVG strings: code scatters, image grids, side-by-side figures.
 *
 * @module
 */
export { scatterSvg } from './scatter.js';
export type { ScatterOptions, ScatterPoints } from './scatter.js';
export { imageGridSvg } from './image-grid.js';
export type { ImageBatch, ImageGridOptions } from './image-grid.js';
export { sideBySideSvg } from './side-by-side.js';
export type { SideBySideOptions } from './side-by-side.js';
export { encodeGrayPng } from './png.js';

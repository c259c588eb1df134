/**
 * Saving and loading: the safetensors codec (works anywhere) and Node file helpers.
 *
 * @module
 */
export { encodeSafetensors, decodeSafetensors } from './safetensors.js';
export type {
  SafetensorsContent, EncodeSafetensorsOptions, SafetensorsArrays, SafetensorsDtype, SafetensorsTensor,
} from './safetensors.js';
export { saveSafetensors, loadSafetensors } from './safetensors-file.js';
export type { SaveSafetensorsOptions } from './safetensors-file.js';

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
export { writeFileAtomic, readFileBytes } from './node-file.js';
export type { AtomicFs, AtomicFileHandle, WriteFileAtomicOptions } from './node-file.js';
export { crc32, adler32 } from './crc32.js';

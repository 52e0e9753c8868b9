import { InputError } from '../errors.ts';
import { buildNetwork, parseNetworkConfig, type Network, type NetworkConfig } from './params.ts';

/**
 * The safetensors format (https://huggingface.co/docs/safetensors), float32 only:
 *   8 bytes   N, the header length, unsigned little-endian
 *   N bytes   a UTF-8 JSON object: tensor name → {"dtype": "F32", "shape": [...], "data_offsets":
 *             [begin, end]}, and optionally "__metadata__": a map of strings to strings
 *   the rest  the data section: each tensor's elements row-major, little-endian, at bytes
 *             [begin, end) of the section; the tensors cover the section exactly, without overlap
 * Files written here list the tensors in layout order and pad the header with spaces to a multiple
 * of 8 bytes (as the reference implementation does), so the data section is the flat parameter
 * buffer itself.
 *
 * Reading trusts nothing: every rule above is checked and a violation throws a SafetensorsError
 * with one line that says what is wrong. Names from the file are quoted with JSON.stringify so a
 * name cannot break that line.
 */
export class SafetensorsError extends InputError {
  override name = 'SafetensorsError';
}

export interface NamedTensor {
  name: string;
  shape: readonly number[];
  data: Float32Array;
}

export interface SafetensorsContents {
  tensors: NamedTensor[];
  metadata: Record<string, string>;
}

const METADATA_KEY = '__metadata__';
const F32_BYTES = 4;
/** Every dtype the format defines, to tell a valid file wgym cannot use from a corrupt one. */
const KNOWN_DTYPES = new Set(['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64']);

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const quote = (text: string) => JSON.stringify(text);

/**
 * Copies between float32 values and their little-endian bytes. Typed arrays use the host's byte
 * order, which is little-endian on every platform that runs WebGPU (GPU buffers assume it too);
 * copying bytes rather than converting values keeps every bit, NaN payloads included.
 */
const bytesOf = (data: Float32Array) => new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

export function encodeSafetensors(tensors: readonly NamedTensor[], metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { [METADATA_KEY]: metadata };
  let dataBytes = 0;
  for (const tensor of tensors) {
    if (tensor.name in header) throw new RangeError(`encodeSafetensors: duplicate tensor name ${quote(tensor.name)}`);
    if (tensor.data.length !== product(tensor.shape)) {
      throw new RangeError(`encodeSafetensors: tensor ${quote(tensor.name)} has ${tensor.data.length} values for shape [${tensor.shape.join(', ')}]`);
    }
    header[tensor.name] = { dtype: 'F32', shape: tensor.shape, data_offsets: [dataBytes, dataBytes + tensor.data.byteLength] };
    dataBytes += tensor.data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const file = new Uint8Array(8 + headerLength + dataBytes);
  new DataView(file.buffer).setBigUint64(0, BigInt(headerLength), true);
  file.set(json, 8);
  file.fill(0x20, 8 + json.length, 8 + headerLength); // spaces: JSON allows trailing whitespace
  let at = 8 + headerLength;
  for (const tensor of tensors) {
    file.set(bytesOf(tensor.data), at);
    at += tensor.data.byteLength;
  }
  return file;
}

/**
 * Throws a file's error, prefixed with its name. Declared with the explicit type Fail at each use,
 * because TypeScript narrows after a never-returning call only through an explicitly typed name.
 */
type Fail = (message: string) => never;

function failWith(source: string): Fail {
  return (message) => {
    throw new SafetensorsError(`${source}: ${message}`);
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

interface Entry {
  name: string;
  shape: number[];
  begin: number;
  end: number;
}

/** Parses and checks one tensor entry of the header. */
function parseEntry(name: string, value: unknown, fail: Fail): Entry {
  const what = `tensor ${quote(name)}`;
  if (!isRecord(value)) fail(`${what}: entry is not a JSON object`);
  const fields = ['dtype', 'shape', 'data_offsets'];
  const extra = Object.keys(value).find((key) => !fields.includes(key));
  if (extra !== undefined) fail(`${what}: unknown field ${quote(extra)}`);
  const absent = fields.find((field) => !(field in value));
  if (absent !== undefined) fail(`${what}: no ${absent}`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string' || !KNOWN_DTYPES.has(dtype)) fail(`${what}: unknown dtype ${JSON.stringify(dtype)}`);
  if (dtype !== 'F32') fail(`${what}: dtype ${dtype} is not supported (only F32)`);
  if (!Array.isArray(shape) || !shape.every(isCount)) fail(`${what}: shape must be a list of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    fail(`${what}: data_offsets must be [begin, end] with 0 ≤ begin ≤ end`);
  }
  const [begin, end] = offsets as number[];
  const expectedBytes = product(shape) * F32_BYTES;
  if (end - begin !== expectedBytes) {
    fail(`${what}: data_offsets [${begin}, ${end}] span ${end - begin} bytes, but F32 shape [${shape.join(', ')}] needs ${expectedBytes}`);
  }
  return { name, shape, begin, end };
}

/** Reads a safetensors file of F32 tensors; `source` (a file name) starts every error message. */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors'): SafetensorsContents {
  const fail: Fail = failWith(source);
  if (bytes.length < 8) fail(`${bytes.length} bytes is too short for a safetensors file (the header length alone is 8)`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) fail(`header length ${headerLength} is more than the ${bytes.length - 8} bytes after it`);
  const dataStart = 8 + Number(headerLength);

  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (error) {
    fail(`header is not valid UTF-8 JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (!isRecord(header)) fail('header is not a JSON object');
  const { [METADATA_KEY]: rawMetadata, ...entries } = header;

  const metadata: Record<string, string> = {};
  if (rawMetadata !== undefined) {
    if (!isRecord(rawMetadata)) fail(`${METADATA_KEY} is not a JSON object`);
    for (const [key, value] of Object.entries(rawMetadata)) {
      if (typeof value !== 'string') fail(`${METADATA_KEY} value of ${quote(key)} is not a string`);
      metadata[key] = value;
    }
  }

  const dataLength = bytes.length - dataStart;
  const parsed = Object.entries(entries).map(([name, value]) => parseEntry(name, value, fail));
  for (const entry of parsed) {
    if (entry.end > dataLength) {
      fail(`tensor ${quote(entry.name)}: data_offsets [${entry.begin}, ${entry.end}] are past the end of the ${dataLength}-byte data section`);
    }
  }
  // The tensors must tile the data section: sorted by position, each starts where the last ended.
  const byPosition = [...parsed].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Entry | null = null;
  for (const entry of byPosition) {
    if (entry.begin < covered && previous) {
      fail(`tensors ${quote(previous.name)} and ${quote(entry.name)} overlap (bytes [${previous.begin}, ${previous.end}) and [${entry.begin}, ${entry.end}))`);
    }
    if (entry.begin > covered) fail(`bytes [${covered}, ${entry.begin}) of the data section belong to no tensor`);
    covered = entry.end;
    previous = entry;
  }
  if (covered < dataLength) fail(`bytes [${covered}, ${dataLength}) of the data section belong to no tensor`);

  const tensors = parsed.map(({ name, shape, begin, end }) => {
    const data = new Float32Array((end - begin) / F32_BYTES);
    bytesOf(data).set(bytes.subarray(dataStart + begin, dataStart + end));
    return { name, shape, data };
  });
  return { tensors, metadata };
}

/** What a training checkpoint calls its parameter file (src/train/checkpoint.ts; the browser demo too). */
export const MODEL_FILE = 'model.safetensors';

/** Metadata keys of a parameter file. */
export const METADATA_ENV_ID = 'env_id';
export const METADATA_NETWORK = 'network';

/**
 * A parameter file: the layout's tensors and, in __metadata__, the env id and the network config
 * as JSON, plus any other strings the caller adds (a training step, a commit).
 */
export function saveParams(net: Network, params: Float32Array, envId: string, extra: Record<string, string> = {}): Uint8Array {
  if (params.length !== net.layout.size) throw new RangeError(`saveParams: expected ${net.layout.size} parameters, got ${params.length}`);
  const tensors = net.layout.tensors.map((spec) => ({
    name: spec.name,
    shape: spec.shape,
    data: params.subarray(spec.offset, spec.offset + spec.size),
  }));
  return encodeSafetensors(tensors, { ...extra, [METADATA_ENV_ID]: envId, [METADATA_NETWORK]: JSON.stringify(net.config) });
}

export interface LoadedParams {
  envId: string;
  network: Network;
  /** The flat buffer in the network's layout. */
  params: Float32Array;
  metadata: Record<string, string>;
}

/**
 * Reads a parameter file and checks it against what the caller expects: the env id, and either the
 * given network (same config, same tensors) or, without one, the network its own config describes.
 * Tensors are matched by name, so a file written by PyTorch in another order loads too. Any
 * mismatch, or a NaN or infinite value, throws a SafetensorsError; nothing loads silently.
 */
export function loadParams(bytes: Uint8Array, expected: { envId: string; network?: Network }, source = 'parameter file'): LoadedParams {
  const fail: Fail = failWith(source);
  const { tensors, metadata } = decodeSafetensors(bytes, source);

  const envId = metadata[METADATA_ENV_ID];
  if (envId === undefined) fail(`no ${quote(METADATA_ENV_ID)} in ${METADATA_KEY}`);
  if (envId !== expected.envId) fail(`parameters are for env ${quote(envId)}, expected ${quote(expected.envId)}`);

  const configText = metadata[METADATA_NETWORK];
  if (configText === undefined) fail(`no ${quote(METADATA_NETWORK)} in ${METADATA_KEY}`);
  let config: NetworkConfig;
  try {
    config = parseNetworkConfig(JSON.parse(configText));
  } catch (error) {
    fail(`${METADATA_KEY} ${quote(METADATA_NETWORK)} is not a valid network config (${(error as Error).message})`);
  }
  const network = expected.network ?? buildNetwork(config);

  const byName = new Map(tensors.map((tensor) => [tensor.name, tensor]));
  const params = new Float32Array(network.layout.size);
  for (const spec of network.layout.tensors) {
    const tensor = byName.get(spec.name);
    if (!tensor) fail(`missing tensor ${quote(spec.name)}`);
    if (tensor.shape.join() !== spec.shape.join()) {
      fail(`tensor ${quote(spec.name)} has shape [${tensor.shape.join(', ')}], expected [${spec.shape.join(', ')}]`);
    }
    const bad = tensor.data.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) fail(`tensor ${quote(spec.name)} holds ${tensor.data[bad]} at index ${bad}`);
    params.set(tensor.data, spec.offset);
  }
  const known = new Set(network.layout.tensors.map((spec) => spec.name));
  const unexpected = tensors.find((tensor) => !known.has(tensor.name));
  if (unexpected) fail(`unexpected tensor ${quote(unexpected.name)} (not in the network's layout)`);
  // Same tensors can still mean another network: an activation has no parameters of its own.
  const difference = firstDifference(config, network.config, '');
  if (difference) fail(`network config differs from the expected one at ${difference}`);

  return { envId, network, params, metadata };
}

/** The first path at which two JSON values differ, with both values, or null if they are equal. */
function firstDifference(actual: unknown, wanted: unknown, path: string): string | null {
  if (isRecord(actual) && isRecord(wanted)) {
    for (const key of new Set([...Object.keys(actual), ...Object.keys(wanted)])) {
      const difference = firstDifference(actual[key], wanted[key], path ? `${path}.${key}` : key);
      if (difference) return difference;
    }
    return null;
  }
  if (Array.isArray(actual) && Array.isArray(wanted) && actual.length === wanted.length) {
    for (let k = 0; k < actual.length; k++) {
      const difference = firstDifference(actual[k], wanted[k], `${path}.${k}`);
      if (difference) return difference;
    }
    return null;
  }
  if (JSON.stringify(actual) === JSON.stringify(wanted)) return null;
  return `${path || '(config)'}: file has ${JSON.stringify(actual) ?? 'nothing'}, expected ${JSON.stringify(wanted) ?? 'nothing'}`;
}
